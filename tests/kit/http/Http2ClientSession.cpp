#include "http/Http2ClientSession.h"

#include "common/Log.h"
#include "http/Http2ClientStream.h"

#include <QMetaObject>

#include <cstring>
#include <vector>

namespace keel::http {

namespace {

QString describe(quint32 errorCode)
{
    return QStringLiteral("stream closed with %1").arg(QLatin1String(nghttp2_http2_strerror(errorCode)));
}

} // namespace

Http2ClientSession::Http2ClientSession(QObject* parent)
    : Http2ClientSession(Options{}, parent)
{
}

Http2ClientSession::Http2ClientSession(const Options& options, QObject* parent)
    : Http2Session(parent)
{
    nghttp2_session_callbacks* callbacks = makeCallbacks();
    nghttp2_session* session = nullptr;
    const int rv = nghttp2_session_client_new(&session, callbacks, static_cast<Http2Session*>(this));
    nghttp2_session_callbacks_del(callbacks);
    if (rv != 0)
        qFatal("nghttp2_session_client_new: %s", nghttp2_strerror(rv));
    adopt(session);

    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(options.streamWindowBytes)},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 10u << 20},
    };
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    if (options.connectionWindowBytes > NGHTTP2_INITIAL_CONNECTION_WINDOW_SIZE)
        nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, options.connectionWindowBytes);
}

Http2ClientSession::~Http2ClientSession() = default;

Http2ClientStream* Http2ClientSession::request(const QByteArray& method, const QByteArray& path,
                                               const QByteArray& body, const Http2Headers& headers,
                                               const QByteArray& authority, const QByteArray& scheme)
{
    auto* stream = new Http2ClientStream(this);
    auto failLater = [stream](const QString& message) {
        QMetaObject::invokeMethod(
            stream, [stream, message] { stream->end(NGHTTP2_REFUSED_STREAM, message); }, Qt::QueuedConnection);
        return stream;
    };
    if (state() != State::Open)
        return failLater(QStringLiteral("the HTTP/2 session is no longer accepting requests"));

    const QByteArray pseudo[] = {":method", ":scheme", ":authority", ":path"};
    std::vector<nghttp2_nv> nva;
    nva.push_back(makeNv(pseudo[0], method));
    nva.push_back(makeNv(pseudo[1], scheme));
    nva.push_back(makeNv(pseudo[2], authority));
    nva.push_back(makeNv(pseudo[3], path));
    QList<QByteArray> names;
    names.reserve(headers.size() + 1);
    bool haveLength = false;
    for (const auto& [name, value] : headers) {
        names.append(name.toLower());
        haveLength = haveLength || names.constLast() == "content-length";
        nva.push_back(makeNv(names.constLast(), value));
    }
    const QByteArray lengthValue = QByteArray::number(body.size());
    if (!body.isEmpty() && !haveLength) {
        names.append("content-length");
        nva.push_back(makeNv(names.constLast(), lengthValue));
    }

    nghttp2_data_provider provider{};
    provider.source.ptr = nullptr;
    provider.read_callback = &Http2ClientSession::readBody;
    const int32_t id = nghttp2_submit_request(raw(), nullptr, nva.data(), nva.size(),
                                              body.isEmpty() ? nullptr : &provider, nullptr);
    if (id < 0)
        return failLater(QStringLiteral("cannot start an HTTP/2 stream: %1").arg(QLatin1String(nghttp2_strerror(id))));
    stream->m_id = id;
    m_uploads.insert(id, Upload{stream, body, 0});
    scheduleFlush();
    return stream;
}

void Http2ClientSession::scheduleFlush()
{
    // Writing from the event loop (not inside request()) lets the caller connect its slots first,
    // even when the peer answers synchronously over an in-memory pipe.
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_flushScheduled = false;
            flush();
        },
        Qt::QueuedConnection);
}

void Http2ClientSession::cancelStream(qint32 streamId)
{
    if (isClosed() || !m_uploads.contains(streamId))
        return;
    nghttp2_submit_rst_stream(raw(), NGHTTP2_FLAG_NONE, streamId, NGHTTP2_CANCEL);
    scheduleFlush();
}

