#pragma once

#include "crypto/Keys.h"
#include "derp/ClientInfo.h"
#include "derp/FrameReader.h"
#include "derp/SendQueue.h"
#include "derp/TokenBucket.h"
#include "http/WebSocketFramer.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

namespace keel::derp {

class DerpServer;

// The server side of one DERP connection: sends ServerKey, opens the ClientInfo, asks the server to
// admit the key, then reads frames and writes RecvPacket/PeerGone/... from bounded queues. Lives on
// the server's thread; deletes itself (deleteLater) once closed. Over WebSocket (spec A.2.3) the
// same byte stream travels in binary messages; everything else is identical.
class DerpConnection : public QObject
{
    Q_OBJECT

public:
    DerpConnection(DerpServer& server, QIODevice* socket, const QHostAddress& address, quint16 port, quint64 id,
                   std::optional<http::WebSocketFramer> webSocket = std::nullopt);
    ~DerpConnection() override;

    // Writes ServerKey and processes the bytes that arrived with the HTTP request.
    void start(const QByteArray& buffered);

    quint64 id() const { return m_id; }
    const crypto::NodePublic& key() const { return m_key; }
    bool isRegistered() const { return m_registered; }
    bool isMeshPeer() const { return m_meshPeer; }
    bool isPreferred() const { return m_preferred; }
    bool isClosed() const { return m_closed; }
    const ClientInfo& info() const { return m_info; }
    QHostAddress address() const { return m_address; }
    quint16 port() const { return m_port; }
    size_t queuedPackets() const { return m_data.size() + m_disco.size(); }
    bool isWebSocket() const { return m_ws.has_value(); }
    bool isRateLimited() const { return m_limiter != nullptr; }

    // derper's receive limit (spec A.8): 0 bytes/s turns it off; mesh peers are exempt.
    void setRateLimit(quint64 bytesPerSecond, quint64 burstBytes);
    // Health frame (0x14): a problem text, or empty once healthy again. Sent only on a change.
    void setHealth(const QString& problem);
    QString health() const { return m_health; }

    // Queues a RecvPacket(src, packet); drops the oldest queued packet when full (counted by the server).
    void enqueuePacket(const crypto::NodePublic& src, QByteArrayView packet, bool disco);
    // Control frames (PeerGone, PeerPresent, Health, Restarting): small, always queued.
    void enqueueControl(QByteArray frame);
    // Closes the socket after what is queued for it has been flushed (bounded by the write deadline).
    void closeAfterFlush();
    void close(const QString& reason, bool abort = false);
    // PeerGone(NotHere) answers are limited to 1 per second, burst 3, per connection.
    bool takeNotHereToken();

signals:
    void closed();

private:
    void onReadyRead();
    // Bytes from the socket (or buffered with the HTTP request): unwrapped, framed, handled.
    void consume(const QByteArray& bytes);
    void processFrames();
    void resumeAfterRateLimit();
    bool handleFrame(const Frame& frame);
    // Every byte to the peer goes through here (WebSocket framing when upgraded that way).
    void writeOut(const QByteArray& bytes);
    bool handleClientInfo(const Frame& frame);
    void drain();
    qint64 pendingBytes() const;
    void onBytesWritten();
    void sendKeepAlive();
    void scheduleKeepAlive();
    void protocolError(const QString& reason);

    DerpServer& m_server;
    QPointer<QIODevice> m_socket;
    QHostAddress m_address;
    quint16 m_port;
    quint64 m_id;
    FrameReader m_reader;
    std::optional<http::WebSocketFramer> m_ws;
    crypto::NodePublic m_key;
    ClientInfo m_info;
    bool m_registered = false;
    bool m_meshPeer = false;
    bool m_preferred = false;
    bool m_closed = false;
    bool m_closeAfterFlush = false;
    bool m_draining = false;

    SendQueue m_data;
    SendQueue m_disco;
    QList<QByteArray> m_control;
    QByteArray m_pongPayload;       // the one pending Pong, empty when none
    bool m_keepAliveDue = false;
    double m_notHereTokens = 3;
    QElapsedTimer m_notHereClock;
    QString m_health;

    std::unique_ptr<TokenBucket> m_limiter;
    QElapsedTimer m_limiterClock;
    std::optional<Frame> m_heldFrame;  // charged to the bucket, handled when the wait is over
    QTimer m_rateTimer;                // running = this client is paused by its rate limit

    QTimer m_handshakeTimer;
    QTimer m_keepAliveTimer;
    QTimer m_writeTimer;            // fires when queued bytes made no progress for the write timeout
};

} // namespace keel::derp
