#include "http/HttpRequestParser.h"

namespace keel::http {

namespace {

bool isToken(const QByteArray& s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u >= 127 || QByteArrayView("()<>@,;:\\\"/[]?={}").contains(c))
            return false;
    }
    return true;
}

} // namespace

HttpRequestParser::State HttpRequestParser::fail(int status, const QString& message)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorMessage = message;
    m_buffer.clear();
    return m_state;
}

HttpRequestParser::State HttpRequestParser::feed(const QByteArray& bytes)
{
    if (m_state == State::Error)
        return m_state;
    m_buffer.append(bytes);
    if (m_state == State::Complete)
        return m_state;  // the caller has not taken the previous request yet
    return advance();
}

HttpRequestParser::State HttpRequestParser::advance()
{
    if (!m_haveHead) {
        // Tolerate empty lines before a request line (RFC 9112 2.2).
        while (m_buffer.startsWith("\r\n"))
            m_buffer.remove(0, 2);
        if (m_buffer == "\r")
            return m_state;  // half of an empty line: wait for its '\n'
        // A request line starts with a method token. Anything else (typically 0x16, a TLS
        // ClientHello sent to a plain-HTTP port) is refused at once instead of waiting for a
        // line end that never comes, so the client fails fast rather than timing out.
        if (!m_buffer.isEmpty() && !isToken(m_buffer.left(1)))
            return fail(400, m_buffer.at(0) == '\x16' ? QStringLiteral("a TLS handshake on a plain-HTTP port (use http://, not https://)")
                                                       : QStringLiteral("malformed request line"));
        const int headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            if (m_buffer.size() > m_limits.maxHeaderBytes)
                return fail(431, QStringLiteral("request header larger than %1 bytes").arg(m_limits.maxHeaderBytes));
            return m_state;
        }
        if (headEnd > m_limits.maxHeaderBytes)
            return fail(431, QStringLiteral("request header larger than %1 bytes").arg(m_limits.maxHeaderBytes));
        if (parseHead(headEnd) == State::Error)
            return m_state;
    }
    if (m_buffer.size() < m_bodyLength)
        return m_state;
    m_request.body = m_buffer.left(m_bodyLength);
    m_buffer.remove(0, m_bodyLength);
    m_state = State::Complete;
    return m_state;
}

HttpRequestParser::State HttpRequestParser::parseHead(int headEnd)
{
    const QByteArray head = m_buffer.left(headEnd);
    m_buffer.remove(0, headEnd + 4);
    const QList<QByteArray> lines = head.split('\n');
    if (lines.size() - 1 > m_limits.maxHeaders)
        return fail(431, QStringLiteral("more than %1 request headers").arg(m_limits.maxHeaders));

    QByteArray requestLine = lines.first();
    if (!requestLine.endsWith('\r') && lines.size() > 1)
        return fail(400, QStringLiteral("request line must end with CRLF"));
    requestLine.chop(requestLine.endsWith('\r') ? 1 : 0);
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty())
        return fail(400, QStringLiteral("malformed request line"));
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0") {
        if (parts[2].startsWith("HTTP/"))
            return fail(505, QStringLiteral("HTTP version %1 not supported").arg(QString::fromLatin1(parts[2])));
        return fail(400, QStringLiteral("malformed request line"));
    }
    if (!parts[1].startsWith('/') && parts[1] != "*")
        return fail(400, QStringLiteral("request target must be an absolute path"));
    m_request = HttpRequest{};
    m_request.method = parts[0];
    m_request.target = parts[1];
    m_request.version = parts[2];

    for (int i = 1; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (!line.endsWith('\r') && i + 1 < lines.size())
            return fail(400, QStringLiteral("header line must end with CRLF"));
        line.chop(line.endsWith('\r') ? 1 : 0);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(400, QStringLiteral("obsolete header folding is not accepted"));
        const int colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.left(colon)))
            return fail(400, QStringLiteral("malformed header line"));
        m_request.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }

    if (m_request.hasHeader("Transfer-Encoding"))
        return fail(501, QStringLiteral("chunked request bodies are not supported; send Content-Length"));
    m_bodyLength = 0;
    if (m_request.hasHeader("Content-Length")) {
        // Several Content-Length headers that disagree are a smuggling attempt (RFC 9112 6.3).
        QByteArray first;
        for (const auto& [key, value] : m_request.headers) {
            if (key.compare("Content-Length", Qt::CaseInsensitive) != 0)
                continue;
            if (!first.isNull() && value != first)
                return fail(400, QStringLiteral("conflicting Content-Length headers"));
            first = value;
        }
        bool ok = false;
        m_bodyLength = first.toLongLong(&ok);
        if (!ok || m_bodyLength < 0 || first.startsWith('+'))
            return fail(400, QStringLiteral("invalid Content-Length"));
        if (m_bodyLength > m_limits.maxBodyBytes)
            return fail(413, QStringLiteral("request body larger than %1 bytes").arg(m_limits.maxBodyBytes));
    }
    m_haveHead = true;
    return m_state;
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest out = std::move(m_request);
    m_request = HttpRequest{};
    m_haveHead = false;
    m_bodyLength = 0;
    m_state = State::Incomplete;
    // The bytes after this request are not parsed yet: after an Upgrade they belong to another
    // protocol. The caller feeds an empty array to go on with pipelined requests.
    return out;
}

QByteArray HttpRequestParser::takeBuffered()
{
    QByteArray out = std::move(m_buffer);
    m_buffer.clear();
    return out;
}

} // namespace keel::http
