#include "derp/FrameCodec.h"

#include <cstring>

namespace keel::derp {

using crypto::NodePublic;

namespace {

NodePublic keyAt(QByteArrayView payload, qsizetype offset)
{
    return *NodePublic::fromBytes(payload.sliced(offset, KeyLength));
}

void appendKey(QByteArray& out, const NodePublic& key)
{
    out.append(reinterpret_cast<const char*>(key.raw().data()), KeyLength);
}

} // namespace

void FrameCodec::append(QByteArray& out, FrameType type, QByteArrayView payload)
{
    out.append(char(type));
    appendBE32(out, quint32(payload.size()));
    out.append(payload.data(), payload.size());
}

QByteArray FrameCodec::frame(FrameType type, QByteArrayView payload)
{
    QByteArray out;
    out.reserve(FrameHeaderLength + payload.size());
    append(out, type, payload);
    return out;
}

void FrameCodec::appendKeyed(QByteArray& out, FrameType type, const crypto::Key32& key, QByteArrayView packet)
{
    const qsizetype start = out.size();
    out.resize(start + FrameHeaderLength + KeyLength + packet.size());
    char* p = out.data() + start;
    const quint32 length = quint32(KeyLength + packet.size());
    p[0] = char(type);
    p[1] = char(length >> 24);
    p[2] = char(length >> 16);
    p[3] = char(length >> 8);
    p[4] = char(length);
    std::memcpy(p + FrameHeaderLength, key.data(), KeyLength);
    if (!packet.isEmpty())
        std::memcpy(p + FrameHeaderLength + KeyLength, packet.data(), size_t(packet.size()));
}

QByteArray FrameCodec::serverKey(const NodePublic& serverKey)
{
    QByteArray payload = magic().toByteArray();
    appendKey(payload, serverKey);
    return frame(FrameType::ServerKey, payload);
}

QByteArray FrameCodec::peerGone(const NodePublic& peer, PeerGoneReason reason)
{
    QByteArray payload = peer.toByteArray();
    payload.append(char(reason));
    return frame(FrameType::PeerGone, payload);
}

QByteArray FrameCodec::peerPresent(const NodePublic& peer, const QHostAddress& address, quint16 port, quint8 flags)
{
    QByteArray payload = peer.toByteArray();
    // The address is always 16 bytes; IPv4 travels as an IPv4-mapped IPv6 address.
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    Q_IPV6ADDR v6 = address.toIPv6Address();
    if (isV4) {
        std::memset(v6.c, 0, 10);
        v6.c[10] = v6.c[11] = 0xff;
        v6.c[12] = quint8(v4 >> 24);
        v6.c[13] = quint8(v4 >> 16);
        v6.c[14] = quint8(v4 >> 8);
        v6.c[15] = quint8(v4);
    }
    payload.append(reinterpret_cast<const char*>(v6.c), 16);
    payload.append(char(port >> 8));
    payload.append(char(port));
    payload.append(char(flags));
    return frame(FrameType::PeerPresent, payload);
}

QByteArray FrameCodec::forwardPacket(const NodePublic& src, const NodePublic& dst, QByteArrayView packet)
{
    QByteArray out;
    out.reserve(FrameHeaderLength + 2 * KeyLength + packet.size());
    out.append(char(FrameType::ForwardPacket));
    appendBE32(out, quint32(2 * KeyLength + packet.size()));
    appendKey(out, src);
    appendKey(out, dst);
    out.append(packet.data(), packet.size());
    return out;
}

QByteArray FrameCodec::restarting(quint32 reconnectInMs, quint32 tryForMs)
{
    QByteArray payload;
    appendBE32(payload, reconnectInMs);
    appendBE32(payload, tryForMs);
    return frame(FrameType::Restarting, payload);
}

std::optional<NodePublic> FrameCodec::parseServerKey(QByteArrayView payload)
{
    if (payload.size() < magic().size() + KeyLength || payload.size() > qsizetype(MaxServerKeyLength))
        return std::nullopt;
    if (!payload.startsWith(magic()))
        return std::nullopt;
    return keyAt(payload, magic().size());
}

std::optional<FrameCodec::KeyedPacket> FrameCodec::parseKeyedPacket(QByteArrayView payload)
{
    if (payload.size() < KeyLength || payload.size() - KeyLength > qsizetype(MaxPacketSize))
        return std::nullopt;
    return KeyedPacket{keyAt(payload, 0), payload.sliced(KeyLength).toByteArray()};
}

std::optional<FrameCodec::Forward> FrameCodec::parseForwardPacket(QByteArrayView payload)
{
    if (payload.size() < 2 * KeyLength || payload.size() - 2 * KeyLength > qsizetype(MaxPacketSize))
        return std::nullopt;
    return Forward{keyAt(payload, 0), keyAt(payload, KeyLength), payload.sliced(2 * KeyLength).toByteArray()};
}

std::optional<FrameCodec::Gone> FrameCodec::parsePeerGone(QByteArrayView payload)
{
    if (payload.size() != KeyLength && payload.size() != KeyLength + 1)
        return std::nullopt;
    Gone gone{keyAt(payload, 0), PeerGoneReason::Disconnected};
    if (payload.size() == KeyLength + 1)
        gone.reason = PeerGoneReason(quint8(payload[KeyLength]));
    return gone;
}

std::optional<FrameCodec::Present> FrameCodec::parsePeerPresent(QByteArrayView payload)
{
    if (payload.size() < KeyLength)
        return std::nullopt;
    Present present;
    present.peer = keyAt(payload, 0);
    if (payload.size() >= KeyLength + 18) {
        Q_IPV6ADDR v6;
        std::memcpy(v6.c, payload.data() + KeyLength, 16);
        QHostAddress address(v6);
        bool isV4 = false;
        const quint32 v4 = address.toIPv4Address(&isV4);
        present.address = isV4 ? QHostAddress(v4) : address;
        const auto* u = reinterpret_cast<const unsigned char*>(payload.data() + KeyLength + 16);
        present.port = quint16((u[0] << 8) | u[1]);
    }
    if (payload.size() >= KeyLength + 19)
        present.flags = quint8(payload[KeyLength + 18]);
    return present;
}

std::optional<FrameCodec::Restart> FrameCodec::parseRestarting(QByteArrayView payload)
{
    if (payload.size() < 8)
        return std::nullopt;
    return Restart{readBE32(payload.data()), readBE32(payload.data() + 4)};
}

} // namespace keel::derp
