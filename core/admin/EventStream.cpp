#include "admin/EventStream.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "admin/SseChannel.h"

#include <QJsonDocument>

namespace keel::admin {

EventStream::EventStream(QIODevice* socket, state::EventBus& bus, std::optional<quint64> since, int keepAliveMs,
                         QObject* parent)
    : QObject(parent)
    , m_channel(new SseChannel(socket, kMaxBacklogBytes, keepAliveMs, this))
    , m_bus(bus)
{
    connect(m_channel, &SseChannel::ended, this, [this](bool overrun) {
        if (overrun)
            qCInfo(lcAdmin) << "event watcher does not keep up; closing its stream (it resumes with Last-Event-ID)";
        finish();
    });

    // Subscribe before reading the ring: both happen on this thread, so nothing falls between.
    // The bus may go first (an in-process server stopping): the stream then ends, and forgets it.
    m_subscription = m_bus.subscribe([this](const state::Event& e) { send(e); },
                                     [this] {
                                         m_subscription = 0;
                                         m_channel->close();
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
    m_channel->write(bytes);
}

void EventStream::finish()
{
    if (m_subscription) {
        m_bus.unsubscribe(m_subscription);
        m_subscription = 0;
    }
    deleteLater();
}

} // namespace keel::admin
