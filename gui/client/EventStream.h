#pragma once

#include "ServerEvent.h"
#include "SseParser.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace keel::gui {

class ApiCall;
class ApiClient;

// Keeps `GET /api/v1/events` open: parses the events, and asks for a full re-read (resyncNeeded)
// whenever it cannot know what it missed: every
// (re)connection, a `resync` event, or a new server epoch (the server restarted). Reconnects by itself
// with a growing delay (1 s up to 10 s). A server without the stream (404: an older Keel or a
// Headscale) is reported once through unsupported().
class EventStream : public QObject
{
    Q_OBJECT

public:
    explicit EventStream(ApiClient& client, QObject* parent = nullptr);
    ~EventStream() override;

    void start();
    void stop();
    bool isConnected() const { return m_connected; }
    qint64 lastSeq() const { return m_lastSeq; }

Q_SIGNALS:
    void connectedChanged(bool connected, const QString& error);
    void resyncNeeded();
    void eventReceived(const keel::gui::ServerEvent& event);
    void unsupported();

private:
    void open();
    void onHead(int status);
    void onData(const QByteArray& bytes);
    void onFinished(const QString& error);
    void setConnected(bool on, const QString& error = {});

    ApiClient& m_client;
    QPointer<ApiCall> m_call;
    SseParser m_parser;
    QTimer m_retry;
    QTimer m_watchdog;   // no byte for 45 s (three keep-alives): the connection is dead
    bool m_running = false;
    bool m_connected = false;
    bool m_sawData = false;
    int m_failures = 0;
    qint64 m_lastSeq = -1;
    QString m_epoch;
};

} // namespace keel::gui
