#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace keel::gui {

// Reads one HTTP/1.1 response incrementally, as bytes arrive from a non-blocking socket: the head,
// then a body framed by Content-Length, chunked transfer coding, or the end of the connection.
// feed() hands back the body bytes decoded so far, so a long-lived body (the event stream) can be
// consumed while it is still arriving.
class HttpResponseParser
{
public:
    enum class State { Head, Body, Done, Failed };

    // Returns the body bytes decoded from `bytes` (possibly empty).
    QByteArray feed(const QByteArray& bytes);
    // The connection ended: a body read until close is complete; anything else is truncated.
    void closed();

    State state() const { return m_state; }
    bool headComplete() const { return m_state != State::Head && m_status > 0; }
    int status() const { return m_status; }
    QByteArray header(const QByteArray& lowerName) const;
    QString error() const { return m_error; }

private:
    bool parseHead();
    QByteArray takeChunks();
    void fail(const QString& error);

    State m_state = State::Head;
    QByteArray m_buffer;
    int m_status = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    qint64 m_remaining = -1;   // Content-Length body: bytes still expected
    bool m_chunked = false;
    bool m_untilClose = false;
    QString m_error;
};

} // namespace keel::gui
