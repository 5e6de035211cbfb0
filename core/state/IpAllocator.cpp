#include "state/IpAllocator.h"

#include <QRandomGenerator>

#include <cstring>

namespace keel::state {

namespace {

// 128-bit helpers on Q_IPV6ADDR (big-endian bytes).
void addOffset(Q_IPV6ADDR& a, quint64 offset)
{
    quint64 carry = offset;
    for (int i = 15; i >= 0 && carry; --i) {
        const quint64 sum = quint64(a[i]) + (carry & 0xff);
        a[i] = quint8(sum & 0xff);
        carry = (carry >> 8) + (sum >> 8);
    }
}

bool inSubnet(const QHostAddress& a, const char* subnet)
{
    return a.isInSubnet(QHostAddress::parseSubnet(QString::fromLatin1(subnet)));
}

} // namespace

IpAllocator::IpAllocator(const QString& prefix, Strategy strategy)
    : m_prefixText(prefix.trimmed())
    , m_strategy(strategy)
{
    if (m_prefixText.isEmpty())
        return;
    m_enabled = true;
    const auto parsed = QHostAddress::parseSubnet(m_prefixText);
    if (parsed.first.isNull() || parsed.second < 0)
        return;
    m_network = parsed.first;
    m_bits = parsed.second;
    m_v6 = m_network.protocol() == QAbstractSocket::IPv6Protocol;
    const int hostBits = (m_v6 ? 128 : 32) - m_bits;
    if (hostBits < 2)
        return; // no room for a host between network and broadcast
    m_size = hostBits >= 63 ? (quint64(1) << 63) : (quint64(1) << hostBits);
    m_valid = true;
}

QHostAddress IpAllocator::addressAt(quint64 offset) const
{
    if (!m_v6)
        return QHostAddress(m_network.toIPv4Address() + quint32(offset));
    Q_IPV6ADDR a = m_network.toIPv6Address();
    addOffset(a, offset);
    return QHostAddress(a);
}

std::optional<quint64> IpAllocator::offsetOf(const QHostAddress& a) const
{
    if (!m_valid || !a.isInSubnet(m_network, m_bits))
        return std::nullopt;
    if (!m_v6)
        return quint64(a.toIPv4Address() - m_network.toIPv4Address());
    const Q_IPV6ADDR x = a.toIPv6Address();
    const Q_IPV6ADDR n = m_network.toIPv6Address();
    // Offsets fit in the low 64 bits by construction (m_size <= 2^63).
    quint64 lo = 0, nlo = 0;
    for (int i = 8; i < 16; ++i) {
        lo = (lo << 8) | x[i];
        nlo = (nlo << 8) | n[i];
    }
    return lo - nlo;
}

bool IpAllocator::isReserved(const QHostAddress& a)
{
    if (a.protocol() == QAbstractSocket::IPv4Protocol)
        return a == QHostAddress(QStringLiteral("100.100.100.100")) || inSubnet(a, "100.115.92.0/23");
    return a == QHostAddress(QStringLiteral("fd7a:115c:a1e0::53"))
        || a == QHostAddress(QStringLiteral("fd7a:115c:a1e0:ab12:4843:cd96:6200:0"))
        || inSubnet(a, "fd7a:115c:a1e0:b1a::/64");
}

void IpAllocator::markUsed(const QHostAddress& a)
{
    if (auto off = offsetOf(a))
        m_used.insert(*off);
}

void IpAllocator::release(const QHostAddress& a)
{
    if (auto off = offsetOf(a))
        m_used.remove(*off);
}

bool IpAllocator::isUsed(const QHostAddress& a) const
{
    const auto off = offsetOf(a);
    return off && m_used.contains(*off);
}

QHostAddress IpAllocator::cursor() const
{
    return m_valid ? addressAt(m_cursor) : QHostAddress();
}

void IpAllocator::setCursor(const QHostAddress& a)
{
    if (auto off = offsetOf(a))
        m_cursor = *off;
}

std::optional<QHostAddress> IpAllocator::allocate(QString* error)
{
    if (!m_valid) {
        if (error)
            *error = QStringLiteral("invalid IP prefix \"%1\"").arg(m_prefixText);
        return std::nullopt;
    }
    // Host offsets run from 1 to size-2: the network (0) and broadcast (size-1) addresses are
    // never handed out, for IPv6 too (Headscale marks both used).
    const quint64 hosts = m_size - 2;
    quint64 start = m_cursor; // sequential: the address after the cursor
    if (m_strategy == Strategy::Random)
        start = QRandomGenerator::system()->bounded(quint64(0), hosts);
    // Linear probing: hosts is huge for IPv6, but the number of used/reserved addresses bounds
    // the probes (reserved ranges are at most a /64 inside fd7a:115c:a1e0::/48, never reached
    // sequentially in practice); cap the walk so a pathological config cannot spin forever.
    const quint64 maxProbes = std::min<quint64>(hosts, quint64(m_used.size()) + (1u << 20));
    for (quint64 i = 0; i < maxProbes; ++i) {
        const quint64 off = ((start + i) % hosts) + 1;
        if (m_used.contains(off))
            continue;
        const QHostAddress a = addressAt(off);
        if (isReserved(a))
            continue;
        m_used.insert(off);
        m_cursor = off;
        return a;
    }
    if (error)
        *error = QStringLiteral("could not allocate an IP address: prefix %1 is exhausted").arg(m_prefixText);
    return std::nullopt;
}

} // namespace keel::state
