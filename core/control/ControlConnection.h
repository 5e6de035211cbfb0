#pragma once

#include "control/ControlHandler.h"
#include "http/WebSocketFramer.h"
#include "crypto/TransportCodec.h"
#include "http/Http2ServerSession.h"

#include <QElapsedTimer>
#include <QIODevice>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>

namespace keel::control {

// One ts2021 connection after its handshake: the socket (raw, or under WebSocket framing), the
// Noise transport codec and an HTTP/2 server session over the decrypted stream. Every complete
// request goes to the endpoint's current ControlHandler together with who is speaking.
//
// Backpressure: when the peer stops reading and more than `writeHighWater` bytes wait in the
// socket, we stop reading it (so the peer's WINDOW_UPDATEs stop too and HTTP/2 flow control holds
// our responses back); reading resumes below `writeLowWater`. The socket's read buffer is bounded,
// so the kernel's TCP window closes on a client that keeps sending.
//
// Any transport error (bad record, garbage, WebSocket violation, HTTP/2 connection error) ends this
// connection only; it is logged at debug level, never at a rate a client controls.
class ControlConnection : public QObject
{
    Q_OBJECT
public:
    struct Options {
        http::Http2ServerSession::Options http2;
        qint64 writeHighWater = 1 << 20;
        qint64 writeLowWater = 256 << 10;
        qint64 readChunk = 64 << 10;
        // A peer that reads nothing of ours for this long while we wait to write is dropped.
        std::chrono::milliseconds writeStallTimeout{60'000};
        // A session with no open stream is closed (GOAWAY) after this long: `establishTimeout`
        // until it has sent a register or map request (a handshake alone holds a descriptor and
        // ~27 KiB), `idleTimeout` after. Counted in streams, not bytes: PINGs keep nothing open.
        // A client reconnects when it next needs the server (Go's HTTP/2 client does on GOAWAY).
        std::chrono::milliseconds establishTimeout{30'000};
        std::chrono::milliseconds idleTimeout{300'000};
    };

    // Takes `socket` over (it becomes a child). `firstWrite` goes out before anything else (the
    // handshake response and, on the upgrade path, the sealed EarlyNoise); `buffered` are bytes
    // the HTTP server read after the upgrade request: the first Noise records.
    ControlConnection(QIODevice* socket, const ControlContext& context, crypto::TransportCodec codec,
                      std::optional<http::WebSocketFramer> webSocket, std::shared_ptr<const ControlHandler> handler,
                      const Options& options, QObject* parent = nullptr);
    ~ControlConnection() override;

    void start(const QByteArray& firstWrite, const QByteArray& buffered);
    // GOAWAY; running streams (map long-polls) get `grace` to end, then the connection closes.
    void shutdown(std::chrono::milliseconds grace);

    const ControlContext& context() const { return m_context; }
    http::Http2ServerSession* session() const { return m_session; }
    bool readingPaused() const { return m_paused; }
    bool established() const { return m_established; }

    // Writes `bytes` (may be empty), then closes `socket` once flushed and deletes it.
    static void closeAfterWrite(QIODevice* socket, const QByteArray& bytes);

signals:
    void finished();

private:
    void readSome();
    void process(const QByteArray& wire);
    void sendPlaintext(const QByteArray& plaintext);
    void writeWire(const QByteArray& bytes);
    void onBytesWritten();
    void fail(const QString& why);
    void closeTransport();
    void finish();
    qint64 pendingWrite() const;
    void checkIdle();

    QPointer<QIODevice> m_socket;
    ControlContext m_context;
    crypto::TransportCodec m_codec;
    std::optional<http::WebSocketFramer> m_ws;
    std::shared_ptr<const ControlHandler> m_handler;
    Options m_options;
    http::Http2ServerSession* m_session = nullptr;
    QTimer m_stallTimer;
    QTimer m_idleTimer;
    QElapsedTimer m_sinceBusy; // since a stream was last seen open
    bool m_established = false;
    bool m_paused = false;
    bool m_closing = false;
    bool m_finished = false;
};

} // namespace keel::control
