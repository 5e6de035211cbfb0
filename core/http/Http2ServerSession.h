#pragma once

#include "http/BodyBudget.h"
#include "http/Http2Request.h"
#include "http/Http2Response.h"
#include "http/Http2Session.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

namespace keel::http {

struct Http2ServerStream;

// The server end of HTTP/2 with prior knowledge (h2c, what Tailscale clients speak inside the
// Noise channel, control.md §2.9): expects the client preface, serves many concurrent streams and
// hands each complete request to one handler. Routing is the caller's business.
class Http2ServerSession final : public Http2Session
{
    Q_OBJECT
public:
    struct Options
    {
        quint32 maxConcurrentStreams = 250;    // advertised; Go's server default
        qint64 maxRequestBodyBytes = 1 << 20;  // Headscale's noiseBodyLimit; larger bodies get 413
        qint32 streamWindowBytes = 1 << 20;    // SETTINGS_INITIAL_WINDOW_SIZE we advertise
        qint32 connectionWindowBytes = 4 << 20;
        std::chrono::milliseconds idleTimeout{0}; // no streams and no bytes this long -> GOAWAY; 0 = off
        // Request bodies this session may hold in memory at once (all streams; never less than
        // maxRequestBodyBytes); a stream whose next chunk would go over is answered 503 and its
        // body dropped. Tailscale's requests are
        // a few KiB; without this, 250 streams of 1 MiB - 1 that never end pin 250 MiB.
        qint64 maxBufferedBodyBytes = 4 << 20;
        // A request must arrive whole (headers and body) within this; otherwise 408.
        std::chrono::milliseconds bodyTimeout{30'000};
        // Shared by every session of one listener, keyed by `budgetKey` (the peer's address).
        std::shared_ptr<BodyBudget> budget;
        QString budgetKey;
    };
    using Handler = std::function<void(const Http2Request& request, Http2Response response)>;

    explicit Http2ServerSession(Handler handler, QObject* parent = nullptr);
    Http2ServerSession(Handler handler, const Options& options, QObject* parent = nullptr);
    ~Http2ServerSession() override;

    // Graceful close: GOAWAY(NO_ERROR, last stream we processed); running streams may finish, then
    // the session closes. With a non-zero `grace`, whatever still runs after it is aborted.
    void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(0));

    int activeStreamCount() const { return int(m_streams.size()); }
    qint64 bufferedBodyBytes() const { return m_bufferedBodyBytes; }
    const Options& options() const { return m_options; }

Q_SIGNALS:
    // The idle timeout hit; the session is now shutting down.
    void idleTimedOut();

protected:
    int onBeginHeaders(const nghttp2_frame& frame) override;
    int onHeader(const nghttp2_frame& frame, QByteArrayView name, QByteArrayView value) override;
    int onFrameReceived(const nghttp2_frame& frame) override;
    int onDataChunk(qint32 streamId, QByteArrayView data) override;
    int onStreamClosed(qint32 streamId, quint32 errorCode) override;
    int onFrameSent(const nghttp2_frame& frame) override;
    void onSessionClosed() override;
    void onActivity() override;

private:
    friend class Http2Response;
    using StreamPtr = std::shared_ptr<Http2ServerStream>;

    StreamPtr stream(qint32 id) const { return m_streams.value(id); }
    void dispatch(const StreamPtr& stream);
    void reject(const StreamPtr& stream);
    void checkIdle();
    // Marks the stream to be answered early with `status`; its body is dropped.
    void markRejected(Http2ServerStream& stream, int status);
    // Gives a stream's buffered body back to the session's and address's budgets.
    void releaseBody(Http2ServerStream& stream, bool keepBody = false);
    void checkBodyTimeouts();

    // Called by Http2Response.
    bool submitHeaders(Http2ServerStream& stream, int status, const Http2Headers& headers, bool withBody);
    bool appendBody(Http2ServerStream& stream, const QByteArray& chunk, bool last);
    bool respondAll(Http2ServerStream& stream, int status, const Http2Headers& headers, const QByteArray& body);
    bool resetStream(Http2ServerStream& stream, quint32 errorCode);

    static ssize_t readBody(nghttp2_session* session, int32_t streamId, uint8_t* buffer, size_t length,
                            uint32_t* dataFlags, nghttp2_data_source* source, void* userData);

    Handler m_handler;
    Options m_options;
    QHash<qint32, StreamPtr> m_streams;
    QTimer m_idleTimer;
    QElapsedTimer m_sinceActivity;
    QTimer m_bodyTimer;
    QElapsedTimer m_clock;
    qint64 m_bufferedBodyBytes = 0;
};

} // namespace keel::http
