#pragma once

#include "http/Http2Headers.h"

#include <QByteArray>

#include <functional>
#include <memory>

namespace keel::http {

struct Http2ServerStream;

// The handler's side of one response: a weak handle, cheap to copy and safe to keep for minutes
// (the map long-poll). Once the client resets the stream or the session closes, every call is a
// no-op that returns false. Typical use: sendHeaders(200), then write() each map message (each
// write is flushed as DATA promptly, subject to HTTP/2 flow control), then finish().
class Http2Response
{
public:
    Http2Response() = default;

    // The stream still exists and finish() has not been called.
    bool isOpen() const;
    qint32 streamId() const;

    // Status and header fields; names are sent lower-case. Body follows with write()/finish().
    bool sendHeaders(int status, const Http2Headers& headers = {});
    // Queues body bytes (sends "200" first if no headers went out yet).
    bool write(const QByteArray& chunk);
    // Ends the body (END_STREAM once the queued bytes are out).
    bool finish();
    // The whole response at once.
    bool respond(int status, const Http2Headers& headers = {}, const QByteArray& body = {});
    // RST_STREAM with `errorCode` (default CANCEL).
    bool reset(quint32 errorCode = 0x8);

    // Body bytes queued but not yet accepted by flow control (a slow reader shows here).
    qint64 pendingBytes() const;

    // Called once when the stream ends for any reason (complete, reset by the client, session
    // closed), with the RST_STREAM code (0 = NO_ERROR). When the stream is already gone, `fn` runs
    // at once with 0x5 (STREAM_CLOSED).
    void setCloseHandler(std::function<void(quint32 errorCode)> fn);

private:
    friend class Http2ServerSession;
    explicit Http2Response(std::weak_ptr<Http2ServerStream> stream)
        : m_stream(std::move(stream))
    {
    }

    std::weak_ptr<Http2ServerStream> m_stream;
};

} // namespace keel::http
