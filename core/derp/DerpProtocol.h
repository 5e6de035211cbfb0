#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>

// Constants of DERP protocol version 2 (spec A.3/A.5). Everything on the wire is big-endian.
namespace keel::derp {

enum class FrameType : quint8 {
    ServerKey = 0x01,
    ClientInfo = 0x02,
    ServerInfo = 0x03,
    SendPacket = 0x04,
    RecvPacket = 0x05,
    KeepAlive = 0x06,
    NotePreferred = 0x07,
    PeerGone = 0x08,
    PeerPresent = 0x09,
    ForwardPacket = 0x0a,
    WatchConns = 0x10,
    ClosePeer = 0x11,
    Ping = 0x12,
    Pong = 0x13,
    Health = 0x14,
    Restarting = 0x15,
};

enum class PeerGoneReason : quint8 {
    Disconnected = 0x00,
    NotHere = 0x01,
};

// PeerPresent flags (one byte at the end of a 51-byte PeerPresent).
namespace peerflags {
constexpr quint8 IsRegular = 0x01;
constexpr quint8 IsMeshPeer = 0x02;
constexpr quint8 IsProber = 0x04;
constexpr quint8 NotIdeal = 0x08;
} // namespace peerflags

constexpr int ProtocolVersion = 2;
constexpr int FrameHeaderLength = 5;
constexpr int KeyLength = 32;
constexpr int NonceLength = 24;
constexpr int BoxOverhead = 16;                       // Poly1305 tag of crypto_box
constexpr quint32 MaxPacketSize = 64 * 1024;          // payload after the 32-byte key
constexpr quint32 MaxClientInfoLength = 256 * 1024;   // server-side limit on ClientInfo
constexpr quint32 MinClientInfoLength = KeyLength + NonceLength;
constexpr quint32 MaxClientFrameLength = 1024 * 1024; // a client drops frames larger than this
constexpr quint32 MaxServerKeyLength = 1024;          // the client reads at most 1 KiB of ServerKey
constexpr quint32 PingLength = 8;
constexpr quint32 MaxPingLength = 1000;

// "DERP" followed by the UTF-8 of U+1F511 (key emoji): the start of every ServerKey frame.
inline QByteArrayView magic()
{
    static const char bytes[] = {'D', 'E', 'R', 'P', char(0xf0), char(0x9f), char(0x94), char(0x91)};
    return QByteArrayView(bytes, sizeof(bytes));
}

// "TS" followed by the UTF-8 of U+1F4AC: disco messages start with it.
inline QByteArrayView discoMagic()
{
    static const char bytes[] = {'T', 'S', char(0xf0), char(0x9f), char(0x92), char(0xac)};
    return QByteArrayView(bytes, sizeof(bytes));
}

// A disco packet as derper classifies it: magic + 32-byte sender disco key + 24-byte nonce at least.
inline bool looksLikeDisco(QByteArrayView packet)
{
    return packet.size() >= discoMagic().size() + KeyLength + NonceLength && packet.startsWith(discoMagic());
}

inline void appendBE32(QByteArray& out, quint32 v)
{
    const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out.append(b, 4);
}

inline quint32 readBE32(const char* p)
{
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return (quint32(u[0]) << 24) | (quint32(u[1]) << 16) | (quint32(u[2]) << 8) | quint32(u[3]);
}

} // namespace keel::derp
