#pragma once

#include <QHostAddress>
#include <QSet>
#include <QString>

#include <optional>

namespace keel::state {

// Hands out node addresses from the configured prefixes (control.md 8). One allocator per family.
//
// Never hands out: the prefix's network and broadcast (last) address, 100.100.100.100,
// 100.115.92.0/23, fd7a:115c:a1e0::53, fd7a:115c:a1e0:b1a::/64 (4via6) and the Windows 4to6
// placeholder; nor an address in use. "sequential" continues after the last address handed out
// (the cursor is kept by the caller across restarts, so a freed address is not handed out again
// until the prefix wraps); "random" starts at a random offset. Both probe linearly with wrap-around
// and fail with a clear error only when the prefix has no free address.
class IpAllocator
{
public:
    enum class Strategy { Sequential, Random };

    // `prefix` is CIDR text ("100.64.0.0/10"); an empty prefix makes a disabled allocator.
    IpAllocator(const QString& prefix, Strategy strategy);

    bool enabled() const { return m_enabled; }
    bool valid() const { return m_valid; }
    QString prefix() const { return m_prefixText; }

    void markUsed(const QHostAddress& a);
    void release(const QHostAddress& a);
    bool isUsed(const QHostAddress& a) const;

    // The cursor of the sequential strategy (the last address handed out), for persistence.
    QHostAddress cursor() const;
    void setCursor(const QHostAddress& a);

    // The next free address, marked used; std::nullopt with *error when the prefix is exhausted.
    std::optional<QHostAddress> allocate(QString* error);

    static bool isReserved(const QHostAddress& a);

private:
    // Addresses are handled as offsets from the network address (prefixes up to 2^63 hosts).
    QHostAddress addressAt(quint64 offset) const;
    std::optional<quint64> offsetOf(const QHostAddress& a) const;

    bool m_enabled = false;
    bool m_valid = false;
    QString m_prefixText;
    QHostAddress m_network;
    int m_bits = 0;
    bool m_v6 = false;
    quint64 m_size = 0; // number of addresses (capped at 2^63 for huge IPv6 prefixes)
    Strategy m_strategy;
    QSet<quint64> m_used;
    quint64 m_cursor = 0; // offset of the last address handed out
};

} // namespace keel::state
