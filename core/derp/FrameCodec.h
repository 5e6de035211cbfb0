#pragma once

#include "crypto/Keys.h"
#include "derp/DerpProtocol.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <optional>

namespace keel::derp {

// Builds DERP frames (header + payload) and decodes the fixed-layout payloads. Decoders return
// nothing for a payload of the wrong shape; the caller closes the connection.
class FrameCodec
{
public:
    // Appends one frame to `out` (so a sender can batch several frames into one write).
    static void append(QByteArray& out, FrameType type, QByteArrayView payload);
    static QByteArray frame(FrameType type, QByteArrayView payload = {});
    // Header + key + packet without building the payload first (the hot path).
    static void appendKeyed(QByteArray& out, FrameType type, const crypto::Key32& key, QByteArrayView packet);

    static QByteArray serverKey(const crypto::NodePublic& serverKey);
    static QByteArray peerGone(const crypto::NodePublic& peer, PeerGoneReason reason);
    static QByteArray peerPresent(const crypto::NodePublic& peer, const QHostAddress& address, quint16 port, quint8 flags);
    static QByteArray forwardPacket(const crypto::NodePublic& src, const crypto::NodePublic& dst, QByteArrayView packet);
    static QByteArray restarting(quint32 reconnectInMs, quint32 tryForMs);

    // ServerKey payload: magic + key (+ ignored extra bytes).
    static std::optional<crypto::NodePublic> parseServerKey(QByteArrayView payload);

    struct KeyedPacket
    {
        crypto::NodePublic key;
        QByteArray packet;
    };
    // SendPacket (dst + packet) and RecvPacket (src + packet): 32-byte key, packet <= 64 KiB.
    static std::optional<KeyedPacket> parseKeyedPacket(QByteArrayView payload);

    struct Forward
    {
        crypto::NodePublic src, dst;
        QByteArray packet;
    };
    static std::optional<Forward> parseForwardPacket(QByteArrayView payload);

    struct Gone
    {
        crypto::NodePublic peer;
        PeerGoneReason reason = PeerGoneReason::Disconnected;
    };
    // 32 bytes (old servers: reason Disconnected) or 33 bytes.
    static std::optional<Gone> parsePeerGone(QByteArrayView payload);

    struct Present
    {
        crypto::NodePublic peer;
        QHostAddress address;
        quint16 port = 0;
        quint8 flags = 0;   // 0 = an old server that sent no flags
    };
    // 32, 50 or 51 bytes (and anything longer is accepted, extra ignored).
    static std::optional<Present> parsePeerPresent(QByteArrayView payload);

    struct Restart
    {
        quint32 reconnectInMs = 0, tryForMs = 0;
    };
    static std::optional<Restart> parseRestarting(QByteArrayView payload);
};

} // namespace keel::derp
