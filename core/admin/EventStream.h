#pragma once

#include "state/EventBus.h"

#include <QObject>

#include <optional>

class QIODevice;

namespace keel::admin {
class SseChannel;
}

namespace keel::admin {

// One GET /api/v1/events watcher: owns the connection after the response head, writes what it
// missed (or `resync`), then every new event as a server-sent event, and a keep-alive comment
// every 15 s. Ends when the client goes away, or when it stops reading and more than
// kMaxBacklogBytes pile up (it reconnects with Last-Event-ID and loses nothing). Deletes itself.
class EventStream : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxBacklogBytes = 16 * 1024 * 1024;

    // `since`: resume after this sequence number; nullopt = live events only.
    // `parent`: what the stream must not outlive (the admin API that opened it).
    EventStream(QIODevice* socket, state::EventBus& bus, std::optional<quint64> since, int keepAliveMs = 15'000,
                QObject* parent = nullptr);
    ~EventStream() override;

    // "id: N\nevent: TYPE\ndata: {...}\n\n"
    static QByteArray format(const state::Event& event);

private:
    void send(const state::Event& event);
    void write(const QByteArray& bytes);
    void finish();

    SseChannel* m_channel;
    state::EventBus& m_bus;
    int m_subscription = 0;
    quint64 m_lastSent = 0;
};

} // namespace keel::admin
