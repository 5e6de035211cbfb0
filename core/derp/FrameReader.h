#pragma once

#include "derp/DerpProtocol.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace keel::derp {

// One DERP frame as read off the wire.
struct Frame
{
    FrameType type = FrameType::KeepAlive;
    quint8 rawType = 0;   // the byte as received (unknown types are kept, not rejected)
    QByteArray payload;
};

// Splits a byte stream into frames. Bytes arrive in any pieces; the declared length of each frame
// is checked against a per-type limit as soon as its 5-byte header is complete, so a peer cannot
// make us buffer more than that limit.
class FrameReader
{
public:
    enum class Result { NeedMore, FrameReady, Error };
    using LimitFunction = std::function<quint32(quint8 type)>;

    // Default limit: the client-side rule (any frame up to 1 MiB).
    FrameReader();
    explicit FrameReader(LimitFunction limit);

    void feed(QByteArrayView bytes);
    // Takes the next complete frame from what was fed. After Error the reader stays in error.
    Result next(Frame* frame);

    QString error() const { return m_error; }
    qsizetype buffered() const { return m_buffer.size() - m_offset; }
    // Bytes fed but not yet returned as frames (for a protocol switch in tests).
    QByteArray takeRemaining();

private:
    LimitFunction m_limit;
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    QString m_error;
};

} // namespace keel::derp
