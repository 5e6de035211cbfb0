#include "HttpResponseParser.h"

namespace keel::gui {

void HttpResponseParser::fail(const QString& error)
{
    m_state = State::Failed;
    m_error = error;
}

QByteArray HttpResponseParser::header(const QByteArray& lowerName) const
{
    for (const auto& [name, value] : m_headers)
        if (name == lowerName)
            return value;
    return {};
}

bool HttpResponseParser::parseHead()
{
    const int end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_buffer.size() > 64 * 1024)
            fail(QStringLiteral("the response head is too long"));
        return false;
    }
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    bool ok = false;
    m_status = statusLine.size() >= 2 && statusLine[0].startsWith("HTTP/") ? statusLine[1].toInt(&ok) : 0;
    if (!ok || m_status < 100) {
        fail(QStringLiteral("not an HTTP response"));
        return false;
    }
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const int colon = line.indexOf(':');
        if (colon > 0)
            m_headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    m_buffer.remove(0, end + 4);
    m_chunked = header("transfer-encoding").toLower().contains("chunked");
    const QByteArray length = header("content-length");
    if (!m_chunked && !length.isEmpty())
        m_remaining = length.toLongLong();
    else if (!m_chunked)
        m_untilClose = true;
    if (m_status == 204 || m_status == 304)
        m_remaining = 0, m_untilClose = false, m_chunked = false;
    m_state = State::Body;
    return true;
}

QByteArray HttpResponseParser::takeChunks()
{
    QByteArray out;
    for (;;) {
        const int lineEnd = m_buffer.indexOf("\r\n");
        if (lineEnd < 0)
            return out;
        bool ok = false;
        const qint64 size = m_buffer.left(lineEnd).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0) {
            fail(QStringLiteral("malformed chunked response"));
            return out;
        }
        if (m_buffer.size() < lineEnd + 2 + size + 2)
            return out;
        out += m_buffer.mid(lineEnd + 2, size);
        m_buffer.remove(0, lineEnd + 2 + size + 2);
        if (size == 0) {
            m_state = State::Done;
            return out;
        }
    }
}

QByteArray HttpResponseParser::feed(const QByteArray& bytes)
{
    if (m_state == State::Done || m_state == State::Failed)
        return {};
    m_buffer += bytes;
    if (m_state == State::Head && !parseHead())
        return {};
    if (m_chunked)
        return takeChunks();
    if (m_untilClose) {
        QByteArray out;
        out.swap(m_buffer);
        return out;
    }
    const QByteArray out = m_buffer.left(m_remaining);
    m_buffer.remove(0, out.size());
    m_remaining -= out.size();
    if (m_remaining == 0)
        m_state = State::Done;
    return out;
}

void HttpResponseParser::closed()
{
    if (m_state == State::Done || m_state == State::Failed)
        return;
    if (m_state == State::Body && m_untilClose)
        m_state = State::Done;
    else
        fail(m_state == State::Head ? QStringLiteral("the server closed the connection without answering")
                                    : QStringLiteral("the server closed the connection in the middle of an answer"));
}

} // namespace keel::gui
