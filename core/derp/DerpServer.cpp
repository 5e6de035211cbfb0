#include "derp/DerpServer.h"

#include "common/Log.h"
#include "crypto/KeyText.h"
#include "derp/DerpConnection.h"
#include "derp/MeshClient.h"
#include "derp/MetaCertificate.h"
#include "http/ClientAddress.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"
#include "http/Router.h"
#include "http/WebSocketHandshake.h"

#include <QAbstractSocket>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>

#include <sodium.h>

namespace keel::derp {

using crypto::NodePublic;

// Shown by tailscaled as a DERP region health warning (health.SetDERPRegionHealth).
const QString DerpServer::DuplicateKeyProblem = QStringLiteral(
    "another connection with this node key is open on this DERP relay (a cloned node?); only the most recently active one gets packets");

DerpServer::DerpServer(const crypto::NodePrivate& privateKey, QObject* parent)
    : QObject(parent)
    , m_privateKey(privateKey)
    , m_publicKey(privateKey.publicKey())
{
}

DerpServer::~DerpServer()
{
    // Connections and mesh clients are children; make sure none calls back while being destroyed.
    m_shuttingDown = true;
    const auto connections = m_connections;
    for (DerpConnection* c : connections)
        disconnect(c, nullptr, this, nullptr);
    m_connections.clear();
    m_clients.clear();
    m_watchers.clear();
}

void DerpServer::setOptions(const Options& options)
{
    m_options = options;
    for (DerpConnection* c : std::as_const(m_connections)) {
        if (c->isRegistered())
            c->setRateLimit(m_options.rateLimitBytesPerSec, std::max(m_options.rateLimitBurstBytes, MinRateLimitBurst));
    }
}

QSslCertificate DerpServer::metaCertificate()
{
    if (m_metaCertificate.isNull()) {
        m_metaCertificate = MetaCertificate::create(m_publicKey);
        if (m_metaCertificate.isNull())
            qCWarning(lcDerp) << "cannot make the TLS meta certificate; clients will not use fast start";
    }
    return m_metaCertificate;
}

bool DerpServer::setMeshKey(const QString& hex)
{
    if (hex.isEmpty()) {
        m_meshKey.reset();
        return true;
    }
    crypto::Key32 key;
    if (!crypto::keytext::parseHex(hex.trimmed(), key.data(), key.size(), nullptr))
        return false;
    m_meshKey = key;
    return true;
}

bool DerpServer::isMeshKey(const QString& hex) const
{
    if (!m_meshKey)
        return false;
    crypto::Key32 offered;
    if (!crypto::keytext::parseHex(hex, offered.data(), offered.size(), nullptr))
        return false;
    // A zero key never matches; the comparison is constant time.
    if (sodium_is_zero(m_meshKey->data(), m_meshKey->size()))
        return false;
    return sodium_memcmp(offered.data(), m_meshKey->data(), offered.size()) == 0;
}

void DerpServer::registerRoutes(http::Router& router)
{
    QPointer<DerpServer> self(this);
    router.add("GET", QStringLiteral("/derp"), [self](http::HttpRequest& request) {
        if (!self)
            return http::HttpResponse::text(503, "DERP server stopped\n");
        return self->handleDerp(request);
    });
    const auto probe = [](http::HttpRequest& request) {
        if (request.method != "GET" && request.method != "HEAD")
            return http::HttpResponse::text(405, "bogus probe method\n");
        http::HttpResponse response;
        response.status = 200;
        response.setHeader("Access-Control-Allow-Origin", "*");
        return response;
    };
    router.addAny(QStringLiteral("/derp/probe"), probe);
    router.addAny(QStringLiteral("/derp/latency-check"), probe);
    router.add("GET", QStringLiteral("/generate_204"), [](http::HttpRequest& request) {
        http::HttpResponse response;
        response.status = 204;
        response.setHeader("Cache-Control", "no-cache, no-store, must-revalidate, no-transform, max-age=0");
        static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._:-]{1,64}$"));
        const QByteArray challenge = request.header("X-Tailscale-Challenge");
        if (!challenge.isEmpty() && valid.match(QString::fromLatin1(challenge)).hasMatch())
            response.setHeader("X-Tailscale-Response", "response " + challenge);
        return response;
    });
    // Headscale's admission-controller contract, for derpers started with --verify-client-url.
    router.add("POST", QStringLiteral("/verify"), [self](http::HttpRequest& request) {
        if (request.body.size() > 4096)
            return http::HttpResponse::text(413, "request too large\n");
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return http::HttpResponse::text(400, "invalid JSON\n");
        const auto key = NodePublic::parse(doc.object().value(QStringLiteral("NodePublic")).toString());
        if (!key)
            return http::HttpResponse::text(400, "invalid NodePublic\n");
        const QHostAddress source(doc.object().value(QStringLiteral("Source")).toString());
        const bool allow = self && self->m_verifier && self->m_verifier(*key, source);
        return http::HttpResponse::json(200, QJsonDocument(QJsonObject{{QStringLiteral("Allow"), allow}}));
    });
}

