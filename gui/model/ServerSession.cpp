#include "ServerSession.h"

#include "ApiKeyModel.h"
#include "AuditModel.h"
#include "NodeModel.h"
#include "PendingModel.h"
#include "PreAuthKeyModel.h"
#include "UserModel.h"
#include "client/EventStream.h"

#include <QJsonArray>

namespace keel::gui {

ServerSession::ServerSession(const ApiEndpoint& endpoint, QObject* parent)
    : QObject(parent)
    , m_client(new ApiClient(endpoint, this))
    , m_events(new EventStream(*m_client, this))
    , m_nodes(new NodeModel(this))
    , m_users(new UserModel(this))
    , m_preAuthKeys(new PreAuthKeyModel(this))
    , m_apiKeys(new ApiKeyModel(this))
    , m_pending(new PendingModel(this))
    , m_audit(new AuditModel(this))
{
    m_statusDebounce.setSingleShot(true);
    m_statusDebounce.setInterval(1000);
    connect(&m_statusDebounce, &QTimer::timeout, this, &ServerSession::fetchServerStatus);
    m_fallback.setInterval(10000);
    connect(&m_fallback, &QTimer::timeout, this, &ServerSession::refresh);
    connect(m_events, &EventStream::resyncNeeded, this, &ServerSession::resync);
    connect(m_events, &EventStream::eventReceived, this, &ServerSession::applyEvent);
    connect(m_events, &EventStream::connectedChanged, this, [this](bool connected, const QString& error) {
        if (!connected)
            setStatus(Status::Offline, error.isEmpty() ? tr("Not connected to %1; trying again.").arg(m_client->endpoint().describe())
                                                       : tr("Not connected: %1. Trying again.").arg(error));
    });
    connect(m_events, &EventStream::unsupported, this, [this] {
        m_hasEvents = false;
        resync();
        m_fallback.start();
    });
}

ServerSession::~ServerSession() = default;

void ServerSession::start()
{
    setStatus(Status::Connecting, tr("Connecting to %1…").arg(m_client->endpoint().describe()));
    m_events->start();
}

void ServerSession::refresh()
{
    if (!m_resyncing)
        resync();
}

void ServerSession::setStatus(Status status, const QString& text)
{
    if (m_status == status && m_statusText == text)
        return;
    m_status = status;
    m_statusText = text;
    Q_EMIT statusChanged(status, text);
}

void ServerSession::fetch(const QString& path, const char* listKey, std::function<void(const QJsonArray&)> apply,
                          std::function<void(int status)> missing)
{
    const QString key = QLatin1String(listKey);
    m_client->get(path, this, [this, key, apply, missing](const ApiReply& reply) {
        if (reply.ok())
            apply(reply.json().value(key).toArray());
        else if (missing && (reply.status == 404 || reply.status == 501))
            missing(reply.status);
        oneFetchDone(reply.ok() || (missing && (reply.status == 404 || reply.status == 501)), reply.errorMessage());
    });
}

void ServerSession::resync()
{
    m_resyncing = true;
    m_fetchesLeft = 7;
    m_fetchFailed = false;
    fetch(QStringLiteral("/api/v1/user"), "users", [this](const QJsonArray& a) { m_users->reset(a); });
    fetch(QStringLiteral("/api/v1/node"), "nodes", [this](const QJsonArray& a) { m_nodes->reset(a); });
    fetch(QStringLiteral("/api/v1/preauthkey"), "preAuthKeys", [this](const QJsonArray& a) { m_preAuthKeys->reset(a); });
    fetch(QStringLiteral("/api/v1/apikey"), "apiKeys", [this](const QJsonArray& a) { m_apiKeys->reset(a); });
    fetch(QStringLiteral("/api/v1/auth/pending"), "registrations", [this](const QJsonArray& a) { m_hasPendingApi = true; m_pending->reset(a); },
          [this](int) { m_hasPendingApi = false; m_pending->reset({}); });
    fetch(QStringLiteral("/api/v1/audit?limit=1000"), "entries", [this](const QJsonArray& a) { m_hasAuditApi = true; m_audit->reset(a); },
          [this](int) { m_hasAuditApi = false; m_audit->reset({}); });
    fetchPolicy();
    fetchServerStatus();
}

void ServerSession::fetchServerStatus()
{
    // Not part of the resync count: a server without it (older Keel, Headscale) is still usable.
    m_client->get(QStringLiteral("/api/v1/server/status"), this, [this](const ApiReply& reply) {
        if (!reply.ok() && reply.status == 0)
            return;   // not reachable now: the next connection reads it again
        m_serverStatus = reply.ok() ? reply.json() : QJsonObject();
        Q_EMIT serverStatusChanged();
    });
}

void ServerSession::fetchPolicy()
{
    m_client->get(QStringLiteral("/api/v1/policy"), this, [this](const ApiReply& reply) {
        m_policy = reply.ok() ? reply.json().value(QStringLiteral("policy")).toString() : QString();
        m_policyError = reply.ok() || reply.status == 404 ? QString() : reply.errorMessage();
        if (reply.ok() || reply.status == 404)
            Q_EMIT policyChanged();
        if (m_resyncing)
            oneFetchDone(reply.ok() || reply.status == 404 || reply.status == 400, reply.errorMessage());
    });
}

void ServerSession::oneFetchDone(bool ok, const QString& error)
{
    if (!m_resyncing)
        return;
    if (!ok && !m_fetchFailed) {
        m_fetchFailed = true;
        m_fetchError = error;
    }
    if (--m_fetchesLeft > 0)
        return;
    m_resyncing = false;
    if (m_fetchFailed) {
        setStatus(Status::Offline, tr("Not connected: %1. Trying again.").arg(m_fetchError));
        m_held.clear();
        return;
    }
    setStatus(Status::Online, m_hasEvents ? tr("Connected to %1").arg(m_client->endpoint().describe())
                                          : tr("Connected to %1 (no live updates: this server has no event stream, the lists are re-read every 10 s)")
                                                .arg(m_client->endpoint().describe()));
    // Events that came in while the lists were read: applied after them (each carries the whole
    // object, so applying one twice changes nothing).
    const QList<ServerEvent> held = std::exchange(m_held, {});
    for (const ServerEvent& e : held)
        applyEvent(e);
}

void ServerSession::applyEvent(const ServerEvent& e)
{
    if (m_resyncing) {
        m_held.append(e);
        return;
    }
    const QString& t = e.type;
    const QJsonObject& d = e.data;
    if (t.startsWith(QLatin1String("node."))) {
        if (t == QLatin1String("node.removed"))
            m_nodes->remove(json::text(d, "nodeId"));
        else if (d.contains(QStringLiteral("node")))
            m_nodes->upsert(d.value(QStringLiteral("node")).toObject());
        else if (t == QLatin1String("node.online") || t == QLatin1String("node.offline"))
            m_nodes->setOnline(json::text(d, "nodeId"), t == QLatin1String("node.online"));
        // A node coming or going changes the relay's client count: read it again, once per burst.
        if (t == QLatin1String("node.online") || t == QLatin1String("node.offline") || t == QLatin1String("node.removed"))
            m_statusDebounce.start();
    } else if (t.startsWith(QLatin1String("user."))) {
        if (t == QLatin1String("user.removed"))
            m_users->remove(json::text(d, "userId"));
        else
            m_users->upsert(d.value(QStringLiteral("user")).toObject());
    } else if (t.startsWith(QLatin1String("preauthkey."))) {
        const QJsonObject key = d.value(QStringLiteral("preAuthKey")).toObject();
        if (key.value(QStringLiteral("deleted")).toBool())
            m_preAuthKeys->remove(m_preAuthKeys->keyOf(key));
        else
            m_preAuthKeys->upsert(key);
    } else if (t.startsWith(QLatin1String("apikey."))) {
        const QJsonObject key = d.value(QStringLiteral("apiKey")).toObject();
        if (t == QLatin1String("apikey.removed"))
            m_apiKeys->remove(m_apiKeys->keyOf(key));
        else
            m_apiKeys->upsert(key);
    } else if (t == QLatin1String("policy.changed")) {
        fetchPolicy();
    } else if (t.startsWith(QLatin1String("registration."))) {
        const QJsonObject r = d.value(QStringLiteral("registration")).toObject();
        if (t == QLatin1String("registration.pending")) {
            const bool isNew = m_pending->rowOf(m_pending->keyOf(r)) < 0;
            m_pending->upsert(r);
            if (isNew)
                Q_EMIT registrationArrived(r);
        } else {
            m_pending->remove(m_pending->keyOf(r));
        }
    } else if (t == QLatin1String("route.primary_changed")) {
        // Both the old and the new primary's node JSON change: one list read covers both.
        fetch(QStringLiteral("/api/v1/node"), "nodes", [this](const QJsonArray& a) { m_nodes->reset(a); });
    } else if (t == QLatin1String("audit.entry")) {
        m_audit->upsert(d.value(QStringLiteral("entry")).toObject());
    }
    Q_EMIT eventReceived(e);
}

} // namespace keel::gui
