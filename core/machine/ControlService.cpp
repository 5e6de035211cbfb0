#include "machine/ControlService.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "control/AuthPage.h"
#include "control/DefaultControlHandler.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QUrlQuery>

namespace keel::control {

namespace {

void replyJson(http::Http2Response& response, int status, const QJsonObject& body)
{
    if (status != 200) {
        // Errors before a stream starts are real HTTP errors with a text body (Go's http.Error).
        DefaultControlHandler::error(response, status, body.value(QStringLiteral("Error")).toString().toUtf8());
        return;
    }
    response.respond(200, {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")}},
                     QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace

ControlService::Options ControlService::Options::fromConfig(const config::Config& config)
{
    Options o;
    if (config.tuning.batchChangeDelayMs > 0)
        o.batcher.delayMs = int(config.tuning.batchChangeDelayMs);
    o.haProbeIntervalMs = int(config.node.haProbeIntervalMs);
    o.haProbeTimeoutMs = int(config.node.haProbeTimeoutMs);
    return o;
}

ControlService::ControlService(state::State& state, MapperOptions mapperOptions, Options options, QObject* parent)
    : QObject(parent)
    , m_state(state)
    , m_options(options)
    , m_mapper(std::move(mapperOptions))
    , m_batcher(state, m_mapper, options.batcher)
    , m_registration(state, state.config().serverUrl)
    , m_setDns(state, m_mapper)
    , m_haProber(state, m_batcher, state.config().serverUrl, options.haProbeIntervalMs, options.haProbeTimeoutMs)
    , m_sshCheck(state, m_mapper, state.config().serverUrl)
{
    connect(&m_housekeeping, &QTimer::timeout, this, &ControlService::housekeeping);
    if (m_options.housekeepingMs > 0)
        m_housekeeping.start(m_options.housekeepingMs);
}

ControlService::~ControlService() = default;

ControlHandler ControlService::handler()
{
    QPointer<ControlService> self(this);
    return [self](const ControlContext& c, const http::Http2Request& r, http::Http2Response resp) {
        if (self)
            self->serve(c, r, std::move(resp));
        else
            DefaultControlHandler::error(resp, 503, "server stopping");
    };
}

void ControlService::serve(const ControlContext& context, const http::Http2Request& request, http::Http2Response response)
{
    QByteArray path = request.path;
    if (const int q = int(path.indexOf('?')); q >= 0)
        path.truncate(q);
    if (path == "/machine/register" && request.method == "POST")
        serveRegister(context, request, std::move(response));
    else if (path == "/machine/map" && request.method == "POST")
        serveMap(context, request, std::move(response));
    else if (path == "/machine/set-dns" && request.method == "POST")
        m_setDns.serve(context, request, std::move(response));
    else if (path.startsWith("/machine/ssh/action/") && request.method == "GET")
        m_sshCheck.serve(context, request, std::move(response));
    else if (path == "/machine/ping-response" && (request.method == "HEAD" || request.method == "GET")) {
        const QUrlQuery query(QString::fromUtf8(request.path.mid(request.path.indexOf('?') + 1)));
        response.respond(pingResponse(query.queryItemValue(QStringLiteral("id"))));
    }
    else
        DefaultControlHandler::serve(context, request, std::move(response));
}

void ControlService::serveRegister(const ControlContext& context, const http::Http2Request& request,
                                   http::Http2Response response)
{
    // The reply may come much later (a held follow-up); the weak handle turns it into a no-op if
    // the client gave up meanwhile.
    m_registration.handle(context.machineKey.toString(), request.body,
                          [response](int status, const QJsonObject& body) mutable { replyJson(response, status, body); },
                          context.peer);
}

void ControlService::shutdown()
{
    m_stopping = true;
    m_batcher.closeAll();
}

void ControlService::serveMap(const ControlContext& context, const http::Http2Request& request, http::Http2Response response)
{
    if (m_stopping) {
        DefaultControlHandler::error(response, 503, "server stopping");
        return;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &pe);
    if (!doc.isObject()) {
        DefaultControlHandler::error(response, 400, "invalid MapRequest JSON");
        return;
    }
    const QJsonObject o = doc.object();
    const QString nodeKey = o.value(QStringLiteral("NodeKey")).toString();
    const state::SnapshotPtr s = m_state.snapshot();
    const state::LiveNode* node = s->nodeByKey(nodeKey);
    // A node key is served only over its own machine's session; to anyone else it does not exist.
    if (!node || node->node.machineKey != context.machineKey.toString()) {
        DefaultControlHandler::error(response, 404, "node not found");
        return;
    }
    const qint64 id = node->node.id;
    const bool stream = o.value(QStringLiteral("Stream")).toBool();
    const bool omitPeers = o.value(QStringLiteral("OmitPeers")).toBool();
    const bool readOnly = o.value(QStringLiteral("ReadOnly")).toBool();
    const bool zstd = o.value(QStringLiteral("Compress")).toString() == QLatin1String("zstd");
    const int version = o.value(QStringLiteral("Version")).toInt();

    if (!readOnly) {
        state::NodeReport report;
        report.capVersion = version;
        report.discoKey = o.value(QStringLiteral("DiscoKey")).toString();
        const QJsonValue hi = o.value(QStringLiteral("Hostinfo"));
        if (hi.isObject() && !hi.toObject().isEmpty())
            report.hostinfoJson = QJsonDocument(hi.toObject()).toJson(QJsonDocument::Compact);
        if (o.value(QStringLiteral("Endpoints")).isArray()) {
            QStringList eps;
            for (const QJsonValue& v : o.value(QStringLiteral("Endpoints")).toArray())
                eps << v.toString();
            report.endpoints = eps;
        }
        if (auto r = m_state.applyReport(id, report); !r) {
            DefaultControlHandler::error(response, 500, r.error().message.toUtf8());
            return;
        }
    }

    if (!stream) {
        if (omitPeers && !readOnly) {
            // Lite endpoint update: 200 with no body, the long-poll is not disturbed.
            response.respond(200);
            return;
        }
        // One-shot fetch (and legacy read-only): exactly one framed full map.
        MapSession once(response, id, zstd, version, 0);
        once.markFullMap();
        once.sendJson(m_mapper.fullMessage(m_state.snapshot(), id).toJson());
        once.close();
        return;
    }

    if (!response.isOpen()) {
        // The client reset the stream in the same read as its request (dispatch is deferred, so
        // the handle is already inert): there is nothing to stream to. A session made now would
        // report its close before anyone listened, stay attached and keep the node online.
        return;
    }
    if (MapSession* old = m_batcher.sessionOf(id)) {
        // A newer stream replaces the older one (Tailscale's test server does the same).
        m_batcher.detach(old);
        old->close();
    }
    m_state.setOnline(id, true);
    m_state.clearUnhealthy(id); // a new stream voids the prober's verdict on the old one
    auto* session = new MapSession(std::move(response), id, zstd, version, m_options.keepAliveMs, this);
    connect(session, &MapSession::closed, this, &ControlService::sessionClosed);
    if (!m_batcher.attach(session))
        qCInfo(lcControl) << "map stream of node" << id << "closed before its first map";
}

void ControlService::sessionClosed(MapSession* session)
{
    const qint64 id = session->nodeId();
    m_batcher.detach(session);
    session->deleteLater();
    auto goOffline = [this, id] {
        if (!m_batcher.sessionOf(id))
            m_state.setOnline(id, false);
    };
    if (m_options.offlineGraceMs <= 0)
        goOffline();
    else
        QTimer::singleShot(m_options.offlineGraceMs, this, goOffline);
}

int ControlService::pingResponse(const QString& id)
{
    if (id.isEmpty())
        return 400;
    return m_haProber.answer(id) ? 200 : 404;
}

bool ControlService::isOnline(qint64 nodeId) const
{
    const state::LiveNode* n = m_state.snapshot()->node(nodeId);
    return n && n->online;
}

void ControlService::updateDnsConfig(const QJsonObject& shared)
{
    if (shared == m_mapper.options().dnsConfig)
        return;
    m_mapper.setDnsConfig(shared);
    m_batcher.addChanges({state::Change::dns()});
}

void ControlService::housekeeping()
{
    m_state.checkExpiry();
    m_state.collectEphemeral();
    m_registration.expirePending();
    // The audit log's retention: hourly is plenty.
    const QDateTime now = Clock::now();
    if (!m_lastAuditPrune.isValid() || m_lastAuditPrune.msecsTo(now) >= 3'600'000) {
        m_lastAuditPrune = now;
        m_state.pruneAudit();
    }
    m_sshCheck.expire();
}

QByteArray ControlService::registerPage(const QString& authId)
{
    return AuthPage::render({QStringLiteral("Machine registration"),
                             QStringLiteral("This machine is waiting to join the tailnet. An administrator approves it by running:"),
                             {QStringLiteral("keel nodes register --user USERNAME --key %1").arg(authId)},
                             QStringLiteral("Replace USERNAME with the user who will own the machine. "
                                            "The request expires if it is not approved in time; the client then shows a new link.")});
}

} // namespace keel::control
