#include "admin/LogStream.h"

#include "admin/ApiJson.h"
#include "common/LogBuffer.h"
#include "http/DirectWrite.h"

#include <QAbstractSocket>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QUuid>

namespace keel::admin {

LogStream::LogStream(QIODevice* socket, qint64 since, int keepAliveMs)
    : m_socket(socket)
{
    socket->setParent(this);
    connect(socket, &QIODevice::readyRead, this, [this] {
        if (m_socket)
            m_socket->readAll();
    });
    if (auto* tcp = qobject_cast<QAbstractSocket*>(socket))
        connect(tcp, &QAbstractSocket::disconnected, this, &LogStream::end);
    else if (auto* local = qobject_cast<QLocalSocket*>(socket))
        connect(local, &QLocalSocket::disconnected, this, &LogStream::end);

    log::LogBuffer& buffer = log::LogBuffer::instance();
    // A record may be logged on any thread: the wake-up only posts one drain to this thread, and
    // posts no more until that drain ran (logging from within the drain cannot loop).
    m_subscription = buffer.subscribe([this] {
        if (!m_scheduled.exchange(true))
            QMetaObject::invokeMethod(this, &LogStream::drain, Qt::QueuedConnection);
    });
    m_lastSent = since < 0 ? buffer.lastId() : since;
    write(": keel log\n\n");
    drain();
    connect(&m_keepAlive, &QTimer::timeout, this, [this] { write(": keep-alive\n\n"); });
    m_keepAlive.start(keepAliveMs);
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
    if (m_ended)
        return;
    QByteArray out;
    for (const log::LogRecord& r : log::LogBuffer::instance().since(m_lastSent)) {
        out += format(r);
        m_lastSent = r.id;
    }
    if (!out.isEmpty())
        write(out);
}

void LogStream::write(const QByteArray& bytes)
{
    if (m_ended || !m_socket)
        return;
    if (http::unsentBytes(m_socket) > kMaxBacklogBytes) {
        end();   // no log line about it: it would wake every log watcher, this one included
        return;
    }
    http::writeDirect(m_socket, bytes);
}

void LogStream::end()
{
    if (m_ended)
        return;
    m_ended = true;
    m_keepAlive.stop();
    if (m_subscription) {
        log::LogBuffer::instance().unsubscribe(m_subscription);
        m_subscription = 0;
    }
    if (m_socket) {
        if (auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data()))
            tcp->disconnectFromHost();
        else if (auto* local = qobject_cast<QLocalSocket*>(m_socket.data()))
            local->disconnectFromServer();
    }
    deleteLater();
}

} // namespace keel::admin