int Http2ClientSession::onHeader(const nghttp2_frame& frame, QByteArrayView name, QByteArrayView value)
{
    if (frame.hd.type != NGHTTP2_HEADERS)
        return 0;
    const auto it = m_uploads.constFind(frame.hd.stream_id);
    if (it == m_uploads.cend() || !it->stream)
        return 0;
    Http2ClientStream* stream = it->stream;
    if (name == ":status")
        stream->m_status = value.toByteArray().toInt();
    else if (!name.startsWith(':'))
        stream->m_headers.append({name.toByteArray(), value.toByteArray()});
    return 0;
}

int Http2ClientSession::onFrameReceived(const nghttp2_frame& frame)
{
    if (frame.hd.type != NGHTTP2_HEADERS && frame.hd.type != NGHTTP2_DATA)
        return 0;
    const auto it = m_uploads.constFind(frame.hd.stream_id);
    if (it == m_uploads.cend() || !it->stream)
        return 0;
    QPointer<Http2ClientStream> stream = it->stream;
    if (frame.hd.type == NGHTTP2_HEADERS && stream->m_status >= 100 && stream->m_status < 200) {
        // An informational response: the real one follows.
        stream->m_status = 0;
        stream->m_headers.clear();
        return 0;
    }
    if (frame.hd.type == NGHTTP2_HEADERS && !stream->m_headersDelivered) {
        stream->m_headersDelivered = true;
        defer([stream] {
            if (stream && !stream->m_done)
                Q_EMIT stream->headersReceived(stream->m_status, stream->m_headers);
        });
    }
    if (frame.hd.flags & NGHTTP2_FLAG_END_STREAM)
        stream->m_remoteEnded = true;
    return 0;
}

int Http2ClientSession::onDataChunk(qint32 streamId, QByteArrayView data)
{
    const auto it = m_uploads.constFind(streamId);
    if (it == m_uploads.cend() || !it->stream)
        return 0;
    QPointer<Http2ClientStream> stream = it->stream;
    defer([stream, chunk = data.toByteArray()] {
        if (stream && !stream->m_done)
            Q_EMIT stream->dataReceived(chunk);
    });
    return 0;
}

int Http2ClientSession::onStreamClosed(qint32 streamId, quint32 errorCode)
{
    const Upload upload = m_uploads.take(streamId);
    QPointer<Http2ClientStream> stream = upload.stream;
    if (stream)
        defer([stream, errorCode] {
            if (stream)
                stream->end(errorCode, describe(errorCode));
        });
    return 0;
}

void Http2ClientSession::onSessionClosed()
{
    const QString reason = errorString().isEmpty() ? QStringLiteral("the HTTP/2 session closed")
                                                   : QStringLiteral("the HTTP/2 session failed: %1").arg(errorString());
    const auto uploads = std::exchange(m_uploads, {});
    for (const Upload& upload : uploads) {
        if (upload.stream)
            upload.stream->end(NGHTTP2_CANCEL, reason);
    }
}

ssize_t Http2ClientSession::readBody(nghttp2_session*, int32_t streamId, uint8_t* buffer, size_t length,
                                     uint32_t* dataFlags, nghttp2_data_source*, void* userData)
{
    auto* self = static_cast<Http2ClientSession*>(static_cast<Http2Session*>(userData));
    const auto it = self->m_uploads.find(streamId);
    if (it == self->m_uploads.end())
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const size_t n = std::min(length, static_cast<size_t>(it->body.size() - it->offset));
    std::memcpy(buffer, it->body.constData() + it->offset, n);
    it->offset += static_cast<qsizetype>(n);
    if (it->offset == it->body.size()) {
        *dataFlags |= NGHTTP2_DATA_FLAG_EOF;
        it->body = QByteArray(); // sent; do not pin it for the life of a long-poll
        it->offset = 0;
    }
    return static_cast<ssize_t>(n);
}

} // namespace keel::http
