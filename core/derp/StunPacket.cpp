#include "derp/StunPacket.h"

#include <QtEndian>

#include <cstring>

namespace keel::derp {

namespace {

constexpr quint16 AttrMappedAddress = 0x0001;
constexpr quint16 AttrXorMappedAddress = 0x0020;
constexpr quint16 AttrXorMappedAddressAlt = 0x8020;
constexpr quint16 AttrSoftware = 0x8022;
constexpr quint16 AttrFingerprint = 0x8028;
constexpr quint32 FingerprintXor = 0x5354554E;
constexpr int HeaderLength = 20;

quint16 be16(const char* p) { return qFromBigEndian<quint16>(p); }
quint32 be32(const char* p) { return qFromBigEndian<quint32>(p); }

void put16(QByteArray& out, quint16 v)
{
    out.append(char(v >> 8));
    out.append(char(v));
}

void put32(QByteArray& out, quint32 v)
{
    put16(out, quint16(v >> 16));
    put16(out, quint16(v));
}

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// Header checks shared by requests and responses: framing length must equal the datagram.
bool checkHeader(QByteArrayView d, quint16 expectedType, QString* error)
{
    if (d.size() < HeaderLength)
        return fail(error, QStringLiteral("shorter than a STUN header"));
    if ((quint8(d[0]) & 0xc0) != 0)
        return fail(error, QStringLiteral("top bits of the message type are set"));
    if (be32(d.data() + 4) != StunPacket::MagicCookie)
        return fail(error, QStringLiteral("wrong magic cookie"));
    if (be16(d.data()) != expectedType)
        return fail(error, QStringLiteral("message type 0x%1 is not 0x%2").arg(be16(d.data()), 4, 16, QLatin1Char('0')).arg(expectedType, 4, 16, QLatin1Char('0')));
    const quint16 length = be16(d.data() + 2);
    if (length % 4 != 0 || qsizetype(length) != d.size() - HeaderLength)
        return fail(error, QStringLiteral("attribute length %1 does not match the datagram").arg(length));
    return true;
}

} // namespace

quint32 StunPacket::fingerprint(QByteArrayView bytes)
{
    // CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320); a table is not worth it for 32 bytes.
    quint32 crc = 0xffffffffu;
    for (const char c : bytes) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc ^ FingerprintXor;
}

bool StunPacket::looksLikeStun(QByteArrayView d)
{
    return d.size() >= HeaderLength && (quint8(d[0]) & 0xc0) == 0 && be32(d.data() + 4) == MagicCookie;
}

std::optional<StunPacket::TransactionId> StunPacket::parseBindingRequest(QByteArrayView d, QString* error)
{
    if (!checkHeader(d, BindingRequest, error))
        return std::nullopt;
    qsizetype offset = HeaderLength;
    while (offset < d.size()) {
        if (d.size() - offset < 4) {
            fail(error, QStringLiteral("truncated attribute header"));
            return std::nullopt;
        }
        const quint16 type = be16(d.data() + offset);
        const quint16 length = be16(d.data() + offset + 2);
        const qsizetype padded = (qsizetype(length) + 3) & ~qsizetype(3);
        if (d.size() - offset - 4 < padded) {
            fail(error, QStringLiteral("attribute 0x%1 overruns the message").arg(type, 4, 16, QLatin1Char('0')));
            return std::nullopt;
        }
        if (type == AttrFingerprint) {
            if (length != 4 || offset + 8 != d.size()) {
                fail(error, QStringLiteral("FINGERPRINT must be the last attribute, 4 bytes long"));
                return std::nullopt;
            }
            if (be32(d.data() + offset + 4) != fingerprint(d.first(offset))) {
                fail(error, QStringLiteral("FINGERPRINT does not match"));
                return std::nullopt;
            }
        }
        offset += 4 + padded;
    }
    TransactionId id;
    std::memcpy(id.data(), d.data() + 8, id.size());
    return id;
}

QByteArray StunPacket::bindingRequest(const TransactionId& id)
{
    QByteArray out;
    out.reserve(40);
    put16(out, BindingRequest);
    put16(out, 20);
    put32(out, MagicCookie);
    out.append(reinterpret_cast<const char*>(id.data()), qsizetype(id.size()));
    put16(out, AttrSoftware);
    put16(out, 8);
    out.append("tailnode", 8);
    // The CRC covers everything before the FINGERPRINT attribute (with the final length field).
    const quint32 crc = fingerprint(out);
    put16(out, AttrFingerprint);
    put16(out, 4);
    put32(out, crc);
    return out;
}

QByteArray StunPacket::bindingResponse(const TransactionId& id, const QHostAddress& address, quint16 port)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    QByteArray out;
    out.reserve(HeaderLength + 24);
    put16(out, BindingSuccess);
    put16(out, isV4 ? 12 : 24);
    put32(out, MagicCookie);
    out.append(reinterpret_cast<const char*>(id.data()), qsizetype(id.size()));
    put16(out, AttrXorMappedAddress);
    put16(out, isV4 ? 8 : 20);
    out.append(char(0));
    out.append(char(isV4 ? 0x01 : 0x02));
    put16(out, port ^ quint16(MagicCookie >> 16));
    if (isV4) {
        put32(out, v4 ^ MagicCookie);
    } else {
        const Q_IPV6ADDR v6 = address.toIPv6Address();
        // XOR with the magic cookie followed by the transaction id (bytes 4..19 of the header).
        for (int i = 0; i < 16; ++i)
            out.append(char(v6.c[i] ^ quint8(out[4 + i])));
    }
    return out;
}

std::optional<StunPacket::Mapped> StunPacket::parseBindingResponse(QByteArrayView d, QString* error)
{
    if (!checkHeader(d, BindingSuccess, error))
        return std::nullopt;
    Mapped result;
    std::memcpy(result.id.data(), d.data() + 8, result.id.size());
    std::optional<Mapped> plain;
    qsizetype offset = HeaderLength;
    while (offset + 4 <= d.size()) {
        const quint16 type = be16(d.data() + offset);
        const quint16 length = be16(d.data() + offset + 2);
        const qsizetype padded = (qsizetype(length) + 3) & ~qsizetype(3);
        if (d.size() - offset - 4 < padded)
            break;
        const char* v = d.data() + offset + 4;
        const bool isXor = type == AttrXorMappedAddress || type == AttrXorMappedAddressAlt;
        if ((isXor || type == AttrMappedAddress) && length >= 8) {
            const quint8 family = quint8(v[1]);
            Mapped m = result;
            m.port = be16(v + 2) ^ (isXor ? quint16(MagicCookie >> 16) : 0);
            if (family == 0x01 && length == 8) {
                m.address = QHostAddress(be32(v + 4) ^ (isXor ? MagicCookie : 0));
            } else if (family == 0x02 && length == 20) {
                Q_IPV6ADDR v6;
                for (int i = 0; i < 16; ++i)
                    v6.c[i] = quint8(v[4 + i]) ^ (isXor ? quint8(d[4 + i]) : 0);
                m.address = QHostAddress(v6);
            } else {
                offset += 4 + padded;
                continue;
            }
            if (isXor)
                return m;
            plain = m;
        }
        offset += 4 + padded;
    }
    if (plain)
        return plain;
    fail(error, QStringLiteral("no mapped address"));
    return std::nullopt;
}

} // namespace keel::derp
