#include "http/Http2Response.h"

#include "http/Http2ServerSession.h"
#include "http/Http2ServerStream.h"

namespace keel::http {

bool Http2Response::isOpen() const
{
    const auto st = m_stream.lock();
    return st && st->session && !st->finished;
}

qint32 Http2Response::streamId() const
{
    const auto st = m_stream.lock();
    return st ? st->id : 0;
}

bool Http2Response::sendHeaders(int status, const Http2Headers& headers)
{
    const auto st = m_stream.lock();
    return st && st->session && st->session->submitHeaders(*st, status, headers, true);
}

bool Http2Response::write(const QByteArray& chunk)
{
    const auto st = m_stream.lock();
    return st && st->session && st->session->appendBody(*st, chunk, false);
}

bool Http2Response::finish()
{
    const auto st = m_stream.lock();
    return st && st->session && st->session->appendBody(*st, QByteArray(), true);
}

bool Http2Response::respond(int status, const Http2Headers& headers, const QByteArray& body)
{
    const auto st = m_stream.lock();
    return st && st->session && st->session->respondAll(*st, status, headers, body);
}

bool Http2Response::reset(quint32 errorCode)
{
    const auto st = m_stream.lock();
    return st && st->session && st->session->resetStream(*st, errorCode);
}

qint64 Http2Response::pendingBytes() const
{
    const auto st = m_stream.lock();
    return st ? st->pendingBytes : 0;
}

void Http2Response::setCloseHandler(std::function<void(quint32)> fn)
{
    const auto st = m_stream.lock();
    if (st && st->session) {
        st->onClosed = std::move(fn);
        return;
    }
    if (fn)
        fn(NGHTTP2_STREAM_CLOSED);
}

} // namespace keel::http
