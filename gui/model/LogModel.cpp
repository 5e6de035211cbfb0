#include "LogModel.h"

#include "common/LogBuffer.h"

#include <QColor>
#include <QDateTime>

namespace keel::gui {

namespace {
constexpr int kMaxLines = 5000;
}

LogModel::LogModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    m_timer.setInterval(500);
    connect(&m_timer, &QTimer::timeout, this, &LogModel::pull);
}

void LogModel::start()
{
    pull();
    m_timer.start();
}

QString LogModel::levelName(int type)
{
    switch (type) {
    case QtDebugMsg: return tr("debug");
    case QtInfoMsg: return tr("info");
    case QtWarningMsg: return tr("warning");
    default: return tr("error");
    }
}

void LogModel::pull()
{
    const QList<log::LogRecord> records = log::LogBuffer::instance().since(m_lastId);
    if (records.isEmpty())
        return;
    m_lastId = records.last().id;
    const int overflow = int(m_lines.size() + records.size()) - kMaxLines;
    if (overflow > 0) {
        const int drop = qMin(overflow, int(m_lines.size()));
        beginRemoveRows({}, 0, drop - 1);
        m_lines.remove(0, drop);
        endRemoveRows();
    }
    const int from = qMax(0, int(records.size()) - kMaxLines);
    beginInsertRows({}, int(m_lines.size()), int(m_lines.size() + records.size() - from - 1));
    for (int i = from; i < records.size(); ++i)
        m_lines.append({records[i].msecsSinceEpoch, int(records[i].type), records[i].category, records[i].message});
    endInsertRows();
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
        return line.type == QtCriticalMsg || line.type == QtFatalMsg ? 3 : line.type == QtWarningMsg ? 2 : line.type == QtInfoMsg ? 1 : 0;
    if (role == Qt::ForegroundRole && (line.type == QtWarningMsg || line.type == QtCriticalMsg || line.type == QtFatalMsg))
        return QColor(line.type == QtWarningMsg ? QColor(0xb0, 0x6a, 0x00) : QColor(0xc0, 0x20, 0x20));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time: return QDateTime::fromMSecsSinceEpoch(line.msecs).toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case Level: return levelName(line.type);
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
