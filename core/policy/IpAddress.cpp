// IpAddress text forms, written here rather than borrowed from QHostAddress so that policy/
// needs only QtCore, and so the accepted grammar is exactly Go's net/netip (what Tailscale
// parses): dotted quads without shorthand or leading zeros, RFC 4291 IPv6 with one "::" and an
// optional trailing dotted quad, no zones. Output is RFC 5952 (as netip prints it).
#include "policy/IpSet.h"

#include <array>

namespace keel::policy {

namespace {

std::optional<quint32> parseV4(QStringView s)
{
    quint32 value = 0;
    int parts = 0;
    qsizetype i = 0;
    while (parts < 4) {
        if (i >= s.size() || !s[i].isDigit() || s[i].unicode() > '9')
            return std::nullopt;
        const qsizetype start = i;
        int part = 0;
        while (i < s.size() && s[i] >= QLatin1Char('0') && s[i] <= QLatin1Char('9')) {
            part = part * 10 + (s[i].unicode() - '0');
            if (part > 255 || i - start >= 3)
                return std::nullopt;
            ++i;
        }
        if (i - start > 1 && s[start] == QLatin1Char('0')) // leading zero: ambiguous octal
            return std::nullopt;
        value = (value << 8) | quint32(part);
        ++parts;
        if (parts < 4) {
            if (i >= s.size() || s[i] != QLatin1Char('.'))
                return std::nullopt;
            ++i;
        }
    }
    if (i != s.size())
        return std::nullopt;
    return value;
}

int hexDigit(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    if (u >= 'A' && u <= 'F')
        return u - 'A' + 10;
    return -1;
}

std::optional<std::array<quint16, 8>> parseV6(QStringView s)
{
    std::array<quint16, 8> groups{};
    int count = 0;
    int ellipsis = -1; // index in groups where "::" stands
    qsizetype i = 0;
    if (s.startsWith(u"::")) {
        ellipsis = 0;
        i = 2;
        if (i == s.size())
            return groups; // "::"
    }
    while (i < s.size()) {
        if (count == 8)
            return std::nullopt;
        // A trailing dotted quad fills the last two groups.
        const qsizetype nextColon = s.indexOf(QLatin1Char(':'), i);
        const QStringView token = s.mid(i, (nextColon < 0 ? s.size() : nextColon) - i);
        if (nextColon < 0 && token.contains(QLatin1Char('.'))) {
            if (count > 6)
                return std::nullopt;
            const auto v4 = parseV4(token);
            if (!v4)
                return std::nullopt;
            groups[count++] = quint16(*v4 >> 16);
            groups[count++] = quint16(*v4 & 0xffff);
            i = s.size();
            break;
        }
        if (token.isEmpty() || token.size() > 4)
            return std::nullopt;
        quint16 g = 0;
        for (QChar c : token) {
            const int d = hexDigit(c);
            if (d < 0)
                return std::nullopt;
            g = quint16((g << 4) | d);
        }
        groups[count++] = g;
        i += token.size();
        if (i == s.size())
            break;
        ++i; // the ':'
        if (i < s.size() && s[i] == QLatin1Char(':')) {
            if (ellipsis >= 0)
                return std::nullopt; // a second "::"
            ellipsis = count;
            ++i;
            if (i == s.size())
                break;
        } else if (i == s.size()) {
            return std::nullopt; // trailing single ':'
        }
    }
    if (ellipsis < 0) {
        if (count != 8)
            return std::nullopt;
        return groups;
    }
    if (count == 8)
        return std::nullopt; // "::" must stand for at least one group
    std::array<quint16, 8> out{};
    const int tail = count - ellipsis;
    for (int k = 0; k < ellipsis; ++k)
        out[k] = groups[k];
    for (int k = 0; k < tail; ++k)
        out[8 - tail + k] = groups[ellipsis + k];
    return out;
}

// Formatted into a buffer, one QString allocation: rule compilation prints every node address.
char* putDecimal(char* p, unsigned v)
{
    if (v >= 100)
        *p++ = char('0' + v / 100);
    if (v >= 10)
        *p++ = char('0' + v / 10 % 10);
    *p++ = char('0' + v % 10);
    return p;
}

char* putV4(char* p, quint32 v)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        p = putDecimal(p, (v >> shift) & 0xff);
        if (shift)
            *p++ = '.';
    }
    return p;
}

QString v4Text(quint32 v)
{
    char buf[16];
    return QString::fromLatin1(buf, putV4(buf, v) - buf);
}

char* putHex(char* p, quint16 v)
{
    static const char digits[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned d = (v >> shift) & 0xf;
        if (d || started || shift == 0) {
            *p++ = digits[d];
            started = true;
        }
    }
    return p;
}

} // namespace

std::optional<IpAddress> IpAddress::parse(const QString& text)
{
    if (text.isEmpty() || text.contains(QLatin1Char('%')))
        return std::nullopt;
    if (!text.contains(QLatin1Char(':'))) {
        const auto v4 = parseV4(text);
        if (!v4)
            return std::nullopt;
        return IpAddress{false, {0, *v4}};
    }
    const auto g = parseV6(text);
    if (!g)
        return std::nullopt;
    IpAddress a{true, {}};
    for (int k = 0; k < 4; ++k)
        a.value.hi = (a.value.hi << 16) | (*g)[k];
    for (int k = 4; k < 8; ++k)
        a.value.lo = (a.value.lo << 16) | (*g)[k];
    return a;
}

QString IpAddress::toString() const
{
    if (!v6)
        return v4Text(quint32(value.lo));
    if (value.hi == 0 && (value.lo >> 32) == 0xffff) // IPv4-mapped, as netip prints it
        return QStringLiteral("::ffff:") + v4Text(quint32(value.lo));
    std::array<quint16, 8> g{};
    for (int k = 0; k < 4; ++k)
        g[k] = quint16(value.hi >> (48 - 16 * k));
    for (int k = 0; k < 4; ++k)
        g[4 + k] = quint16(value.lo >> (48 - 16 * k));
    // RFC 5952: the longest run of two or more zero groups (the first on a tie) becomes "::".
    int bestStart = -1;
    int bestLen = 1;
    for (int k = 0; k < 8;) {
        if (g[k] != 0) {
            ++k;
            continue;
        }
        int end = k;
        while (end < 8 && g[end] == 0)
            ++end;
        if (end - k > bestLen) {
            bestStart = k;
            bestLen = end - k;
        }
        k = end;
    }
    char buf[48];
    char* p = buf;
    for (int k = 0; k < 8; ++k) {
        if (k == bestStart) {
            *p++ = ':';
            *p++ = ':';
            k += bestLen - 1;
            continue;
        }
        if (p != buf && p[-1] != ':')
            *p++ = ':';
        p = putHex(p, g[k]);
    }
    return QString::fromLatin1(buf, p - buf);
}

} // namespace keel::policy
