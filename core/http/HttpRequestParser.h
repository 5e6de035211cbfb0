#pragma once

#include "http/HttpRequest.h"

#include <QByteArray>
#include <QString>

namespace keel::http {

// Incremental HTTP/1.1 request parser. Feed bytes as they arrive; when a request is complete,
// take it, and the bytes after it stay buffered (the next pipelined request, or the first bytes of
// an upgraded protocol, which must not be lost or parsed twice).
class HttpRequestParser
{
public:
    enum class State { Incomplete, Complete, Error };

    struct Limits
    {
        int maxHeaderBytes = 64 * 1024;
        int maxHeaders = 100;
        qint64 maxBodyBytes = 4 * 1024 * 1024;
    };

    HttpRequestParser() = default;
    explicit HttpRequestParser(Limits limits) : m_limits(limits) {}

    State feed(const QByteArray& bytes);
    State state() const { return m_state; }

    // Valid once state() == Complete. Resets the parser for the next request; buffered bytes after
    // the request are kept and parsed on the next feed() (or taken with takeBuffered()).
    HttpRequest takeRequest();
    // Bytes received beyond the current request (for an Upgrade hand-over).
    QByteArray takeBuffered();

    // Valid once state() == Error: the status to answer with (400, 413, 431, 501, 505) and why.
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }

private:
    State parseHead(int headEnd);
    State fail(int status, const QString& message);
    State advance();

    Limits m_limits;
    State m_state = State::Incomplete;
    bool m_haveHead = false;
    qint64 m_bodyLength = 0;
    QByteArray m_buffer;
    HttpRequest m_request;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace keel::http
