#pragma once

#include "ServerEvent.h"
#include "SseSubscription.h"

#include <QObject>

namespace keel::gui {

class ApiClient;

// Keeps `GET /api/v1/events` open (through SseSubscription, which reconnects by itself) and asks
// for a full re-read (resyncNeeded) whenever it cannot know what it missed: every (re)connection,
// a `resync` event, or a new server epoch (the server restarted). A server without the stream
// (404: an older Keel or a Headscale) is reported once through unsupported().
class EventStream : public QObject
{
    Q_OBJECT

public:
    explicit EventStream(ApiClient& client, QObject* parent = nullptr);
    ~EventStream() override;

    void start();
    void stop();
    bool isConnected() const { return m_connected; }

Q_SIGNALS:
    void connectedChanged(bool connected, const QString& error);
    void resyncNeeded();
    void eventReceived(const keel::gui::ServerEvent& event);
    void unsupported();

private:
    void onOpened();
    void onEvent(const ServerEvent& event);
    void setConnected(bool on, const QString& error = {});

    // Live events only (no `since`): every (re)connection re-reads the lists anyway, and a replay
    // of older events after that read would put stale objects back.
    SseSubscription m_subscription;
    bool m_connected = false;
    QString m_epoch;
};

} // namespace keel::gui
