#pragma once

#include "crypto/Keys.h"
#include "derp/ClientInfo.h"
#include "derp/FrameCodec.h"
#include "derp/FrameReader.h"
#include "http/WebSocketFramer.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <optional>

namespace keel::derp {

// A DERP client speaking only the public protocol (HTTP Upgrade: DERP over TCP or TLS, then the
// v2 frames): used by tests, the benchmark (against Keel or derper) and the mesh between servers.
// ws:// and wss:// URLs speak DERP inside WebSocket binary messages (subprotocol "derp"), as
// tailscale's js/wasm client does. Over TLS 1.3 with derper's meta certificate in the server's
// chain it uses fast start, as tailscaled does: ClientInfo leaves with the HTTP request.
class DerpClient : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString meshKey;                 // 64 hex; asks for mesh privileges
        bool canAckPings = true;
        bool isProber = false;
        bool ignoreTlsErrors = false;    // tests with a self-signed certificate
        int connectTimeoutMs = 10000;
        bool fastStart = true;           // use the TLS meta certificate when the server sends one
    };

    explicit DerpClient(const crypto::NodePrivate& key, QObject* parent = nullptr);
    ~DerpClient() override;

    void setOptions(const Options& options) { m_options = options; }
    // `url` is http(s)://host[:port][/derp] or ws(s)://...; the path defaults to /derp.
    void connectToServer(const QUrl& url);
    void close();

    bool isConnected() const { return m_state == State::Connected; }
    crypto::NodePublic publicKey() const { return m_publicKey; }
    crypto::NodePublic serverKey() const { return m_serverKey; }
    const ServerInfo& serverInfo() const { return m_serverInfo; }
    bool isWebSocket() const { return m_ws.has_value(); }
    // True when the handshake skipped the 101 because the TLS chain carried the server key.
    bool usedFastStart() const { return m_fastStart; }
    // The last Health frame's problem text; empty = healthy (the default).
    QString health() const { return m_health; }
    // Bytes written but not yet sent: a load generator backs off when this grows.
    qint64 bytesToWrite() const;

    bool sendPacket(const crypto::NodePublic& dst, QByteArrayView packet);
    bool forwardPacket(const crypto::NodePublic& src, const crypto::NodePublic& dst, QByteArrayView packet);
    bool notePreferred(bool preferred);
    bool sendPing(const QByteArray& data8);
    bool watchConns();
    bool closePeer(const crypto::NodePublic& key);
    // Stops reading from the socket (a deliberately slow receiver in tests and benches): the
    // kernel buffers fill and the server has to queue, drop or time out.
    void setReceivePaused(bool paused);
    // Any frame, for tests that speak out of turn.
    bool sendRawFrame(quint8 type, QByteArrayView payload);
    bool sendRaw(QByteArrayView bytes);

signals:
    void connected();
    void disconnected(const QString& reason);
    void packetReceived(const crypto::NodePublic& src, const QByteArray& packet);
    void peerGone(const crypto::NodePublic& peer, keel::derp::PeerGoneReason reason);
    void peerPresent(const keel::derp::FrameCodec::Present& present);
    void pingReceived(const QByteArray& data);
    void pongReceived(const QByteArray& data);
    void keepAliveReceived();
    void healthReceived(const QString& problem);
    void restartingReceived(quint32 reconnectInMs, quint32 tryForMs);
    // The socket sent some of what was written: a sender keeping a bounded backlog refills now.
    void writable();

private:
    enum class State { Idle, Connecting, AwaitingHttp, AwaitingServerKey, AwaitingServerInfo, Connected, Closed };

    void onTransportReady();
    void onReadyRead();
    bool readHttpResponse();
    QByteArray clientInfoFrame() const;
    // Unwraps WebSocket messages; false once the connection failed.
    bool unwrap(QByteArray& bytes);
    bool handleFrame(const Frame& frame);
    void fail(const QString& reason);
    bool write(QByteArrayView bytes);

    crypto::NodePrivate m_key;
    crypto::NodePublic m_publicKey;
    crypto::NodePublic m_serverKey;
    Options m_options;
    ServerInfo m_serverInfo;
    QUrl m_url;
    QPointer<QIODevice> m_socket;
    State m_state = State::Idle;
    QByteArray m_httpBuffer;
    FrameReader m_reader;
    QTimer m_connectTimer;
    bool m_paused = false;
    bool m_fastStart = false;
    QString m_health;
    std::optional<http::WebSocketFramer> m_ws;
    QByteArray m_webSocketKey;
};

} // namespace keel::derp
