#include "http/Http2ClientStream.h"

#include "http/Http2ClientSession.h"

namespace keel::http {

Http2ClientStream::Http2ClientStream(Http2ClientSession* session)
    : QObject(session)
    , m_session(session)
{
}

void Http2ClientStream::cancel()
{
    if (m_done)
        return;
    m_done = true;
    if (m_session && m_id > 0)
        m_session->cancelStream(m_id);
    deleteLater();
}

void Http2ClientStream::end(quint32 errorCode, const QString& message)
{
    if (m_done)
        return;
    m_done = true;
    // A full response followed by RST_STREAM(NO_ERROR) (the server did not want the rest of our
    // upload) is still a complete response.
    if (m_remoteEnded)
        Q_EMIT finished();
    else
        Q_EMIT failed(errorCode, message);
    deleteLater();
}

} // namespace keel::http
