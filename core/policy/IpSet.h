#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace keel::policy {

// A 128-bit address value. IPv4 addresses use the low 32 bits; the family is kept beside it.
struct U128 {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    friend bool operator==(const U128&, const U128&) = default;
    friend auto operator<=>(const U128& a, const U128& b)
    {
        if (a.hi != b.hi)
            return a.hi <=> b.hi;
        return a.lo <=> b.lo;
    }
    U128 plusOne() const { return lo == UINT64_MAX ? U128{hi + 1, 0} : U128{hi, lo + 1}; }
    U128 minusOne() const { return lo == 0 ? U128{hi - 1, UINT64_MAX} : U128{hi, lo - 1}; }
};

struct IpAddress {
    bool v6 = false;
    U128 value;
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    static std::optional<IpAddress> parse(const QString& text);
    QString toString() const;
};

struct IpPrefix {
    IpAddress addr; // network address (host bits cleared)
    int bits = 0;
    friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
    // Accepts "a.b.c.d/n", "x::/n"; host bits set are an error unless allowHostBits (then cleared).
    static std::optional<IpPrefix> parse(const QString& text, bool allowHostBits = true);
    static IpPrefix host(const IpAddress& a) { return {a, a.v6 ? 128 : 32}; }
    IpAddress last() const;
    bool isSingleHost() const { return bits == (addr.v6 ? 128 : 32); }
    QString toString() const;
};

struct IpRange {
    U128 first;
    U128 last;
    friend bool operator==(const IpRange&, const IpRange&) = default;
};

// A set of addresses: sorted, merged inclusive ranges per family. The value type every alias
// resolves to and every rule is tested against.
class IpSet {
public:
    void add(const IpAddress& a);
    void add(const IpPrefix& p);
    void addRange(bool v6, U128 first, U128 last);
    void add(const IpSet& other);
    void subtract(const IpPrefix& p);
    void subtract(const IpSet& other);

    bool isEmpty() const { return m_v4.empty() && m_v6.empty(); }
    bool contains(const IpAddress& a) const;
    bool overlaps(const IpPrefix& p) const;
    bool overlaps(const IpSet& other) const;
    bool containsAll(const IpPrefix& p) const;
    bool containsAll(const IpSet& other) const;
    IpSet intersected(const IpSet& other) const;

    const std::vector<IpRange>& v4() const { return m_v4; }
    const std::vector<IpRange>& v6() const { return m_v6; }

    // Each range as one string: a single address, a CIDR when the range is exactly one aligned
    // block, otherwise "first-last" (the forms tailcfg.FilterRule.SrcIPs accepts). IPv4 first.
    QStringList toStrings() const;
    // Every address on its own (node addresses: Tailscale lists them one by one even when they
    // are adjacent). Only for sets of node addresses, which are small.
    QStringList toAddressStrings() const;
    // The minimal list of CIDR prefixes covering the set.
    std::vector<IpPrefix> toPrefixes() const;

    friend bool operator==(const IpSet&, const IpSet&) = default;

private:
    static void insert(std::vector<IpRange>& list, IpRange r);
    static void remove(std::vector<IpRange>& list, IpRange r);
    std::vector<IpRange> m_v4;
    std::vector<IpRange> m_v6;
};

// Well-known sets.
IpSet tailscaleCgnatSet();     // 100.64.0.0/10 minus the ChromeOS 100.115.92.0/23
IpSet tailscaleUlaSet();       // fd7a:115c:a1e0::/48
IpSet theInternetSet();        // autogroup:internet
bool isExitRoute(const IpPrefix& p); // 0.0.0.0/0 or ::/0

} // namespace keel::policy
