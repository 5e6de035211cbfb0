#include "control/ControlEndpoint.h"

#include "common/Log.h"
#include "control/DefaultControlHandler.h"
#include "control/EarlyNoise.h"
#include "control/UpgradeRequest.h"
#include "crypto/Ts2021.h"
#include "http/ClientAddress.h"
#include "http/Router.h"

namespace keel::control {

namespace {

http::HttpResponse goError(int status, const QByteArray& text)
{
    // Go's http.Error: text/plain, nosniff (HttpResponse adds the latter to every response).
    return http::HttpResponse::text(status, text + '\n');
}

// Sources whose handshake rate is tracked at once (about 100 bytes each). Beyond it, while every
// bucket is still refilling, a new source is refused: only a flood from that many addresses does it.
constexpr int kMaxRateLimitedSources = 65'536;

} // namespace

ControlEndpoint::ControlEndpoint(const crypto::MachinePrivate& serverKey, QObject* parent)
    : ControlEndpoint(serverKey, Options{}, parent)
{
}

ControlEndpoint::ControlEndpoint(const crypto::MachinePrivate& serverKey, const Options& options, QObject* parent)
    : QObject(parent)
    , m_serverKey(serverKey)
    , m_options(options)
    , m_handler(std::make_shared<ControlHandler>(DefaultControlHandler::handler()))
    , m_bodyBudget(std::make_shared<http::BodyBudget>(options.maxBufferedBodyBytesPerAddress))
    , m_handshakeRate(options.handshakesPerSecondPerAddress, options.handshakeBurstPerAddress, kMaxRateLimitedSources)
{
    m_clock.start();
}

bool ControlEndpoint::isUnlimited(const QHostAddress& peer) const
{
    for (const auto& subnet : m_options.unlimitedSources)
        if (peer.isInSubnet(subnet))
            return true;
    return false;
}

int ControlEndpoint::maxConnectionsPerAddress() const
{
    if (m_options.maxConnectionsPerAddress > 0)
        return m_options.maxConnectionsPerAddress;
    return std::max(64, m_options.maxConnections / 4);
}

ControlEndpoint::~ControlEndpoint() = default;

void ControlEndpoint::setHandler(ControlHandler handler)
{
    *m_handler = handler ? std::move(handler) : DefaultControlHandler::handler();
}

void ControlEndpoint::registerRoutes(http::Router& router)
{
    // GET for WebSocket clients, POST for tailscaled; Headscale routes both the same way.
    for (const char* method : {"GET", "POST"}) {
        router.add(method, QStringLiteral("/ts2021"), [this](http::HttpRequest& request) { return handleUpgrade(request); });
    }
}

void ControlEndpoint::warnMissingUpgrade(const QHostAddress& peer)
{
    // Worth telling an operator (a reverse proxy drops Upgrade), but at most once a minute.
    if (m_lastWarning.isValid() && m_lastWarning.elapsed() < 60'000) {
        qCDebug(lcControl) << "ts2021 request without Upgrade header from" << peer.toString();
        return;
    }
    m_lastWarning.start();
    qCWarning(lcControl).noquote() << QStringLiteral("ts2021 request without an Upgrade header (from %1). Behind a reverse proxy? "
                                                     "It must pass Upgrade/Connection (WebSockets) through.").arg(peer.toString());
}

http::HttpResponse ControlEndpoint::handleUpgrade(const http::HttpRequest& request)
{
    const UpgradeRequest up = UpgradeRequest::parse(request);
    const QHostAddress peer = http::ClientAddress::of(request);   // the client's, behind a trusted proxy
    if (up.kind == UpgradeRequest::Kind::Reject) {
        if (up.status == 500)
            warnMissingUpgrade(peer);
        else
            qCDebug(lcControl) << "refusing ts2021 upgrade from" << peer.toString() << up.status << up.text;
        ++m_refused;
        return goError(up.status, up.text);
    }
    if (m_connections >= m_options.maxConnections) {
        ++m_refused;
        return goError(503, "too many control connections");
    }
    // Both per-address limits below look at the same source: worked out once, since a flood of
    // refusals goes through here.
    const bool limited = !isUnlimited(peer);
    const QString source = limited ? http::ClientAddress::sourceKey(peer) : QString();
    if (limited && m_perAddress.value(source) >= maxConnectionsPerAddress()) {
        ++m_refused;
        qCDebug(lcControl) << "refusing ts2021 upgrade from" << peer.toString() << ": per-address limit";
        return goError(503, "too many control connections from this address");
    }
    // Last, so a refused connection costs no token: the handshake itself is the costly part.
    if (limited && !m_handshakeRate.allow(source, m_clock.nsecsElapsed())) {
        ++m_refused;
        ++m_rateLimited;
        qCDebug(lcControl) << "refusing ts2021 upgrade from" << peer.toString() << ": handshake rate";
        http::HttpResponse response = goError(429, "too many handshakes from this address; try again shortly");
        response.setHeader("Retry-After", "1");
        return response;
    }

    http::HttpResponse response;
    response.status = 101;
    if (up.kind == UpgradeRequest::Kind::Native) {
        response.setHeader("Upgrade", UpgradeRequest::kProtocol);
        response.setHeader("Connection", "upgrade");
        const QByteArray initiation = up.initiation;
        response.upgrade = [this, initiation, peer](QIODevice* socket, const QByteArray& buffered) {
            acceptNative(socket, initiation, peer, buffered);
        };
        return response;
    }

    response.setHeader("Upgrade", "websocket");
    response.setHeader("Connection", "Upgrade");
    response.setHeader("Sec-WebSocket-Accept", up.webSocketAccept);
    if (up.subprotocolOffered)
        response.setHeader("Sec-WebSocket-Protocol", UpgradeRequest::kProtocol);
    if (up.kind == UpgradeRequest::Kind::WebSocketReject) {
        // Go accepts the WebSocket first and then closes it with a policy violation.
        const QByteArray reason = up.text;
        ++m_refused;
        response.upgrade = [reason](QIODevice* socket, const QByteArray&) {
            http::WebSocketFramer framer(http::WebSocketFramer::Role::Server);
            ControlConnection::closeAfterWrite(socket, framer.close(1008, reason));
        };
        return response;
    }
    const QByteArray initiation = up.initiation;
    response.upgrade = [this, initiation, peer](QIODevice* socket, const QByteArray& buffered) {
        acceptWebSocket(socket, initiation, peer, buffered);
    };
    return response;
}

std::optional<crypto::Ts2021Accept> ControlEndpoint::handshake(QIODevice* socket, const QByteArray& initiation,
                                                                const QHostAddress& peer, const http::WebSocketFramer* ws)
{
    crypto::Ts2021Accept accepted = m_ephemeralForTesting
        ? crypto::Ts2021Responder::acceptWithEphemeral(initiation, m_serverKey, m_ephemeralForTesting())
        : crypto::Ts2021Responder::accept(initiation, m_serverKey);
    QByteArray owed;
    if (!accepted.ok()) {
        qCDebug(lcControl).noquote() << "ts2021 handshake from" << peer.toString() << "failed:" << accepted.error;
        owed = accepted.errorFrame;
    } else if (accepted.version < m_options.minProtocolVersion) {
        // The version is only a claim before the handshake; after it, it is authenticated. We tell
        // the client why in the one way its dialer reports (`server error: "..."`).
        qCDebug(lcControl) << "ts2021 client from" << peer.toString() << "has protocol version" << accepted.version;
        owed = crypto::ts2021::errorFrame(QStringLiteral("unsupported client version %1 (minimum %2)")
                                              .arg(accepted.version)
                                              .arg(m_options.minProtocolVersion)
                                              .toUtf8());
        accepted.codec.reset();
    }
    if (accepted.ok()) {
        const QByteArray ephemeral = initiation.mid(crypto::ts2021::kInitiationHeaderSize, 32);
        if (!m_seenEphemerals.contains(ephemeral)) {
            constexpr size_t kRemembered = 16'384;
            m_seenEphemerals.insert(ephemeral);
            m_seenOrder.push_back(ephemeral);
            if (m_seenOrder.size() > kRemembered) {
                m_seenEphemerals.remove(m_seenOrder.front());
                m_seenOrder.pop_front();
            }
            return accepted;
        }
        qCDebug(lcControl) << "ts2021 handshake from" << peer.toString() << "replays an earlier initiation";
        accepted.codec.reset();
        owed.clear();
    }
    ++m_refused;
    if (ws && !owed.isEmpty())
        owed = ws->binary(owed) + ws->close(1008, "noise handshake failed");
    ControlConnection::closeAfterWrite(socket, owed);
    return std::nullopt;
}

void ControlEndpoint::acceptNative(QIODevice* socket, const QByteArray& initiation, const QHostAddress& peer,
                                   const QByteArray& buffered)
{
    std::optional<crypto::Ts2021Accept> accepted = handshake(socket, initiation, peer, nullptr);
    if (!accepted)
        return;
    const crypto::ChallengePrivate challenge = crypto::ChallengePrivate::generate();
    const ControlContext context{accepted->machineKey, accepted->version, peer, challenge.publicKey()};

    // The response and the sealed EarlyNoise leave in one write (Go corks them the same way).
    QByteArray firstWrite = accepted->response;
    if (!accepted->codec->seal(EarlyNoise::encode(context.challenge), firstWrite)) {
        ControlConnection::closeAfterWrite(socket, {});
        return;
    }
    auto* connection = new ControlConnection(socket, context, std::move(*accepted->codec), std::nullopt, m_handler,
                                             connectionOptions(peer), this);
    adopt(connection, firstWrite, buffered);
}

void ControlEndpoint::acceptWebSocket(QIODevice* socket, const QByteArray& initiation, const QHostAddress& peer,
                                      const QByteArray& buffered)
{
    http::WebSocketFramer framer(http::WebSocketFramer::Role::Server);
    std::optional<crypto::Ts2021Accept> accepted = handshake(socket, initiation, peer, &framer);
    if (!accepted)
        return;
    // Tailscale's server sends no EarlyNoise on the WebSocket path (control.md 2.3): the challenge
    // stays the zero key.
    const ControlContext context{accepted->machineKey, accepted->version, peer, crypto::ChallengePublic()};
    const QByteArray firstWrite = accepted->response;
    auto* connection = new ControlConnection(socket, context, std::move(*accepted->codec), std::move(framer),
                                             m_handler, connectionOptions(peer), this);
    adopt(connection, firstWrite, buffered);
}

ControlConnection::Options ControlEndpoint::connectionOptions(const QHostAddress& peer) const
{
    ControlConnection::Options options = m_options.connection;
    if (!isUnlimited(peer)) {  // the session's own bound still applies
        options.http2.budget = m_bodyBudget;
        options.http2.budgetKey = http::ClientAddress::sourceKey(peer);
    }
    return options;
}

void ControlEndpoint::adopt(ControlConnection* connection, const QByteArray& firstWrite, const QByteArray& buffered)
{
    ++m_accepted;
    ++m_connections;
    const ControlContext context = connection->context();
    const QString key = http::ClientAddress::sourceKey(context.peer);
    ++m_perAddress[key];
    connect(connection, &ControlConnection::finished, this, [this, context, key] {
        --m_connections;
        if (--m_perAddress[key] <= 0)
            m_perAddress.remove(key);
        emit connectionClosed(context);
    });
    qCDebug(lcControl).noquote() << "ts2021 connection from" << context.peer.toString() << context.machineKey.toString()
                                 << "version" << context.protocolVersion;
    emit connectionOpened(context);
    connection->start(firstWrite, buffered);
}

void ControlEndpoint::shutdown(std::chrono::milliseconds grace)
{
    const auto connections = findChildren<ControlConnection*>(Qt::FindDirectChildrenOnly);
    for (ControlConnection* c : connections)
        c->shutdown(grace);
}

} // namespace keel::control
