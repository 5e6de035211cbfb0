#pragma once

#include "http/Http2Headers.h"
#include "http/Http2Session.h"

#include <QHash>
#include <QPointer>

namespace keel::http {

class Http2ClientStream;

// The client end of HTTP/2 with prior knowledge, as Tailscale's Go client speaks it over the Noise
// channel (control.md §2.9): used by the test client and the node simulator. Requests are queued
// and written from the event loop, so signals can be connected after request() returns.
class Http2ClientSession final : public Http2Session
{
    Q_OBJECT
public:
    struct Options
    {
        // Go's http2.Transport advertises a 4 MiB stream window and opens the connection window to 1 GiB.
        qint32 streamWindowBytes = 4 << 20;
        qint32 connectionWindowBytes = 1 << 30;
    };

    explicit Http2ClientSession(QObject* parent = nullptr);
    explicit Http2ClientSession(const Options& options, QObject* parent = nullptr);
    ~Http2ClientSession() override;

    // Sends one request. Never returns null: a request that cannot start (session closed or
    // draining) fails asynchronously through the stream's failed() signal. A content-length header
    // is added for a non-empty body unless given.
    Http2ClientStream* request(const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
                               const Http2Headers& headers = {}, const QByteArray& authority = "unused",
                               const QByteArray& scheme = "https");

    int activeStreamCount() const { return int(m_uploads.size()); }

protected:
    int onHeader(const nghttp2_frame& frame, QByteArrayView name, QByteArrayView value) override;
    int onFrameReceived(const nghttp2_frame& frame) override;
    int onDataChunk(qint32 streamId, QByteArrayView data) override;
    int onStreamClosed(qint32 streamId, quint32 errorCode) override;
    void onSessionClosed() override;

private:
    friend class Http2ClientStream;
    struct Upload
    {
        QPointer<Http2ClientStream> stream;
        QByteArray body;
        qsizetype offset = 0;
    };

    void scheduleFlush();
    void cancelStream(qint32 streamId);
    static ssize_t readBody(nghttp2_session* session, int32_t streamId, uint8_t* buffer, size_t length,
                            uint32_t* dataFlags, nghttp2_data_source* source, void* userData);

    QHash<qint32, Upload> m_uploads; // every open stream (the body part is empty once sent)
    bool m_flushScheduled = false;
};

} // namespace keel::http
