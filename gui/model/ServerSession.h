#pragma once

#include "client/ApiClient.h"
#include "client/ServerEvent.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace keel::gui {

class ApiKeyModel;
class AuditModel;
class EventStream;
class NodeModel;
class PendingModel;
class PreAuthKeyModel;
class UserModel;

// One connection to a Keel server, whichever mode: the API client, the event stream, and the
// models both feed. The lists are read once per (re)connection and kept current by events; views
// watch the models and never call the server. A server without the event stream (an older Keel,
// or Headscale) is re-read every 10 seconds instead, and the status says so.
class ServerSession : public QObject
{
    Q_OBJECT

public:
    enum class Status { Connecting, Online, Offline };

    explicit ServerSession(const ApiEndpoint& endpoint, QObject* parent = nullptr);
    ~ServerSession() override;

    void start();
    // Re-reads every list now (after an action, when there is no event stream).
    void refresh();

    ApiClient& client() { return *m_client; }
    Status status() const { return m_status; }
    QString statusText() const { return m_statusText; }
    bool hasEventStream() const { return m_hasEvents; }
    bool hasPendingApi() const { return m_hasPendingApi; }
    bool hasAuditApi() const { return m_hasAuditApi; }
    // The policy in force as the server last reported it (empty: none set).
    QString policyText() const { return m_policy; }
    QString policyError() const { return m_policyError; }
    // GET /api/v1/server/status as last read (empty: not read yet, or the server has none). Read
    // on every (re)connection and again shortly after nodes come and go (DERP client counts).
    QJsonObject serverStatus() const { return m_serverStatus; }
    bool hasServerStatus() const { return !m_serverStatus.isEmpty(); }

    NodeModel& nodes() { return *m_nodes; }
    UserModel& users() { return *m_users; }
    PreAuthKeyModel& preAuthKeys() { return *m_preAuthKeys; }
    ApiKeyModel& apiKeys() { return *m_apiKeys; }
    PendingModel& pending() { return *m_pending; }
    AuditModel& audit() { return *m_audit; }

Q_SIGNALS:
    void statusChanged(keel::gui::ServerSession::Status status, const QString& text);
    void policyChanged();
    void serverStatusChanged();
    void registrationArrived(const QJsonObject& registration);   // for the desktop notification
    void eventReceived(const keel::gui::ServerEvent& event);

private:
    void resync();
    void fetch(const QString& path, const char* listKey, std::function<void(const QJsonArray&)> apply, std::function<void(int status)> missing = {});
    void fetchPolicy();
    void fetchServerStatus();
    void applyEvent(const ServerEvent& event);
    void setStatus(Status status, const QString& text);
    void oneFetchDone(bool ok, const QString& error);

    ApiClient* m_client;
    EventStream* m_events;
    NodeModel* m_nodes;
    UserModel* m_users;
    PreAuthKeyModel* m_preAuthKeys;
    ApiKeyModel* m_apiKeys;
    PendingModel* m_pending;
    AuditModel* m_audit;
    QTimer m_fallback;
    Status m_status = Status::Connecting;
    QString m_statusText;
    bool m_hasEvents = true;
    bool m_hasPendingApi = true;
    bool m_hasAuditApi = true;
    int m_fetchesLeft = 0;
    bool m_fetchFailed = false;
    QString m_fetchError;
    bool m_resyncing = false;
    QList<ServerEvent> m_held;   // events that arrived while the lists were being read
    QString m_policy;
    QString m_policyError;
    QJsonObject m_serverStatus;
    QTimer m_statusDebounce;
};

} // namespace keel::gui
