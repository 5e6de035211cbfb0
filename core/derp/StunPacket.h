#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <array>
#include <optional>

namespace keel::derp {

// The slice of RFC 5389 Tailscale uses (spec B): Binding Request in, Binding Success Response with
// XOR-MAPPED-ADDRESS out. Strict on the header (type, length, magic cookie) and on attribute
// framing; lenient on optional attributes: SOFTWARE may be anything or absent, FINGERPRINT may be
// absent, but one that is present must be last and match.
class StunPacket
{
public:
    using TransactionId = std::array<unsigned char, 12>;

    static constexpr quint32 MagicCookie = 0x2112A442;
    static constexpr quint16 BindingRequest = 0x0001;
    static constexpr quint16 BindingSuccess = 0x0101;

    // The quick "is this STUN at all" test (length >= 20, top two bits zero, magic cookie).
    static bool looksLikeStun(QByteArrayView datagram);

    // Nothing (with `error` set) unless `datagram` is a well-formed Binding Request.
    static std::optional<TransactionId> parseBindingRequest(QByteArrayView datagram, QString* error = nullptr);

    // The 40-byte request tailscaled sends (SOFTWARE "tailnode" + FINGERPRINT).
    static QByteArray bindingRequest(const TransactionId& id);

    // Binding Success Response: XOR-MAPPED-ADDRESS of `address`:`port` (IPv4-mapped addresses are
    // answered as IPv4, family 0x01).
    static QByteArray bindingResponse(const TransactionId& id, const QHostAddress& address, quint16 port);

    struct Mapped
    {
        TransactionId id{};
        QHostAddress address;
        quint16 port = 0;
    };
    // Client side (tests): XOR-MAPPED-ADDRESS (0x0020 or 0x8020), else MAPPED-ADDRESS (0x0001).
    static std::optional<Mapped> parseBindingResponse(QByteArrayView datagram, QString* error = nullptr);

    static quint32 fingerprint(QByteArrayView bytes);
};

} // namespace keel::derp
