#include "http/Http2Session.h"

#include "common/Log.h"

#include <QPointer>

#include <nghttp2/nghttp2.h>

namespace keel::http {

namespace {

Http2Session* self(void* userData)
{
    return static_cast<Http2Session*>(userData);
}

QByteArrayView view(const uint8_t* data, size_t length)
{
    return QByteArrayView(reinterpret_cast<const char*>(data), static_cast<qsizetype>(length));
}

QString codeName(quint32 code)
{
    return QStringLiteral("%1 (0x%2)").arg(QLatin1String(nghttp2_http2_strerror(code))).arg(code, 0, 16);
}

} // namespace

Http2Session::Http2Session(QObject* parent)
    : QObject(parent)
{
}

Http2Session::~Http2Session()
{
    m_deferred.clear();
    nghttp2_session_del(m_session);
}

void Http2Session::adopt(nghttp2_session* session)
{
    Q_ASSERT(!m_session);
    m_session = session;
}

nghttp2_nv Http2Session::makeNv(const QByteArray& name, const QByteArray& value)
{
    nghttp2_nv nv{};
    nv.name = reinterpret_cast<uint8_t*>(const_cast<char*>(name.constData()));
    nv.namelen = static_cast<size_t>(name.size());
    nv.value = reinterpret_cast<uint8_t*>(const_cast<char*>(value.constData()));
    nv.valuelen = static_cast<size_t>(value.size());
    nv.flags = NGHTTP2_NV_FLAG_NONE;
    return nv;
}

nghttp2_session_callbacks* Http2Session::makeCallbacks()
{
    nghttp2_session_callbacks* callbacks = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0)
        qFatal("nghttp2: out of memory");
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &Http2Session::cbBeginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &Http2Session::cbHeader);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Http2Session::cbFrameRecv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Http2Session::cbDataChunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Http2Session::cbStreamClose);
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, &Http2Session::cbFrameSend);
    nghttp2_session_callbacks_set_error_callback2(callbacks, &Http2Session::cbError);
    return callbacks;
}

void Http2Session::start()
{
    flush();
}

void Http2Session::feed(QByteArrayView bytes)
{
    if (!m_session || m_state == State::Closed || m_transportGone)
        return;
    onActivity();
    ++m_busy;
    const ssize_t rv = nghttp2_session_mem_recv(m_session, reinterpret_cast<const uint8_t*>(bytes.data()),
                                                static_cast<size_t>(bytes.size()));
    --m_busy;
    if (rv < 0) {
        switch (rv) {
        case NGHTTP2_ERR_BAD_CLIENT_MAGIC:
            failConnection(NGHTTP2_PROTOCOL_ERROR, QStringLiteral("the peer did not start with the HTTP/2 client preface"));
            break;
        case NGHTTP2_ERR_FLOODED:
            failConnection(NGHTTP2_ENHANCE_YOUR_CALM, QStringLiteral("the peer flooded the connection with control frames"));
            break;
        case NGHTTP2_ERR_CALLBACK_FAILURE:
        case NGHTTP2_ERR_NOMEM:
            failConnection(NGHTTP2_INTERNAL_ERROR, QStringLiteral("HTTP/2 receive failed: %1").arg(QLatin1String(nghttp2_strerror(int(rv)))));
            break;
        default:
            failConnection(NGHTTP2_PROTOCOL_ERROR, QStringLiteral("HTTP/2 receive failed: %1").arg(QLatin1String(nghttp2_strerror(int(rv)))));
            break;
        }
    }
    flush();
}

void Http2Session::transportClosed()
{
    if (m_state == State::Closed)
        return;
    m_transportGone = true;
    m_closeRequested = true;
    flush();
}

void Http2Session::abort(quint32 errorCode)
{
    if (!m_session || m_state == State::Closed)
        return;
    // Fails with INVALID_STATE when a GOAWAY that closes the session is already queued: fine.
    nghttp2_session_terminate_session(m_session, errorCode);
    m_closeRequested = true;
    flush();
}

void Http2Session::failConnection(quint32 errorCode, const QString& message)
{
    if (m_errorString.isEmpty())
        m_errorString = message;
    qCDebug(lcHttp) << "HTTP/2 connection error:" << message;
    if (m_session)
        nghttp2_session_terminate_session(m_session, errorCode);
    m_closeRequested = true;
}

void Http2Session::defer(std::function<void()> fn)
{
    m_deferred.push_back(std::move(fn));
}

void Http2Session::runDeferred()
{
    // User code may queue more work while we run; take the list each round.
    while (!m_deferred.empty()) {
        std::vector<std::function<void()>> batch;
        batch.swap(m_deferred);
        for (auto& fn : batch)
            fn();
    }
}

