#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QString>

#include <functional>
#include <vector>

#include <nghttp2/nghttp2.h>

namespace keel::http {

// What Http2ServerSession and Http2ClientSession share: an nghttp2 session driven entirely through
// memory. Bytes from the transport go in through feed(); bytes for the transport come out of the
// outgoing() signal, in order. Nothing here knows about sockets, so the same code runs over the
// Noise codec, a QTcpSocket or an in-memory pipe.
//
// Re-entrancy: nghttp2 forbids calling back into a session from inside its own callbacks, so every
// user-visible event (a request, a chunk, a stream closing) is queued while nghttp2 runs and
// delivered after it returns. User code may therefore call any method of the session from a
// handler or slot; it must not `delete` the session synchronously from one (use deleteLater()).
class Http2Session : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Open,     // serving streams
        Draining, // GOAWAY sent or received: existing streams finish, no new ones
        Closed,   // done; nothing more is read or written
    };

    ~Http2Session() override;

    // Sends this side's connection preface (SETTINGS; the client also sends the magic string).
    // feed() does it implicitly; call start() to put the preface on the wire before the peer speaks.
    void start();

    // Bytes that arrived from the transport, in order; any split is fine.
    void feed(QByteArrayView bytes);

    // The transport ended (EOF or error): every open stream fails and the session closes.
    void transportClosed();

    // Immediate close: GOAWAY with `errorCode` (RFC 9113 §7 code), every stream is reset, and the
    // session closes after that last write.
    void abort(quint32 errorCode = 0);

    State state() const { return m_state; }
    bool isClosed() const { return m_state == State::Closed; }
    // Why the session ended, when it ended because of an error (empty after a clean close).
    QString errorString() const { return m_errorString; }
    // The error code of the GOAWAY this side sent, or else the one it received (0 = NO_ERROR).
    quint32 goAwayErrorCode() const { return m_goAwayCode; }
    bool goAwaySent() const { return m_goAwaySent; }
    bool goAwayReceived() const { return m_goAwayReceived; }

Q_SIGNALS:
    // Write these bytes to the transport, in the order emitted.
    void outgoing(const QByteArray& bytes);
    // A connection-level error (protocol error of the peer, garbage input, flood); closed() follows.
    void errorOccurred(const QString& message);
    // The session is over: the transport can be closed once `outgoing` bytes are written.
    void closed();

protected:
    explicit Http2Session(QObject* parent);

    // Takes ownership of the session created by the subclass with callbacks from makeCallbacks()
    // and `this` as user data.
    void adopt(nghttp2_session* session);
    nghttp2_session* raw() const { return m_session; }
    static nghttp2_session_callbacks* makeCallbacks();
    // A header field for nghttp2 pointing into `name` and `value` (which must outlive the call).
    static nghttp2_nv makeNv(const QByteArray& name, const QByteArray& value);

    // Serialises every frame nghttp2 has queued and emits it; called after every operation. Inside
    // an ongoing operation it only marks the work, the outermost call does it.
    void flush();
    // Runs `fn` once nghttp2 has returned (all user callbacks go through here).
    void defer(std::function<void()> fn);
    // Ends the session with a connection error.
    void failConnection(quint32 errorCode, const QString& message);

    // Hooks called from inside nghttp2 callbacks: they may only record state and defer() work.
    virtual int onBeginHeaders(const nghttp2_frame& frame);
    virtual int onHeader(const nghttp2_frame& frame, QByteArrayView name, QByteArrayView value);
    virtual int onFrameReceived(const nghttp2_frame& frame);
    virtual int onDataChunk(qint32 streamId, QByteArrayView data);
    virtual int onStreamClosed(qint32 streamId, quint32 errorCode);
    virtual int onFrameSent(const nghttp2_frame& frame);
    // The session is closed: every stream must be failed or invalidated (called outside nghttp2).
    virtual void onSessionClosed() = 0;
    // Any byte moved in either direction (for idle tracking).
    virtual void onActivity() {}

private:
    void runDeferred();
    void closeNow();
    void checkFinished();
    void noteFrameSent(const nghttp2_frame& frame);
    void noteFrameReceived(const nghttp2_frame& frame);

    // nghttp2 trampolines
    static int cbBeginHeaders(nghttp2_session*, const nghttp2_frame*, void*);
    static int cbHeader(nghttp2_session*, const nghttp2_frame*, const uint8_t*, size_t, const uint8_t*, size_t,
                        uint8_t, void*);
    static int cbFrameRecv(nghttp2_session*, const nghttp2_frame*, void*);
    static int cbDataChunk(nghttp2_session*, uint8_t, int32_t, const uint8_t*, size_t, void*);
    static int cbStreamClose(nghttp2_session*, int32_t, uint32_t, void*);
    static int cbFrameSend(nghttp2_session*, const nghttp2_frame*, void*);
    static int cbError(nghttp2_session*, int, const char*, size_t, void*);

    nghttp2_session* m_session = nullptr;
    State m_state = State::Open;
    QString m_errorString;
    QString m_lastLibraryError;
    quint32 m_goAwayCode = 0;
    bool m_goAwaySent = false;
    bool m_goAwayReceived = false;
    bool m_closeRequested = false; // abort(), a fatal error or the transport ended: close after this flush
    bool m_transportGone = false;  // nothing can be written any more
    bool m_fatal = false;          // nghttp2 itself failed; do not ask it for bytes again
    int m_busy = 0; // > 0 while nghttp2 or deferred user code runs: flush() waits for the outermost
    QByteArray m_out;
    std::vector<std::function<void()>> m_deferred;
};

} // namespace keel::http
