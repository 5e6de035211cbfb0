#include "control/EarlyNoiseReader.h"

#include "control/EarlyNoise.h"

#include <QtEndian>

namespace keel::control {

EarlyNoiseReader::Status EarlyNoiseReader::fail(const QString& error)
{
    m_error = error;
    m_buffer.clear();
    m_status = Status::Failed;
    return m_status;
}

EarlyNoiseReader::Status EarlyNoiseReader::feed(const QByteArray& plaintext)
{
    if (m_status != Status::NeedMore) {
        if (m_status == Status::Done)
            m_buffer += plaintext;
        return m_status;
    }
    m_buffer += plaintext;
    if (m_buffer.size() < EarlyNoise::kHeaderSize)
        return m_status;
    if (memcmp(m_buffer.constData(), EarlyNoise::kMagic, EarlyNoise::kMagicSize) != 0) {
        m_status = Status::Done;  // no early payload: these 9 bytes are HTTP/2
        return m_status;
    }
    const quint32 length = qFromBigEndian<quint32>(m_buffer.constData() + EarlyNoise::kMagicSize);
    if (length > EarlyNoise::kMaxJsonSize)
        return fail(QStringLiteral("early payload of %1 bytes is over the 10 MiB limit").arg(length));
    if (m_buffer.size() < EarlyNoise::kHeaderSize + qsizetype(length))
        return m_status;
    QString error;
    const auto challenge = EarlyNoise::parseJson(m_buffer.mid(EarlyNoise::kHeaderSize, length), &error);
    if (!challenge)
        return fail(error);
    m_challenge = *challenge;
    m_hadPayload = true;
    m_buffer.remove(0, EarlyNoise::kHeaderSize + length);
    m_status = Status::Done;
    return m_status;
}

} // namespace keel::control