http::HttpResponse DerpServer::handleDerp(const http::HttpRequest& request)
{
    const QByteArray upgrade = request.header("Upgrade").trimmed().toLower();
    // Only an explicit "derp" subprotocol means WebSocket framing: very old clients sent
    // "Upgrade: WebSocket" and then spoke plain DERP, and derper still serves them that way.
    const bool webSocket = upgrade == "websocket" && request.header("Sec-WebSocket-Protocol").contains("derp");
    if (!webSocket && !request.headerHasToken("Upgrade", "derp") && upgrade != "websocket")
        return http::HttpResponse::text(426, "DERP requires connection upgrade");
    if (m_shuttingDown)
        return http::HttpResponse::text(503, "DERP server shutting down\n");
    if (webSocket)
        return handleWebSocket(request);
    http::HttpResponse response;
    response.status = 101;
    response.setHeader("Upgrade", "DERP");
    response.setHeader("Connection", "Upgrade");
    response.setHeader("Derp-Version", QByteArray::number(ProtocolVersion));
    response.setHeader("Derp-Public-Key", m_publicKey.toByteArray().toHex());
    // Fast start: the client learnt our key from the TLS meta certificate and does not wait for
    // the 101, so none is written.
    response.rawUpgrade = request.header("Derp-Fast-Start") == "1";
    QPointer<DerpServer> self(this);
    const QHostAddress peer = http::ClientAddress::of(request);
    response.upgrade = [self, peer](QIODevice* socket, const QByteArray& buffered) {
        if (!self) {
            socket->deleteLater();
            return;
        }
        self->acceptConnection(socket, buffered, peer, 0);
    };
    return response;
}

http::HttpResponse DerpServer::handleWebSocket(const http::HttpRequest& request)
{
    // derper's AddWebSocketSupport: coder/websocket's Accept with subprotocol "derp", any origin,
    // no compression (we never agree to permessage-deflate). No DERP 101 follows the WebSocket one.
    const http::WebSocketHandshake handshake = http::WebSocketHandshake::check(request);
    if (!handshake.ok)
        return http::HttpResponse::text(handshake.status, handshake.error);
    http::HttpResponse response;
    response.status = 101;
    response.setHeader("Upgrade", "websocket");
    response.setHeader("Connection", "Upgrade");
    response.setHeader("Sec-WebSocket-Accept", handshake.accept);
    const bool derpOffered = request.headerHasToken("Sec-WebSocket-Protocol", "derp");
    if (derpOffered)
        response.setHeader("Sec-WebSocket-Protocol", "derp");
    QPointer<DerpServer> self(this);
    const QHostAddress peer = http::ClientAddress::of(request);
    response.upgrade = [self, peer, derpOffered](QIODevice* socket, const QByteArray& buffered) {
        http::WebSocketFramer framer(http::WebSocketFramer::Role::Server);
        if (!self || !derpOffered) {
            // "derp" was only part of another protocol name: derper accepts, then refuses (1008).
            socket->write(framer.close(1008, "client must speak the derp subprotocol"));
            auto* tcp = qobject_cast<QAbstractSocket*>(socket);
            if (!tcp) {
                socket->close();
                socket->deleteLater();
                return;
            }
            connect(tcp, &QAbstractSocket::disconnected, tcp, &QObject::deleteLater);
            tcp->disconnectFromHost();   // after what is queued (the 101 and the close frame)
            if (tcp->state() == QAbstractSocket::UnconnectedState)
                tcp->deleteLater();
            return;
        }
        ++self->m_stats.webSocketConnections;
        self->acceptConnection(socket, buffered, peer, 0, std::move(framer));
    };
    return response;
}

void DerpServer::acceptConnection(QIODevice* socket, const QByteArray& buffered, const QHostAddress& peer, quint16 port,
                                  std::optional<http::WebSocketFramer> webSocket)
{
    QHostAddress address = peer;
    if (auto* tcp = qobject_cast<QAbstractSocket*>(socket)) {
        if (port == 0)
            port = tcp->peerPort();
        if (address.isNull())
            address = tcp->peerAddress();
    }
    auto* connection = new DerpConnection(*this, socket, address, port, m_nextId++, std::move(webSocket));
    connection->setParent(this);
    m_connections.insert(connection);
    connection->start(buffered);
}

