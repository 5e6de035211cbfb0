#include "admin/SseChannel.h"

#include "http/DirectWrite.h"

#include <QAbstractSocket>
#include <QLocalSocket>

namespace keel::admin {

SseChannel::SseChannel(QIODevice* socket, qint64 maxBacklogBytes, int keepAliveMs, QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_maxBacklog(maxBacklogBytes)
{
    socket->setParent(this);
    // Nothing more is read from a watcher; what it sends is discarded.
    connect(socket, &QIODevice::readyRead, this, [this] {
        if (m_socket)
            m_socket->readAll();
    });
    if (auto* tcp = qobject_cast<QAbstractSocket*>(socket))
        connect(tcp, &QAbstractSocket::disconnected, this, [this] { finish(false); });
    else if (auto* local = qobject_cast<QLocalSocket*>(socket))
        connect(local, &QLocalSocket::disconnected, this, [this] { finish(false); });
    connect(&m_keepAlive, &QTimer::timeout, this, [this] { write(": keep-alive\n\n"); });
    m_keepAlive.start(keepAliveMs);
}

void SseChannel::write(const QByteArray& bytes)
{
    if (m_ended || !m_socket)
        return;
    if (http::unsentBytes(m_socket) > m_maxBacklog) {
        finish(true);
        return;
    }
    http::writeDirect(m_socket, bytes);
}

void SseChannel::close()
{
    finish(false);
}

void SseChannel::finish(bool overrun)
{
    if (m_ended)
        return;
    m_ended = true;
    m_keepAlive.stop();
    if (m_socket) {
        if (auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data()))
            tcp->disconnectFromHost();
        else if (auto* local = qobject_cast<QLocalSocket*>(m_socket.data()))
            local->disconnectFromServer();
    }
    emit ended(overrun);
}

} // namespace keel::admin
