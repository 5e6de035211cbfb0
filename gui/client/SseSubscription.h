#pragma once

#include "ServerEvent.h"
#include "SseParser.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace keel::gui {

class ApiCall;
class ApiClient;

// Keeps one server-sent-events GET of the Keel API open (/api/v1/events, /api/v1/logs): parses its
// events, reconnects by itself with a growing delay (1 s up to 10 s), and treats 45 s without a
// byte (three missed keep-alives) as a dead connection. A server without the route (404 or 405: an
// older Keel, or a Headscale) is reported once through unsupported(), and no retry follows.
class SseSubscription : public QObject
{
    Q_OBJECT

public:
    SseSubscription(ApiClient& client, const QString& pathAndQuery, QObject* parent = nullptr);
    ~SseSubscription() override;

    void start();
    void stop();

Q_SIGNALS:
    // The server answered 200: from here on, events arrive.
    void opened();
    // The events one read completed, in order (a model inserts them as one batch).
    void eventsReceived(const QList<keel::gui::ServerEvent>& events);
    // An attempt failed or a live stream ended (`error` says why); a retry is scheduled.
    void closed(const QString& error);
    void unsupported();

private:
    void open();
    void onFinished(const QString& error);
    void dropCall();

    ApiClient& m_client;
    QString m_path;
    QPointer<ApiCall> m_call;
    SseParser m_parser;
    QTimer m_retry;
    QTimer m_watchdog;
    bool m_running = false;
    bool m_sawData = false;
    int m_failures = 0;
};

} // namespace keel::gui
