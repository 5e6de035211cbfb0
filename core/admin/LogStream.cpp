#include "admin/LogStream.h"

#include "admin/ApiJson.h"
#include "admin/SseChannel.h"
#include "common/LogBuffer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

namespace keel::admin {

LogStream::LogStream(QIODevice* socket, qint64 since, int keepAliveMs, QObject* parent)
    : QObject(parent)
    , m_channel(new SseChannel(socket, kMaxBacklogBytes, keepAliveMs, this))
{
    // No log line when a watcher overruns: it would wake every log watcher, this one included.
    connect(m_channel, &SseChannel::ended, this, &LogStream::finish);

    log::LogBuffer& buffer = log::LogBuffer::instance();
    // A record may be logged on any thread: the wake-up only posts one drain to this thread, and
    // posts no more until that drain ran (logging from within the drain cannot loop).
    m_subscription = buffer.subscribe([this] {
        if (!m_scheduled.exchange(true))
            QMetaObject::invokeMethod(this, &LogStream::drain, Qt::QueuedConnection);
    });
    m_lastSent = since < 0 ? buffer.lastId() : since;
    m_channel->write(": keel log\n\n");
    drain();
}

LogStream::~LogStream()
{
    if (m_subscription)
        log::LogBuffer::instance().unsubscribe(m_subscription);
}

QString LogStream::levelName(int type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
    case QtFatalMsg:
        return QStringLiteral("error");
    default:
        return QStringLiteral("info");
    }
}

QString LogStream::epoch()
{
    // Record ids start again in a new process: a watcher that reconnects sees the new epoch.
    static const QString value = QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
    return value;
}

QByteArray LogStream::format(const log::LogRecord& r)
{
    const QJsonObject data{{QStringLiteral("id"), QString::number(r.id)},
                           {QStringLiteral("epoch"), epoch()},
                           {QStringLiteral("time"), json::time(QDateTime::fromMSecsSinceEpoch(r.msecsSinceEpoch).toUTC())},
                           {QStringLiteral("level"), levelName(r.type)},
                           {QStringLiteral("module"), r.category},
                           {QStringLiteral("message"), r.message}};
    return "id: " + QByteArray::number(r.id) + "\nevent: log\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
}

void LogStream::drain()
{
    m_scheduled = false;
    if (!m_channel->isOpen())
        return;
    QByteArray out;
    for (const log::LogRecord& r : log::LogBuffer::instance().since(m_lastSent)) {
        out += format(r);
        m_lastSent = r.id;
    }
    if (!out.isEmpty())
        m_channel->write(out);
}

void LogStream::finish()
{
    if (m_subscription) {
        log::LogBuffer::instance().unsubscribe(m_subscription);
        m_subscription = 0;
    }
    deleteLater();
}

} // namespace keel::admin
