#pragma once

#include "crypto/Keys.h"
#include "derp/ClientInfo.h"
#include "derp/DerpStats.h"
#include "derp/FrameCodec.h"
#include "http/WebSocketFramer.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSslCertificate>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace keel::http {
class Router;
struct HttpRequest;
struct HttpResponse;
} // namespace keel::http

namespace keel::derp {

class DerpConnection;
class MeshClient;

// The DERP relay (spec A): admits clients by node key, routes packets between them, tells mesh
// watchers who is here and forwards to sibling servers. Everything runs on the thread that owns
// this object; the HTTP layer hands upgraded sockets over through the /derp route.
//
// Wiring (server/): construct with the key from derp.server.private_key_path, setClientVerifier()
// with a lookup in state/, registerRoutes() on the public Router, shutdown() before exit.
class DerpServer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        size_t queueDepth = 32;              // per client, for data and for disco packets each
        int writeTimeoutMs = 2000;           // no write progress for this long closes the client
        int meshWriteTimeoutMs = 30000;
        int keepAliveMs = 60000;
        int keepAliveJitterMs = 5000;
        int handshakeTimeoutMs = 10000;
        qint64 socketHighWaterBytes = 256 * 1024;  // bytes handed to the socket before queueing
        // derper's per-client receive limit (spec A.8), off at 0. Mesh peers are exempt. The burst
        // is raised to at least one maximal frame (MinRateLimitBurst), as derper does.
        quint64 rateLimitBytesPerSec = 0;
        quint64 rateLimitBurstBytes = 0;
    };
    static constexpr quint64 MinRateLimitBurst = MaxPacketSize + KeyLength;
    // The Health text a connection gets while another connection holds the same node key.
    static const QString DuplicateKeyProblem;

    // Returns true to admit the node key. Called once per connection after ClientInfo opened.
    using ClientVerifier = std::function<bool(const crypto::NodePublic& key, const QHostAddress& source)>;

    explicit DerpServer(const crypto::NodePrivate& privateKey, QObject* parent = nullptr);
    ~DerpServer() override;

    // Also applies a changed receive limit to the clients already connected (derper's SIGHUP reload).
    void setOptions(const Options& options);
    const Options& options() const { return m_options; }
    // Without a verifier every key is admitted (derper's default).
    void setClientVerifier(ClientVerifier verifier) { m_verifier = std::move(verifier); }
    // 64 hex digits; empty disables mesh privileges. Returns false for a malformed key.
    bool setMeshKey(const QString& hex);

    // /derp (Upgrade: DERP, fast start, WebSocket with subprotocol "derp"), /derp/probe, /derp/latency-check, /generate_204 and
    // Headscale's POST /verify admission contract for external derpers.
    void registerRoutes(http::Router& router);
    http::HttpResponse handleDerp(const http::HttpRequest& request);

    // Takes over a socket whose HTTP upgrade is done (also usable by other listeners). With
    // `webSocket` the DERP stream is carried in its binary messages.
    void acceptConnection(QIODevice* socket, const QByteArray& buffered, const QHostAddress& peer, quint16 port,
                          std::optional<http::WebSocketFramer> webSocket = std::nullopt);

    // derper's TLS meta certificate for this server's key (spec A.2.2), made once. Whoever builds
    // the TLS listener appends it to the end of the certificate chain; clients on TLS 1.3 then
    // skip the wait for the 101 (fast start). Null if OpenSSL failed: then append nothing.
    QSslCertificate metaCertificate();

    // Dials a sibling server of this region (https:// or http:// URL of its /derp) with our key
    // and the mesh key, watches its clients and forwards packets for them. Reconnects by itself.
    void addMeshPeer(const QUrl& url, bool ignoreTlsErrors = false);

    // Graceful shutdown: Restarting to every client, then close all connections.
    void shutdown(quint32 reconnectInMs = 2000, quint32 tryForMs = 60000);

    crypto::NodePublic publicKey() const { return m_publicKey; }
    const DerpStats& stats() const { return m_stats; }
    int clientCount() const { return int(m_clients.size()); }
    bool hasClient(const crypto::NodePublic& key) const { return m_clients.contains(key); }
    bool hasForwarder(const crypto::NodePublic& key) const { return m_forwarders.contains(key); }

signals:
    void clientRegistered(const crypto::NodePublic& key);
    void clientUnregistered(const crypto::NodePublic& key);
    void meshPeerPresent(const crypto::NodePublic& key);

private:
    friend class DerpConnection;
    friend class MeshClient;

    struct ClientSet
    {
        QList<DerpConnection*> connections;   // oldest first
        DerpConnection* active = nullptr;
    };

    // Called by DerpConnection.
    bool admit(DerpConnection* connection, const ClientInfo& info, QString* reason);
    const crypto::NodePrivate& privateKey() const { return m_privateKey; }
    bool isMeshKey(const QString& hex) const;
    void registerClient(DerpConnection* connection);
    void unregisterClient(DerpConnection* connection);
    void noteActivity(DerpConnection* connection);
    http::HttpResponse handleWebSocket(const http::HttpRequest& request);
    void handleSendPacket(DerpConnection* from, const crypto::NodePublic& dst, QByteArrayView packet);
    void handleForwardPacket(const crypto::NodePublic& src, const crypto::NodePublic& dst, QByteArrayView packet);
    void addWatcher(DerpConnection* watcher);
    void closePeer(const crypto::NodePublic& key);
    void countDrop(DropReason reason, bool disco, int count = 1);
    void notePreferredChanged(bool preferred);
    void connectionClosed(DerpConnection* connection);

    // Called by MeshClient.
    void addForwarder(const crypto::NodePublic& key, MeshClient* via);
    void removeForwarder(const crypto::NodePublic& key, MeshClient* via);
    void removeForwarders(MeshClient* via);

    bool deliver(const crypto::NodePublic& src, const crypto::NodePublic& dst, QByteArrayView packet, bool fromMesh);
    void broadcastPresence(QByteArray frame);
    static quint8 presenceFlags(const DerpConnection* connection);

    crypto::NodePrivate m_privateKey;
    crypto::NodePublic m_publicKey;
    Options m_options;
    ClientVerifier m_verifier;
    std::optional<crypto::Key32> m_meshKey;
    quint64 m_nextId = 1;
    bool m_shuttingDown = false;

    QHash<crypto::NodePublic, ClientSet> m_clients;
    QSet<DerpConnection*> m_connections;               // every live connection, registered or not
    QList<DerpConnection*> m_watchers;
    // src -> (dst -> dst's connection id): who must hear PeerGone(src) when src leaves.
    QHash<crypto::NodePublic, QHash<crypto::NodePublic, quint64>> m_sentTo;
    QHash<crypto::NodePublic, QList<MeshClient*>> m_forwarders;   // earliest first
    QList<MeshClient*> m_meshClients;
    DerpStats m_stats;
    QSslCertificate m_metaCertificate;
};

} // namespace keel::derp
