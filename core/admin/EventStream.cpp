#include "admin/EventStream.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "http/DirectWrite.h"

#include <QAbstractSocket>
#include <QJsonDocument>
#include <QLocalSocket>

namespace keel::admin {

EventStream::EventStream(QIODevice* socket, state::EventBus& bus, std::optional<quint64> since, int keepAliveMs)
    : m_socket(socket)
    , m_bus(bus)
{
    socket->setParent(this);
    // Nothing more is read from a watcher; what it sends is discarded.
    connect(socket, &QIODevice::readyRead, this, [this] {
        if (m_socket)
            m_socket->readAll();
    });
    if (auto* tcp = qobject_cast<QAbstractSocket*>(socket))
        connect(tcp, &QAbstractSocket::disconnected, this, &EventStream::end);
    else if (auto* local = qobject_cast<QLocalSocket*>(socket))
        connect(local, &QLocalSocket::disconnected, this, &EventStream::end);

    // Subscribe before reading the ring: both happen on this thread, so nothing falls between.
    // The bus may go first (an in-process server stopping): the stream then ends, and forgets it.
    m_subscription = m_bus.subscribe([this](const state::Event& e) { send(e); },
                                     [this] {
                                         m_subscription = 0;
                                         end();
                                     });
    m_lastSent = m_bus.lastSeq();
    // A comment line first: proxies and clients see at once that the stream is alive.
    write(": keel events, epoch " + m_bus.epoch().toLatin1() + "\n\n");
    if (since) {
        bool complete = true;
        // A number from the future belongs to another server process: resync.
        const QList<state::Event> missed = *since > m_lastSent ? QList<state::Event>() : m_bus.since(*since, &complete);
        if (!complete || *since > m_lastSent) {
            state::Event resync;
            resync.seq = m_lastSent;
            resync.type = QStringLiteral("resync");
            resync.time = Clock::now();
            resync.epoch = m_bus.epoch();
            write(format(resync));
        }
        for (const state::Event& e : missed)
            write(format(e));
    }
    connect(&m_keepAlive, &QTimer::timeout, this, [this] { write(": keep-alive\n\n"); });
    m_keepAlive.start(keepAliveMs);
}

EventStream::~EventStream()
{
    if (m_subscription)
        m_bus.unsubscribe(m_subscription);
}

QByteArray EventStream::format(const state::Event& event)
{
    return "id: " + QByteArray::number(event.seq) + "\nevent: " + event.type.toUtf8() + "\ndata: "
           + QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact) + "\n\n";
}

void EventStream::send(const state::Event& event)
{
    if (event.seq <= m_lastSent)
        return;
    m_lastSent = event.seq;
    write(format(event));
}

void EventStream::write(const QByteArray& bytes)
{
    if (m_ended || !m_socket)
        return;
    if (http::unsentBytes(m_socket) > kMaxBacklogBytes) {
        qCInfo(lcAdmin) << "event watcher does not keep up; closing its stream (it resumes with Last-Event-ID)";
        end();
        return;
    }
    http::writeDirect(m_socket, bytes);
}

void EventStream::end()
{
    if (m_ended)
        return;
    m_ended = true;
    m_keepAlive.stop();
    if (m_subscription) {
        m_bus.unsubscribe(m_subscription);
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