void Http2Session::flush()
{
    if (!m_session || m_state == State::Closed || m_busy > 0)
        return;
    QPointer<Http2Session> guard(this);
    ++m_busy;
    for (;;) {
        runDeferred();
        while (!m_fatal) {
            const uint8_t* data = nullptr;
            const ssize_t n = nghttp2_session_mem_send(m_session, &data);
            if (n < 0) {
                // Only fatal errors come back here; the session cannot produce bytes any more.
                m_fatal = true;
                if (m_errorString.isEmpty())
                    m_errorString = QStringLiteral("HTTP/2 send failed: %1").arg(QLatin1String(nghttp2_strerror(int(n))));
                m_closeRequested = true;
                break;
            }
            if (n == 0)
                break;
            m_out.append(reinterpret_cast<const char*>(data), n);
        }
        if (m_deferred.empty())
            break;
    }
    --m_busy;

    if (!m_out.isEmpty()) {
        QByteArray chunk;
        chunk.swap(m_out);
        if (!m_transportGone) {
            onActivity();
            Q_EMIT outgoing(chunk); // may re-enter feed() through a direct connection
            if (!guard)
                return;
        }
    }
    checkFinished();
}

void Http2Session::checkFinished()
{
    if (m_state == State::Closed || m_busy > 0)
        return;
    if (m_closeRequested || (!nghttp2_session_want_read(m_session) && !nghttp2_session_want_write(m_session)))
        closeNow();
}

void Http2Session::closeNow()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    QPointer<Http2Session> guard(this);
    onSessionClosed();
    if (!guard)
        return;
    if (!m_errorString.isEmpty()) {
        Q_EMIT errorOccurred(m_errorString);
        if (!guard)
            return;
    }
    Q_EMIT closed();
}

void Http2Session::noteFrameSent(const nghttp2_frame& frame)
{
    if (frame.hd.type != NGHTTP2_GOAWAY)
        return;
    m_goAwaySent = true;
    m_goAwayCode = frame.goaway.error_code;
    if (m_state == State::Open)
        m_state = State::Draining;
    if (frame.goaway.error_code != NGHTTP2_NO_ERROR && m_errorString.isEmpty()) {
        m_errorString = m_lastLibraryError.isEmpty()
            ? QStringLiteral("sent GOAWAY %1").arg(codeName(frame.goaway.error_code))
            : QStringLiteral("%1 (sent GOAWAY %2)").arg(m_lastLibraryError, codeName(frame.goaway.error_code));
    }
}

void Http2Session::noteFrameReceived(const nghttp2_frame& frame)
{
    if (frame.hd.type != NGHTTP2_GOAWAY)
        return;
    m_goAwayReceived = true;
    if (!m_goAwaySent)
        m_goAwayCode = frame.goaway.error_code;
    if (m_state == State::Open)
        m_state = State::Draining;
    if (frame.goaway.error_code != NGHTTP2_NO_ERROR && m_errorString.isEmpty()) {
        // The debug data is the peer's free text: keep printable ASCII only, and not much of it.
        QByteArray debug(reinterpret_cast<const char*>(frame.goaway.opaque_data),
                         static_cast<qsizetype>(std::min<size_t>(frame.goaway.opaque_data_len, 200)));
        for (char& c : debug) {
            if (c < 0x20 || c > 0x7e)
                c = '?';
        }
        m_errorString = QStringLiteral("the peer sent GOAWAY %1 %2")
                            .arg(codeName(frame.goaway.error_code), QString::fromLatin1(debug))
                            .trimmed();
    }
}

// Default hooks: accept everything.
int Http2Session::onBeginHeaders(const nghttp2_frame&) { return 0; }
int Http2Session::onHeader(const nghttp2_frame&, QByteArrayView, QByteArrayView) { return 0; }
int Http2Session::onFrameReceived(const nghttp2_frame&) { return 0; }
int Http2Session::onDataChunk(qint32, QByteArrayView) { return 0; }
int Http2Session::onStreamClosed(qint32, quint32) { return 0; }
int Http2Session::onFrameSent(const nghttp2_frame&) { return 0; }

int Http2Session::cbBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* userData)
{
    return self(userData)->onBeginHeaders(*frame);
}

int Http2Session::cbHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t nameLength,
                           const uint8_t* value, size_t valueLength, uint8_t, void* userData)
{
    return self(userData)->onHeader(*frame, view(name, nameLength), view(value, valueLength));
}

int Http2Session::cbFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* userData)
{
    self(userData)->noteFrameReceived(*frame);
    return self(userData)->onFrameReceived(*frame);
}

int Http2Session::cbDataChunk(nghttp2_session*, uint8_t, int32_t streamId, const uint8_t* data, size_t length,
                              void* userData)
{
    return self(userData)->onDataChunk(streamId, view(data, length));
}

int Http2Session::cbStreamClose(nghttp2_session*, int32_t streamId, uint32_t errorCode, void* userData)
{
    return self(userData)->onStreamClosed(streamId, errorCode);
}

int Http2Session::cbFrameSend(nghttp2_session*, const nghttp2_frame* frame, void* userData)
{
    self(userData)->noteFrameSent(*frame);
    return self(userData)->onFrameSent(*frame);
}

int Http2Session::cbError(nghttp2_session*, int, const char* message, size_t length, void* userData)
{
    self(userData)->m_lastLibraryError = QString::fromUtf8(message, static_cast<qsizetype>(length));
    qCDebug(lcHttp) << "nghttp2:" << self(userData)->m_lastLibraryError;
    return 0;
}

} // namespace keel::http
