#pragma once

#include "common/SourceRateLimiter.h"
#include "control/ControlConnection.h"
#include "control/ControlHandler.h"
#include "crypto/Keys.h"
#include "crypto/Ts2021Responder.h"
#include "http/BodyBudget.h"
#include "http/ClientAddress.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QObject>

#include <deque>
#include <functional>
#include <memory>

namespace keel::http {
class Router;
}

namespace keel::control {

// The ts2021 control channel (control.md 2.2-2.9): `/ts2021` on the public listener, both the
// native HTTP upgrade and the WebSocket variant. It answers the upgrade, runs the Noise responder
// with the server key, keeps the client's machine key, sends EarlyNoise (a fresh challenge key per
// connection) and then serves HTTP/2 over the Noise stream, routing every request to the installed
// ControlHandler (DefaultControlHandler until the control logic installs its own).
//
// Connections live on this object's thread and are its children: destroying the endpoint closes
// them; shutdown() closes them gracefully.
class ControlEndpoint : public QObject
{
    Q_OBJECT
public:
    struct Options {
        // Clients older than this get a ts2021 error frame instead of the handshake response.
        // 102 = v1.70, the oldest client the spec's compatibility rules cover (control.md 0.3).
        int minProtocolVersion = 102;
        int maxConnections = 10'000;   // further upgrades get 503 before the handshake
        // One source (an IPv4 address, an IPv6 /64) may hold this many; 0 = a quarter of
        // maxConnections, at least 64 (a NAT can hide many nodes; one host must never reach the cap).
        int maxConnectionsPerAddress = 0;
        // New ts2021 handshakes one source may start per second, in bursts of up to
        // handshakeBurstPerAddress; more get 429 before any Noise work, and tailscaled retries
        // later. The burst lets a NAT full of nodes reconnect at once after a restart.
        double handshakesPerSecondPerAddress = 100;
        double handshakeBurstPerAddress = 1000;
        // Request bodies buffered at once for one source, over all its sessions.
        qint64 maxBufferedBodyBytesPerAddress = 16 << 20;
        // Sources the per-address limits do not apply to: reverse proxies (trusted_proxies), behind
        // which every client shares one address.
        QList<QPair<QHostAddress, int>> unlimitedSources;
        ControlConnection::Options connection;
    };

    explicit ControlEndpoint(const crypto::MachinePrivate& serverKey, QObject* parent = nullptr);
    ControlEndpoint(const crypto::MachinePrivate& serverKey, const Options& options, QObject* parent = nullptr);
    ~ControlEndpoint() override;

    // Every later request, on new and open connections alike, goes here. Empty = the default.
    void setHandler(ControlHandler handler);
    // GET and POST /ts2021.
    void registerRoutes(http::Router& router);
    http::HttpResponse handleUpgrade(const http::HttpRequest& request);

    // GOAWAY on every connection; streams still running after `grace` are cut.
    void shutdown(std::chrono::milliseconds grace);
    int connectionCount() const { return m_connections; }
    int connectionsFrom(const QHostAddress& peer) const { return m_perAddress.value(http::ClientAddress::sourceKey(peer)); }
    int maxConnectionsPerAddress() const;
    qint64 bufferedBodyBytesFrom(const QHostAddress& peer) const { return m_bodyBudget->used(http::ClientAddress::sourceKey(peer)); }
    bool isUnlimited(const QHostAddress& peer) const;
    quint64 handshakesAccepted() const { return m_accepted; }
    quint64 handshakesRefused() const { return m_refused; }
    quint64 handshakesRateLimited() const { return m_rateLimited; }
    const Options& options() const { return m_options; }

    // Fixed server ephemeral keys, for replaying recorded sessions only.
    void setEphemeralKeySourceForTesting(std::function<crypto::MachinePrivate()> source)
    {
        m_ephemeralForTesting = std::move(source);
    }

signals:
    void connectionOpened(const keel::control::ControlContext& context);
    void connectionClosed(const keel::control::ControlContext& context);

private:
    void acceptNative(QIODevice* socket, const QByteArray& initiation, const QHostAddress& peer,
                      const QByteArray& buffered);
    void acceptWebSocket(QIODevice* socket, const QByteArray& initiation, const QHostAddress& peer,
                         const QByteArray& buffered);
    // Runs the responder; on failure writes what is owed, closes the socket and returns nothing.
    std::optional<crypto::Ts2021Accept> handshake(QIODevice* socket, const QByteArray& initiation,
                                                   const QHostAddress& peer, const http::WebSocketFramer* ws);
    ControlConnection::Options connectionOptions(const QHostAddress& peer) const;
    void adopt(ControlConnection* connection, const QByteArray& firstWrite, const QByteArray& buffered);
    void warnMissingUpgrade(const QHostAddress& peer);

    crypto::MachinePrivate m_serverKey;
    Options m_options;
    std::shared_ptr<ControlHandler> m_handler;
    std::function<crypto::MachinePrivate()> m_ephemeralForTesting;
    QElapsedTimer m_lastWarning;
    int m_connections = 0;
    QHash<QString, int> m_perAddress;
    // Client ephemeral keys of recent handshakes: a recorded initiation replayed on another
    // connection is refused (a real client makes a fresh ephemeral key for every connection).
    QSet<QByteArray> m_seenEphemerals;
    std::deque<QByteArray> m_seenOrder;
    std::shared_ptr<http::BodyBudget> m_bodyBudget;
    quint64 m_accepted = 0;
    quint64 m_refused = 0;
    quint64 m_rateLimited = 0;
    common::SourceRateLimiter<QString> m_handshakeRate;
    QElapsedTimer m_clock;
};

} // namespace keel::control
