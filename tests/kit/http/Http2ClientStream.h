#pragma once

#include "http/Http2Headers.h"

#include <QObject>
#include <QPointer>

namespace keel::http {

class Http2ClientSession;

// One request made through an Http2ClientSession. The response arrives as signals: headers once,
// then the body chunk by chunk as DATA frames come in (map responses are a stream of length-prefixed
// messages, so chunks are handed over as they arrive, not collected), then finished() or failed().
// A chunk is one DATA frame's payload, not a message: a message larger than a frame spans several
// chunks, so readers of length-prefixed streams must reassemble.
// The object belongs to the session and deletes itself (deleteLater) after its last signal; keep a
// QPointer if you hold on to it.
class Http2ClientStream final : public QObject
{
    Q_OBJECT
public:
    qint32 streamId() const { return m_id; }
    int status() const { return m_status; }
    const Http2Headers& headers() const { return m_headers; }
    bool isDone() const { return m_done; }

    // RST_STREAM(CANCEL). No signal is emitted after this call.
    void cancel();

Q_SIGNALS:
    void headersReceived(int status, const keel::http::Http2Headers& headers);
    void dataReceived(const QByteArray& chunk);
    // The whole response arrived (END_STREAM).
    void finished();
    // The stream was reset, refused (GOAWAY) or the session ended before the response completed.
    void failed(quint32 errorCode, const QString& message);

private:
    friend class Http2ClientSession;
    explicit Http2ClientStream(Http2ClientSession* session);

    void end(quint32 errorCode, const QString& message);

    QPointer<Http2ClientSession> m_session;
    qint32 m_id = -1;
    int m_status = 0;
    Http2Headers m_headers;
    bool m_headersDelivered = false;
    bool m_remoteEnded = false;
    bool m_done = false;
};

} // namespace keel::http
