#include "http/Http2ServerSession.h"

#include "common/Log.h"
#include "http/Http2ServerStream.h"

#include <QPointer>

#include <algorithm>
#include <cstring>
#include <vector>

namespace keel::http {

namespace {

// A request's header block may not grow past this (names + values); nghttp2 bounds single fields
// only. Go's default MaxHeaderBytes is 1 MiB; Tailscale clients send well under 1 KiB.
constexpr qint64 kMaxHeaderBytes = 64 * 1024;

} // namespace

Http2ServerSession::Http2ServerSession(Handler handler, QObject* parent)
    : Http2ServerSession(std::move(handler), Options{}, parent)
{
}

Http2ServerSession::Http2ServerSession(Handler handler, const Options& options, QObject* parent)
    : Http2Session(parent)
    , m_handler(std::move(handler))
    , m_options(options)
{
    nghttp2_session_callbacks* callbacks = makeCallbacks();
    nghttp2_session* session = nullptr;
    const int rv = nghttp2_session_server_new(&session, callbacks, static_cast<Http2Session*>(this));
    nghttp2_session_callbacks_del(callbacks);
    if (rv != 0)
        qFatal("nghttp2_session_server_new: %s", nghttp2_strerror(rv));
    adopt(session);

    // Our preface. Tailscale's client needs nothing special here; the values only bound resources.
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, m_options.maxConcurrentStreams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(m_options.streamWindowBytes)},
    };
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    if (m_options.connectionWindowBytes > NGHTTP2_INITIAL_CONNECTION_WINDOW_SIZE)
        nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, m_options.connectionWindowBytes);

    m_sinceActivity.start();
    m_clock.start();
    m_bodyTimer.setSingleShot(true);
    connect(&m_bodyTimer, &QTimer::timeout, this, &Http2ServerSession::checkBodyTimeouts);
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &Http2ServerSession::checkIdle);
    if (m_options.idleTimeout.count() > 0)
        m_idleTimer.start(m_options.idleTimeout);
}

Http2ServerSession::~Http2ServerSession()
{
    // Outstanding Http2Response handles turn into no-ops; close handlers are not called from a
    // destructor (they might reach back into this half-destroyed object).
    for (const auto& stream : std::as_const(m_streams)) {
        releaseBody(*stream);
        stream->session = nullptr;
    }
    m_streams.clear();
}

void Http2ServerSession::shutdown(std::chrono::milliseconds grace)
{
    if (isClosed())
        return;
    nghttp2_submit_goaway(raw(), NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(raw()),
                          NGHTTP2_NO_ERROR, nullptr, 0);
    if (grace.count() > 0) {
        QTimer::singleShot(grace, this, [this] {
            if (!isClosed())
                abort(NGHTTP2_NO_ERROR);
        });
    }
    flush();
}

