#include "policy/IpSet.h"

#include <algorithm>

namespace keel::policy {

namespace {

U128 maskFor(bool v6, int bits)
{
    // Host mask: the low (width - bits) bits set.
    const int width = v6 ? 128 : 32;
    const int hostBits = width - bits;
    U128 m;
    if (hostBits >= 128) {
        m = {UINT64_MAX, UINT64_MAX};
    } else if (hostBits >= 64) {
        m = {(hostBits == 64) ? 0 : (UINT64_MAX >> (128 - hostBits)), UINT64_MAX};
    } else if (hostBits > 0) {
        m = {0, UINT64_MAX >> (64 - hostBits)};
    }
    return m;
}

U128 maxFor(bool v6) { return v6 ? U128{UINT64_MAX, UINT64_MAX} : U128{0, 0xffffffffULL}; }

} // namespace

std::optional<IpPrefix> IpPrefix::parse(const QString& text, bool allowHostBits)
{
    const int slash = text.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return std::nullopt;
    const auto addr = IpAddress::parse(text.left(slash));
    if (!addr)
        return std::nullopt;
    const QString bitsText = text.mid(slash + 1);
    if (bitsText.isEmpty() || bitsText.size() > 3 || (bitsText.size() > 1 && bitsText.startsWith(QLatin1Char('0'))))
        return std::nullopt;
    bool ok = false;
    const int bits = bitsText.toInt(&ok);
    if (!ok || bits < 0 || bits > (addr->v6 ? 128 : 32))
        return std::nullopt;
    const U128 host = maskFor(addr->v6, bits);
    IpPrefix p{*addr, bits};
    const U128 cleared{addr->value.hi & ~host.hi, addr->value.lo & ~host.lo};
    if (!addr->v6)
        p.addr.value = {0, cleared.lo & 0xffffffffULL};
    else
        p.addr.value = cleared;
    if (!allowHostBits && !(p.addr.value == addr->value))
        return std::nullopt;
    return p;
}

IpAddress IpPrefix::last() const
{
    const U128 host = maskFor(addr.v6, bits);
    IpAddress a = addr;
    a.value = {addr.value.hi | host.hi, addr.value.lo | host.lo};
    if (!addr.v6)
        a.value.hi = 0, a.value.lo &= 0xffffffffULL;
    return a;
}

QString IpPrefix::toString() const { return addr.toString() + QLatin1Char('/') + QString::number(bits); }

void IpSet::insert(std::vector<IpRange>& list, IpRange r)
{
    auto it = std::lower_bound(list.begin(), list.end(), r, [](const IpRange& a, const IpRange& b) { return a.first < b.first; });
    it = list.insert(it, r);
    // Merge with the previous range when they touch or overlap.
    if (it != list.begin()) {
        auto prev = it - 1;
        const bool touches = prev->last >= it->first || prev->last.plusOne() == it->first;
        if (touches) {
            prev->last = std::max(prev->last, it->last);
            it = list.erase(it) - 1;
        }
    }
    // Absorb following ranges.
    auto next = it + 1;
    while (next != list.end() && (next->first <= it->last || it->last.plusOne() == next->first)) {
        it->last = std::max(it->last, next->last);
        next = list.erase(next);
    }
}

void IpSet::remove(std::vector<IpRange>& list, IpRange r)
{
    std::vector<IpRange> out;
    out.reserve(list.size() + 1);
    for (const IpRange& x : list) {
        if (x.last < r.first || x.first > r.last) {
            out.push_back(x);
            continue;
        }
        if (x.first < r.first)
            out.push_back({x.first, r.first.minusOne()});
        if (x.last > r.last)
            out.push_back({r.last.plusOne(), x.last});
    }
    list.swap(out);
}

void IpSet::add(const IpAddress& a) { addRange(a.v6, a.value, a.value); }
void IpSet::add(const IpPrefix& p) { addRange(p.addr.v6, p.addr.value, p.last().value); }
void IpSet::addRange(bool v6, U128 first, U128 last) { insert(v6 ? m_v6 : m_v4, {first, last}); }

void IpSet::add(const IpSet& other)
{
    for (const IpRange& r : other.m_v4)
        insert(m_v4, r);
    for (const IpRange& r : other.m_v6)
        insert(m_v6, r);
}

void IpSet::subtract(const IpPrefix& p) { remove(p.addr.v6 ? m_v6 : m_v4, {p.addr.value, p.last().value}); }

void IpSet::subtract(const IpSet& other)
{
    for (const IpRange& r : other.m_v4)
        remove(m_v4, r);
    for (const IpRange& r : other.m_v6)
        remove(m_v6, r);
}

bool IpSet::contains(const IpAddress& a) const
{
    const auto& list = a.v6 ? m_v6 : m_v4;
    auto it = std::upper_bound(list.begin(), list.end(), a.value, [](const U128& v, const IpRange& r) { return v < r.first; });
    if (it == list.begin())
        return false;
    --it;
    return it->last >= a.value;
}

bool IpSet::overlaps(const IpPrefix& p) const
{
    const U128 first = p.addr.value;
    const U128 last = p.last().value;
    for (const IpRange& r : p.addr.v6 ? m_v6 : m_v4)
        if (!(r.last < first || r.first > last))
            return true;
    return false;
}

bool IpSet::overlaps(const IpSet& other) const
{
    auto any = [](const std::vector<IpRange>& a, const std::vector<IpRange>& b) {
        size_t i = 0, j = 0;
        while (i < a.size() && j < b.size()) {
            if (a[i].last < b[j].first)
                ++i;
            else if (b[j].last < a[i].first)
                ++j;
            else
                return true;
        }
        return false;
    };
    return any(m_v4, other.m_v4) || any(m_v6, other.m_v6);
}

bool IpSet::containsAll(const IpPrefix& p) const
{
    IpSet s;
    s.add(p);
    return containsAll(s);
}

bool IpSet::containsAll(const IpSet& other) const
{
    IpSet rest = other;
    rest.subtract(*this);
    return rest.isEmpty();
}

IpSet IpSet::intersected(const IpSet& other) const
{
    IpSet out;
    auto meet = [](const std::vector<IpRange>& a, const std::vector<IpRange>& b, std::vector<IpRange>& o) {
        size_t i = 0, j = 0;
        while (i < a.size() && j < b.size()) {
            const U128 lo = std::max(a[i].first, b[j].first);
            const U128 hi = std::min(a[i].last, b[j].last);
            if (lo <= hi)
                o.push_back({lo, hi});
            if (a[i].last < b[j].last)
                ++i;
            else
                ++j;
        }
    };
    meet(m_v4, other.m_v4, out.m_v4);
    meet(m_v6, other.m_v6, out.m_v6);
    return out;
}

namespace {

// Largest aligned block starting at `first` that does not pass `last`.
int blockBits(bool v6, U128 first, U128 last)
{
    const int width = v6 ? 128 : 32;
    for (int bits = 0; bits <= width; ++bits) {
        const U128 host = maskFor(v6, bits);
        if ((first.hi & host.hi) != 0 || (first.lo & host.lo) != 0)
            continue;
        const U128 end{first.hi | host.hi, first.lo | host.lo};
        U128 endClamped = end;
        if (!v6)
            endClamped.hi = 0;
        if (endClamped <= last)
            return bits;
    }
    return width;
}

void toPrefixList(bool v6, const std::vector<IpRange>& list, std::vector<IpPrefix>& out)
{
    for (const IpRange& r : list) {
        U128 cur = r.first;
        while (true) {
            const int bits = blockBits(v6, cur, r.last);
            IpPrefix p{{v6, cur}, bits};
            out.push_back(p);
            const U128 end = p.last().value;
            if (end >= r.last || end == maxFor(v6))
                break;
            cur = end.plusOne();
        }
    }
}

} // namespace

std::vector<IpPrefix> IpSet::toPrefixes() const
{
    std::vector<IpPrefix> out;
    toPrefixList(false, m_v4, out);
    toPrefixList(true, m_v6, out);
    return out;
}

QStringList IpSet::toAddressStrings() const
{
    QStringList out;
    auto each = [&out](bool v6, const std::vector<IpRange>& list) {
        for (const IpRange& r : list)
            for (U128 a = r.first;; a = a.plusOne()) {
                out << IpAddress{v6, a}.toString();
                if (a == r.last)
                    break;
            }
    };
    each(false, m_v4);
    each(true, m_v6);
    return out;
}

QStringList IpSet::toStrings() const
{
    QStringList out;
    auto emitRanges = [&out](bool v6, const std::vector<IpRange>& list) {
        for (const IpRange& r : list) {
            const IpAddress a{v6, r.first};
            if (r.first == r.last) {
                out << a.toString();
                continue;
            }
            const int bits = blockBits(v6, r.first, r.last);
            const IpPrefix p{a, bits};
            if (p.last().value == r.last)
                out << p.toString();
            else
                out << a.toString() + QLatin1Char('-') + IpAddress{v6, r.last}.toString();
        }
    };
    emitRanges(false, m_v4);
    emitRanges(true, m_v6);
    return out;
}

IpSet tailscaleCgnatSet()
{
    IpSet s;
    s.add(*IpPrefix::parse(QStringLiteral("100.64.0.0/10")));
    s.subtract(*IpPrefix::parse(QStringLiteral("100.115.92.0/23")));
    return s;
}

IpSet tailscaleUlaSet()
{
    IpSet s;
    s.add(*IpPrefix::parse(QStringLiteral("fd7a:115c:a1e0::/48")));
    return s;
}

IpSet theInternetSet()
{
    static const IpSet set = [] {
        IpSet s;
        s.add(*IpPrefix::parse(QStringLiteral("2000::/3")));
        s.add(*IpPrefix::parse(QStringLiteral("0.0.0.0/0")));
        for (const char* p : {"fc00::/7", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd7a:115c:a1e0::/48",
                              "100.64.0.0/10", "fe80::/10", "169.254.0.0/16"})
            s.subtract(*IpPrefix::parse(QString::fromLatin1(p)));
        return s;
    }();
    return set;
}

bool isExitRoute(const IpPrefix& p) { return p.bits == 0; }

} // namespace keel::policy
