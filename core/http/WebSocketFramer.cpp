#include "http/WebSocketFramer.h"

#include <QRandomGenerator>
#include <QtEndian>

namespace keel::http {

QByteArray WebSocketFramer::frame(Opcode opcode, QByteArrayView payload) const
{
    const bool masked = m_role == Role::Client;
    QByteArray out;
    out.reserve(payload.size() + 14);
    out.append(char(0x80 | opcode));
    const char maskBit = masked ? char(0x80) : char(0);
    if (payload.size() < 126) {
        out.append(char(maskBit | char(payload.size())));
    } else if (payload.size() <= 0xffff) {
        out.append(char(maskBit | 126));
        char len[2];
        qToBigEndian(quint16(payload.size()), len);
        out.append(len, 2);
    } else {
        out.append(char(maskBit | 127));
        char len[8];
        qToBigEndian(quint64(payload.size()), len);
        out.append(len, 8);
    }
    if (!masked)
        return out.append(payload.data(), payload.size());
    const quint32 maskValue = QRandomGenerator::global()->generate();
    char mask[4];
    qToBigEndian(maskValue, mask);
    out.append(mask, 4);
    const qsizetype start = out.size();
    out.append(payload.data(), payload.size());
    for (qsizetype i = 0; i < payload.size(); ++i)
        out[start + i] = char(out[start + i] ^ mask[i % 4]);
    return out;
}

QByteArray WebSocketFramer::binaryStream(QByteArrayView bytes) const
{
    if (bytes.size() <= kMaxOutgoingMessage)
        return binary(bytes);
    QByteArray out;
    out.reserve(bytes.size() + (bytes.size() / kMaxOutgoingMessage + 1) * 14);
    for (qsizetype at = 0; at < bytes.size(); at += kMaxOutgoingMessage)
        out += binary(bytes.sliced(at, std::min(kMaxOutgoingMessage, bytes.size() - at)));
    return out;
}

QByteArray WebSocketFramer::close(quint16 code, QByteArrayView reason) const
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    payload.append(reason.first(std::min<qsizetype>(reason.size(), 123)).data(), std::min<qsizetype>(reason.size(), 123));
    return frame(Close, payload);
}

bool WebSocketFramer::fail(quint16 code, const QString& error)
{
    m_error = error;
    if (!m_closeSent) {
        m_replies += close(code, error.toUtf8());
        m_closeSent = true;
    }
    m_inbox.clear();
    return false;
}

bool WebSocketFramer::feed(QByteArrayView bytes)
{
    if (failed())
        return false;
    if (m_peerClosed)
        return true;  // nothing after a close frame counts
    m_inbox.append(bytes.data(), bytes.size());
    for (;;) {
        const qsizetype used = consumeFrame();
        if (used < 0)
            return false;
        if (used == 0)
            return true;
        m_inbox.remove(0, used);
        if (m_peerClosed) {
            m_inbox.clear();
            return true;
        }
    }
}

qsizetype WebSocketFramer::consumeFrame()
{
    const auto* p = reinterpret_cast<const unsigned char*>(m_inbox.constData());
    const qsizetype size = m_inbox.size();
    if (size < 2)
        return 0;
    const bool fin = p[0] & 0x80;
    if (p[0] & 0x70)
        return failFrame(1002, QStringLiteral("reserved bits set"));
    const unsigned char opcode = p[0] & 0x0f;
    const bool masked = p[1] & 0x80;
    if (masked != (m_role == Role::Server))
        return failFrame(1002, m_role == Role::Server ? QStringLiteral("client frame not masked") : QStringLiteral("server frame masked"));
    qsizetype pos = 2;
    quint64 length = p[1] & 0x7f;
    if (length == 126) {
        if (size < 4)
            return 0;
        length = qFromBigEndian<quint16>(p + 2);
        pos = 4;
    } else if (length == 127) {
        if (size < 10)
            return 0;
        length = qFromBigEndian<quint64>(p + 2);
        pos = 10;
    }
    if (length > quint64(kMaxFramePayload))
        return failFrame(1009, QStringLiteral("frame of %1 bytes is too big").arg(length));
    const bool control = opcode & 0x8;
    if (control && (!fin || length > 125))
        return failFrame(1002, QStringLiteral("bad control frame"));
    const qsizetype maskPos = pos;
    if (masked)
        pos += 4;
    if (size < pos + qsizetype(length))
        return 0;

    QByteArray payload = m_inbox.mid(pos, qsizetype(length));
    if (masked) {
        for (qsizetype i = 0; i < payload.size(); ++i)
            payload[i] = char(payload[i] ^ p[maskPos + (i % 4)]);
    }
    const qsizetype used = pos + qsizetype(length);

    switch (opcode) {
    case Binary:
        if (m_inMessage)
            return failFrame(1002, QStringLiteral("new message inside a fragmented one"));
        m_inMessage = !fin;
        m_data += payload;
        return used;
    case Continuation:
        if (!m_inMessage)
            return failFrame(1002, QStringLiteral("continuation without a message"));
        m_inMessage = !fin;
        m_data += payload;
        return used;
    case Ping:
        m_replies += frame(Pong, payload);
        return used;
    case Pong:
        return used;
    case Close:
        m_peerClosed = true;
        if (!m_closeSent) {
            // Echo the status code (RFC 6455 5.5.1); an empty close gets an empty close.
            m_replies += payload.size() >= 2 ? frame(Close, payload.first(2)) : frame(Close, {});
            m_closeSent = true;
        }
        return used;
    case Text:
        // The carried stream is binary (wsconn.NetConn with MessageBinary refuses text too).
        return failFrame(1003, QStringLiteral("text message on a binary stream"));
    default:
        return failFrame(1002, QStringLiteral("unknown opcode %1").arg(opcode));
    }
}

} // namespace keel::http
