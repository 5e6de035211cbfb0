#include "LogModel.h"

#include "client/ApiCall.h"
#include "client/ApiClient.h"

#include <QColor>
#include <QDateTime>

namespace keel::gui {

namespace {
constexpr int kMaxLines = 5000;

int levelOf(const QString& name)
{
    if (name == QLatin1String("debug"))
        return 0;
    if (name == QLatin1String("warning"))
        return 2;
    if (name == QLatin1String("error"))
        return 3;
    return 1;
}
}

LogModel::LogModel(ApiClient& client, QObject* parent)
    : QAbstractTableModel(parent)
    , m_subscription(client, QStringLiteral("/api/v1/logs?since=0"))
{
    connect(&m_subscription, &SseSubscription::opened, this, [this] {
        m_connected = true;
        Q_EMIT connectedChanged(true);
    });
    connect(&m_subscription, &SseSubscription::closed, this, [this] {
        if (!m_connected)
            return;
        m_connected = false;
        Q_EMIT connectedChanged(false);
    });
    connect(&m_subscription, &SseSubscription::unsupported, this, &LogModel::unsupported);
    connect(&m_subscription, &SseSubscription::eventsReceived, this, &LogModel::append);
}

LogModel::~LogModel()
{
    m_subscription.stop();
}

void LogModel::start()
{
    m_subscription.start();
}

void LogModel::stop()
{
    m_subscription.stop();
}

void LogModel::append(const QList<ServerEvent>& events)
{
    QList<Line> fresh;
    for (const ServerEvent& e : events) {
        if (e.type != QLatin1String("log"))
            continue;
        if (e.epoch != m_epoch) {
            m_epoch = e.epoch;   // another server process: its numbering starts again
            m_lastId = 0;
        }
        if (e.seq <= m_lastId)
            continue;            // already shown before the reconnection
        m_lastId = e.seq;
        const QDateTime t = QDateTime::fromString(e.data.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
        fresh.append({t.toMSecsSinceEpoch(), levelOf(e.data.value(QStringLiteral("level")).toString()),
                      e.data.value(QStringLiteral("module")).toString(), e.data.value(QStringLiteral("message")).toString()});
    }
    if (fresh.isEmpty())
        return;
    const int overflow = int(m_lines.size() + fresh.size()) - kMaxLines;
    if (overflow > 0) {
        const int drop = qMin(overflow, int(m_lines.size()));
        beginRemoveRows({}, 0, drop - 1);
        m_lines.remove(0, drop);
        endRemoveRows();
    }
    const int from = qMax(0, int(fresh.size()) - kMaxLines);
    beginInsertRows({}, int(m_lines.size()), int(m_lines.size() + fresh.size() - from - 1));
    for (int i = from; i < fresh.size(); ++i)
        m_lines.append(fresh[i]);
    endInsertRows();
}

QString LogModel::levelName(int level)
{
    switch (level) {
    case 0: return tr("debug");
    case 1: return tr("info");
    case 2: return tr("warning");
    default: return tr("error");
    }
}

int LogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int LogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 4;
}

QVariant LogModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Line& line = m_lines[index.row()];
    if (role == LevelRole)
        return line.level;
    if (role == Qt::ForegroundRole && line.level >= 2)
        return QColor(line.level == 2 ? QColor(0xb0, 0x6a, 0x00) : QColor(0xc0, 0x20, 0x20));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time: return QDateTime::fromMSecsSinceEpoch(line.msecs).toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case Level: return levelName(line.level);
    case Module: return line.category;
    case Message: return line.message;
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time");
    case Level: return tr("Level");
    case Module: return tr("Module");
    case Message: return tr("Message");
    }
    return {};
}

} // namespace keel::gui