int Http2ServerSession::onBeginHeaders(const nghttp2_frame& frame)
{
    if (frame.hd.type != NGHTTP2_HEADERS || frame.headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    auto stream = std::make_shared<Http2ServerStream>();
    stream->id = frame.hd.stream_id;
    stream->session = this;
    stream->request.streamId = frame.hd.stream_id;
    stream->startedMs = m_clock.elapsed();
    m_streams.insert(stream->id, stream);
    if (m_options.bodyTimeout.count() > 0 && !m_bodyTimer.isActive())
        m_bodyTimer.start(m_options.bodyTimeout);
    return 0;
}

int Http2ServerSession::onHeader(const nghttp2_frame& frame, QByteArrayView name, QByteArrayView value)
{
    if (frame.hd.type != NGHTTP2_HEADERS)
        return 0;
    const StreamPtr st = stream(frame.hd.stream_id);
    if (!st)
        return 0;
    st->headerBytes += name.size() + value.size();
    if (st->headerBytes > kMaxHeaderBytes)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; // resets this stream only
    Http2Request& request = st->request;
    if (name.startsWith(':')) {
        // nghttp2's HTTP messaging checks already rejected unknown, duplicate or late pseudo-headers.
        if (name == ":method")
            request.method = value.toByteArray();
        else if (name == ":path")
            request.path = value.toByteArray();
        else if (name == ":authority")
            request.authority = value.toByteArray();
        else if (name == ":scheme")
            request.scheme = value.toByteArray();
        return 0;
    }
    if (name == "content-length") {
        bool ok = false;
        const qint64 length = value.toByteArray().toLongLong(&ok);
        if (ok && length > m_options.maxRequestBodyBytes)
            st->rejected = true; // answer 413 as soon as the header block ends
    }
    request.headers.append({name.toByteArray(), value.toByteArray()});
    return 0;
}

int Http2ServerSession::onFrameReceived(const nghttp2_frame& frame)
{
    if (frame.hd.type != NGHTTP2_HEADERS && frame.hd.type != NGHTTP2_DATA)
        return 0;
    const StreamPtr st = stream(frame.hd.stream_id);
    if (!st)
        return 0;
    if (frame.hd.flags & NGHTTP2_FLAG_END_STREAM)
        st->remoteClosed = true;
    if (st->rejected) {
        if (!st->rejectQueued) {
            st->rejectQueued = true;
            defer([this, st] { reject(st); });
        }
    } else if (st->remoteClosed && !st->dispatched) {
        st->dispatched = true;
        defer([this, st] { dispatch(st); });
    }
    return 0;
}

int Http2ServerSession::onDataChunk(qint32 streamId, QByteArrayView data)
{
    const StreamPtr st = stream(streamId);
    if (!st || st->rejected)
        return 0;
    if (st->request.body.size() + data.size() > m_options.maxRequestBodyBytes) {
        markRejected(*st, 413);
        return 0;
    }
    const qint64 n = data.size();
    // One request the per-request limit allows always fits, whatever the session bound says.
    const qint64 sessionBound = std::max(m_options.maxBufferedBodyBytes, m_options.maxRequestBodyBytes);
    if (m_bufferedBodyBytes + n > sessionBound
        || (m_options.budget && !m_options.budget->take(m_options.budgetKey, n))) {
        markRejected(*st, 503);
        return 0;
    }
    st->request.body.append(data);
    st->bufferedBytes += n;
    m_bufferedBodyBytes += n;
    return 0;
}

int Http2ServerSession::onStreamClosed(qint32 streamId, quint32 errorCode)
{
    const StreamPtr st = m_streams.take(streamId);
    if (!st)
        return 0;
    // A complete request still waiting for its (deferred) dispatch keeps its body for the
    // handler; it no longer counts against the budgets, and dispatch() drops it right after.
    releaseBody(*st, /*keepBody=*/st->dispatched);
    st->session = nullptr;
    if (st->onClosed) {
        auto fn = std::move(st->onClosed);
        st->onClosed = nullptr;
        defer([fn = std::move(fn), errorCode] { fn(errorCode); });
    }
    return 0;
}

void Http2ServerSession::onSessionClosed()
{
    m_idleTimer.stop();
    std::vector<std::function<void(quint32)>> handlers;
    m_bodyTimer.stop();
    for (const auto& st : std::as_const(m_streams)) {
        releaseBody(*st);
        st->session = nullptr;
        if (st->onClosed)
            handlers.push_back(std::move(st->onClosed));
    }
    m_streams.clear();
    QPointer<Http2ServerSession> guard(this);
    for (auto& fn : handlers) {
        fn(NGHTTP2_CANCEL); // the stream did not end on its own: the connection went away
        if (!guard)
            return;
    }
}

void Http2ServerSession::onActivity()
{
    m_sinceActivity.restart();
}

void Http2ServerSession::checkIdle()
{
    const qint64 timeout = m_options.idleTimeout.count();
    if (isClosed() || timeout <= 0 || state() != State::Open)
        return;
    const qint64 idleFor = m_sinceActivity.elapsed();
    if (!m_streams.isEmpty() || idleFor < timeout) {
        // A running stream (a map long-poll) is not idleness; look again later.
        m_idleTimer.start(m_streams.isEmpty() ? int(timeout - idleFor) : int(timeout));
        return;
    }
    qCDebug(lcHttp) << "HTTP/2 session idle for" << idleFor << "ms; sending GOAWAY";
    QPointer<Http2ServerSession> guard(this);
    Q_EMIT idleTimedOut();
    if (guard)
        shutdown();
}

void Http2ServerSession::dispatch(const StreamPtr& st)
{
    // A request that arrived complete is served even if the client reset the stream in the same
    // read (as Go's server would have started the handler already); its Http2Response is then
    // inert and its close handler runs at once.
    if (isClosed())
        return;
    if (!m_handler) {
        Http2Response(st).respond(501);
        return;
    }
    m_handler(st->request, Http2Response(st));
    // The handler has what it needs; a long-lived stream should not pin the body.
    releaseBody(*st);
}

void Http2ServerSession::markRejected(Http2ServerStream& st, int status)
{
    st.rejected = true;
    st.rejectStatus = status;
    releaseBody(st);
}

void Http2ServerSession::releaseBody(Http2ServerStream& st, bool keepBody)
{
    if (!keepBody)
        st.request.body = QByteArray();
    if (st.bufferedBytes == 0)
        return;
    m_bufferedBodyBytes -= st.bufferedBytes;
    if (m_options.budget)
        m_options.budget->give(m_options.budgetKey, st.bufferedBytes);
    st.bufferedBytes = 0;
}

void Http2ServerSession::checkBodyTimeouts()
{
    const qint64 timeout = m_options.bodyTimeout.count();
    if (isClosed() || timeout <= 0)
        return;
    const qint64 now = m_clock.elapsed();
    qint64 next = -1; // ms until the next unfinished request's deadline
    std::vector<StreamPtr> late;
    for (const auto& st : std::as_const(m_streams)) {
        if (st->dispatched || st->rejected || st->remoteClosed)
            continue;
        const qint64 left = st->startedMs + timeout - now;
        if (left <= 0)
            late.push_back(st);
        else if (next < 0 || left < next)
            next = left;
    }
    for (const StreamPtr& st : late) {
        markRejected(*st, 408);
        st->rejectQueued = true;
        reject(st);
    }
    if (next >= 0)
        m_bodyTimer.start(int(next));
}

void Http2ServerSession::reject(const StreamPtr& st)
{
    if (!st->session || st->headersSent)
        return;
    if (st->rejectStatus == 413)
        qCInfo(lcHttp) << "HTTP/2 request on stream" << st->id << st->request.path << "exceeds the body limit of"
                       << m_options.maxRequestBodyBytes << "bytes; answering 413";
    else
        qCDebug(lcHttp) << "HTTP/2 request on stream" << st->id << st->request.path << "answered" << st->rejectStatus
                        << (st->rejectStatus == 408 ? "(body not complete in time)" : "(too many request bodies in flight)");
    // The RST_STREAM(NO_ERROR) that stops the upload follows once this is on the wire (onFrameSent):
    // nghttp2 drops a response still queued behind an RST_STREAM for the same stream.
    submitHeaders(*st, st->rejectStatus, {}, false);
}

int Http2ServerSession::onFrameSent(const nghttp2_frame& frame)
{
    if ((frame.hd.type != NGHTTP2_HEADERS && frame.hd.type != NGHTTP2_DATA) || !(frame.hd.flags & NGHTTP2_FLAG_END_STREAM))
        return 0;
    const StreamPtr st = stream(frame.hd.stream_id);
    // RFC 9113 §8.1: after a complete early response, ask the client to stop sending, without error.
    if (st && st->rejected && !st->remoteClosed)
        nghttp2_submit_rst_stream(raw(), NGHTTP2_FLAG_NONE, st->id, NGHTTP2_NO_ERROR);
    return 0;
}

bool Http2ServerSession::submitHeaders(Http2ServerStream& st, int status, const Http2Headers& headers, bool withBody)
{
    if (!st.session || st.headersSent || isClosed())
        return false;
    const QByteArray statusName(":status");
    const QByteArray statusValue = QByteArray::number(status);
    QList<QByteArray> names;
    names.reserve(headers.size());
    std::vector<nghttp2_nv> nva;
    nva.reserve(static_cast<size_t>(headers.size()) + 1);
    nva.push_back(makeNv(statusName, statusValue));
    for (const auto& [name, value] : headers) {
        names.append(name.toLower());
        nva.push_back(makeNv(names.constLast(), value));
    }
    nghttp2_data_provider provider{};
    provider.source.ptr = nullptr;
    provider.read_callback = &Http2ServerSession::readBody;
    const int rv = nghttp2_submit_response(raw(), st.id, nva.data(), nva.size(), withBody ? &provider : nullptr);
    if (rv != 0) {
        qCWarning(lcHttp) << "HTTP/2 response on stream" << st.id << "failed:" << nghttp2_strerror(rv);
        return false;
    }
    st.headersSent = true;
    if (!withBody)
        st.finished = true;
    flush();
    return true;
}

bool Http2ServerSession::appendBody(Http2ServerStream& st, const QByteArray& chunk, bool last)
{
    if (!st.session || st.finished || isClosed())
        return false;
    if (!chunk.isEmpty()) {
        st.pending.push_back(chunk);
        st.pendingBytes += chunk.size();
    }
    if (last)
        st.finished = true;
    if (!st.headersSent)
        return submitHeaders(st, 200, {}, true);
    if (st.dataDeferred) {
        st.dataDeferred = false;
        nghttp2_session_resume_data(raw(), st.id);
    }
    flush();
    return true;
}

bool Http2ServerSession::respondAll(Http2ServerStream& st, int status, const Http2Headers& headers,
                                    const QByteArray& body)
{
    if (!st.session || st.headersSent || isClosed())
        return false;
    if (body.isEmpty())
        return submitHeaders(st, status, headers, false);
    st.pending.push_back(body);
    st.pendingBytes += body.size();
    st.finished = true;
    return submitHeaders(st, status, headers, true);
}

bool Http2ServerSession::resetStream(Http2ServerStream& st, quint32 errorCode)
{
    if (!st.session || isClosed())
        return false;
    st.finished = true;
    st.pending.clear();
    st.pendingBytes = 0;
    nghttp2_submit_rst_stream(raw(), NGHTTP2_FLAG_NONE, st.id, errorCode);
    flush();
    return true;
}

ssize_t Http2ServerSession::readBody(nghttp2_session*, int32_t streamId, uint8_t* buffer, size_t length,
                                     uint32_t* dataFlags, nghttp2_data_source*, void* userData)
{
    auto* self = static_cast<Http2ServerSession*>(static_cast<Http2Session*>(userData));
    const StreamPtr st = self->stream(streamId);
    if (!st)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    size_t copied = 0;
    while (copied < length && !st->pending.empty()) {
        const QByteArray& front = st->pending.front();
        const size_t available = static_cast<size_t>(front.size() - st->pendingOffset);
        const size_t n = std::min(length - copied, available);
        std::memcpy(buffer + copied, front.constData() + st->pendingOffset, n);
        copied += n;
        st->pendingOffset += static_cast<qsizetype>(n);
        st->pendingBytes -= static_cast<qint64>(n);
        if (st->pendingOffset == front.size()) {
            st->pending.pop_front();
            st->pendingOffset = 0;
        }
    }
    if (st->pending.empty() && st->finished) {
        *dataFlags |= NGHTTP2_DATA_FLAG_EOF;
    } else if (copied == 0) {
        // Nothing to send yet: park the stream until the handler writes again (the long-poll).
        st->dataDeferred = true;
        return NGHTTP2_ERR_DEFERRED;
    }
    return static_cast<ssize_t>(copied);
}

} // namespace keel::http