bool DerpServer::admit(DerpConnection* connection, const ClientInfo& info, QString* reason)
{
    Q_UNUSED(info);
    if (m_shuttingDown) {
        *reason = QStringLiteral("server shutting down");
        return false;
    }
    if (connection->isMeshPeer())
        return true;   // mesh peers skip verification
    if (m_verifier && !m_verifier(connection->key(), connection->address())) {
        *reason = QStringLiteral("node key not authorized");
        return false;
    }
    return true;
}

quint8 DerpServer::presenceFlags(const DerpConnection* connection)
{
    quint8 flags = 0;
    if (connection->isMeshPeer())
        flags |= peerflags::IsMeshPeer;
    if (connection->info().isProber)
        flags |= peerflags::IsProber;
    return flags == 0 ? peerflags::IsRegular : flags;
}

void DerpServer::registerClient(DerpConnection* connection)
{
    connection->setRateLimit(m_options.rateLimitBytesPerSec, std::max(m_options.rateLimitBurstBytes, MinRateLimitBurst));
    ClientSet& set = m_clients[connection->key()];
    if (!set.connections.isEmpty())
        ++m_stats.duplicateConnections;
    set.connections.append(connection);
    set.active = connection;   // the newest connection wins until a duplicate speaks
    // Every holder of a duplicated key hears about it (derper's planned "health_error").
    if (set.connections.size() > 1) {
        for (DerpConnection* c : std::as_const(set.connections))
            c->setHealth(DuplicateKeyProblem);
    }
    ++m_stats.acceptedConnections;
    ++m_stats.currentConnections;
    broadcastPresence(FrameCodec::peerPresent(connection->key(), connection->address(), connection->port(), presenceFlags(connection)));
    emit clientRegistered(connection->key());
}

void DerpServer::noteActivity(DerpConnection* connection)
{
    // derper's "last writer is active": whichever duplicate spoke last receives the packets.
    auto it = m_clients.find(connection->key());
    if (it != m_clients.end() && it->connections.size() > 1)
        it->active = connection;
}

void DerpServer::unregisterClient(DerpConnection* connection)
{
    m_watchers.removeAll(connection);
    --m_stats.currentConnections;
    if (connection->isPreferred())
        --m_stats.homeConnections;
    const NodePublic key = connection->key();
    auto it = m_clients.find(key);
    if (it == m_clients.end())
        return;
    it->connections.removeAll(connection);
    if (!it->connections.isEmpty()) {
        if (it->active == connection)
            it->active = it->connections.last();
        if (it->connections.size() == 1)
            it->connections.first()->setHealth({});   // healthy again
        return;
    }
    m_clients.erase(it);
    // Everyone who got packets from this key learns it is gone, unless a sibling still has it.
    if (!m_forwarders.contains(key)) {
        const auto sentTo = m_sentTo.take(key);
        for (auto dst = sentTo.begin(); dst != sentTo.end(); ++dst) {
            const auto peer = m_clients.constFind(dst.key());
            if (peer == m_clients.cend())
                continue;
            for (DerpConnection* c : peer->connections) {
                if (c->id() == dst.value())
                    c->enqueueControl(FrameCodec::peerGone(key, PeerGoneReason::Disconnected));
            }
        }
    } else {
        m_sentTo.remove(key);
    }
    if (!m_shuttingDown)
        broadcastPresence(FrameCodec::peerGone(key, PeerGoneReason::Disconnected));
    emit clientUnregistered(key);
}

void DerpServer::connectionClosed(DerpConnection* connection)
{
    if (!m_connections.remove(connection))
        return;
    if (connection->isRegistered())
        unregisterClient(connection);
}

void DerpServer::notePreferredChanged(bool preferred)
{
    if (preferred)
        ++m_stats.homeConnections;
    else
        --m_stats.homeConnections;
}

void DerpServer::countDrop(DropReason reason, bool disco, int count)
{
    m_stats.packetsDropped[size_t(reason)] += quint64(count);
    if (disco)
        m_stats.discoPacketsDropped[size_t(reason)] += quint64(count);
}

