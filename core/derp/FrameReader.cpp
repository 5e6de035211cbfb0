#include "derp/FrameReader.h"

namespace keel::derp {

FrameReader::FrameReader()
    : m_limit([](quint8) { return MaxClientFrameLength; })
{
}

FrameReader::FrameReader(LimitFunction limit)
    : m_limit(std::move(limit))
{
}

void FrameReader::feed(QByteArrayView bytes)
{
    if (!m_error.isEmpty() || bytes.isEmpty())
        return;
    // Drop what was consumed before growing, so the buffer stays about one frame long.
    if (m_offset > 0 && (m_offset == m_buffer.size() || m_offset > 64 * 1024)) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

FrameReader::Result FrameReader::next(Frame* frame)
{
    if (!m_error.isEmpty())
        return Result::Error;
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < FrameHeaderLength)
        return Result::NeedMore;
    const char* head = m_buffer.constData() + m_offset;
    const quint8 type = quint8(head[0]);
    const quint32 length = readBE32(head + 1);
    const quint32 limit = m_limit(type);
    if (length > limit) {
        m_error = QStringLiteral("frame type 0x%1 declares %2 bytes, limit is %3")
                      .arg(type, 2, 16, QLatin1Char('0')).arg(length).arg(limit);
        return Result::Error;
    }
    if (available - FrameHeaderLength < qsizetype(length))
        return Result::NeedMore;
    frame->rawType = type;
    frame->type = FrameType(type);
    frame->payload = QByteArray(head + FrameHeaderLength, qsizetype(length));
    m_offset += FrameHeaderLength + qsizetype(length);
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    return Result::FrameReady;
}

QByteArray FrameReader::takeRemaining()
{
    QByteArray rest = m_buffer.mid(m_offset);
    m_buffer.clear();
    m_offset = 0;
    return rest;
}

} // namespace keel::derp