bool DerpServer::deliver(const NodePublic& src, const NodePublic& dst, QByteArrayView packet, bool fromMesh)
{
    const bool disco = looksLikeDisco(packet);
    auto it = m_clients.find(dst);
    if (it != m_clients.end()) {
        DerpConnection* target = it->active;
        if (!target) {
            countDrop(DropReason::DupClient, disco);
            return true;
        }
        target->enqueuePacket(src, packet, disco);
        ++m_stats.packetsDelivered;
        m_stats.bytesDelivered += quint64(packet.size());
        auto& sent = m_sentTo[src];
        auto slot = sent.find(dst);
        if (slot == sent.end())
            sent.insert(dst, target->id());
        else if (*slot != target->id())
            *slot = target->id();
        return true;
    }
    if (!fromMesh) {
        // At most one hop: a packet that came from a sibling is never sent on to another.
        const auto forwarder = m_forwarders.constFind(dst);
        if (forwarder != m_forwarders.cend() && !forwarder->isEmpty()) {
            forwarder->first()->forward(src, dst, packet);
            ++m_stats.packetsForwarded;
            return true;
        }
    }
    return false;
}

void DerpServer::handleSendPacket(DerpConnection* from, const NodePublic& dst, QByteArrayView packet)
{
    if (packet.size() > qsizetype(MaxPacketSize))
        return;   // cannot happen: the frame limit already holds
    ++m_stats.packetsReceived;
    m_stats.bytesReceived += quint64(packet.size());
    if (deliver(from->key(), dst, packet, false))
        return;
    const bool disco = looksLikeDisco(packet);
    countDrop(DropReason::UnknownDest, disco);
    // A disco packet to nobody: tell the sender the peer is not here, so it stops trying.
    if (disco && from->takeNotHereToken())
        from->enqueueControl(FrameCodec::peerGone(dst, PeerGoneReason::NotHere));
}

void DerpServer::handleForwardPacket(const NodePublic& src, const NodePublic& dst, QByteArrayView packet)
{
    ++m_stats.packetsReceived;
    m_stats.bytesReceived += quint64(packet.size());
    if (!deliver(src, dst, packet, true))
        countDrop(DropReason::UnknownDestOnFwd, looksLikeDisco(packet));
}

void DerpServer::addWatcher(DerpConnection* watcher)
{
    if (m_watchers.contains(watcher))
        return;
    m_watchers.append(watcher);
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        const DerpConnection* c = it->active ? it->active : it->connections.last();
        if (c == watcher)
            continue;
        watcher->enqueueControl(FrameCodec::peerPresent(c->key(), c->address(), c->port(), presenceFlags(c)));
    }
}

void DerpServer::broadcastPresence(QByteArray frame)
{
    for (DerpConnection* watcher : std::as_const(m_watchers))
        watcher->enqueueControl(frame);
}

void DerpServer::closePeer(const NodePublic& key)
{
    const auto it = m_clients.constFind(key);
    if (it == m_clients.cend())
        return;
    const auto connections = it->connections;
    for (DerpConnection* c : connections) {
        if (!c->isMeshPeer())
            c->close(QStringLiteral("closed by mesh peer"));
    }
}

void DerpServer::addForwarder(const NodePublic& key, MeshClient* via)
{
    auto& list = m_forwarders[key];
    if (!list.contains(via))
        list.append(via);
    emit meshPeerPresent(key);
}

void DerpServer::removeForwarder(const NodePublic& key, MeshClient* via)
{
    auto it = m_forwarders.find(key);
    if (it == m_forwarders.end())
        return;
    it->removeAll(via);
    if (it->isEmpty())
        m_forwarders.erase(it);
}

void DerpServer::removeForwarders(MeshClient* via)
{
    for (auto it = m_forwarders.begin(); it != m_forwarders.end();) {
        it->removeAll(via);
        it = it->isEmpty() ? m_forwarders.erase(it) : std::next(it);
    }
}

void DerpServer::addMeshPeer(const QUrl& url, bool ignoreTlsErrors)
{
    auto* client = new MeshClient(*this, url, ignoreTlsErrors, this);
    m_meshClients.append(client);
    client->start();
}

void DerpServer::shutdown(quint32 reconnectInMs, quint32 tryForMs)
{
    m_shuttingDown = true;
    for (MeshClient* mesh : std::as_const(m_meshClients))
        mesh->stop();
    const QByteArray restarting = FrameCodec::restarting(reconnectInMs, tryForMs);
    const auto connections = m_connections;
    for (DerpConnection* c : connections) {
        if (c->isRegistered())
            c->enqueueControl(restarting);
        c->closeAfterFlush();
    }
}

} // namespace keel::derp
