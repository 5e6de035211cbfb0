#include "policy/PortSpec.h"

#include <QStringList>

namespace keel::policy {

namespace {

std::optional<int> parseNumber(const QString& s)
{
    if (s.isEmpty() || s.size() > 5)
        return std::nullopt;
    for (QChar c : s)
        if (!c.isDigit())
            return std::nullopt;
    return s.toInt();
}

} // namespace

std::optional<QList<PortRange>> PortSpec::parsePorts(const QString& text, QString* error)
{
    if (text == QLatin1String("*"))
        return QList<PortRange>{PortRange{0, 65535}};
    QList<PortRange> out;
    for (const QString& item : text.split(QLatin1Char(','))) {
        const QStringList ends = item.split(QLatin1Char('-'));
        if (ends.size() > 2) {
            *error = QStringLiteral("invalid port range format");
            return std::nullopt;
        }
        const auto first = parseNumber(ends[0]);
        if (!first) {
            *error = QStringLiteral("invalid first integer");
            return std::nullopt;
        }
        if (*first > 65535) {
            *error = QStringLiteral("port number out of range");
            return std::nullopt;
        }
        if (ends.size() == 1) {
            if (*first == 0) {
                *error = QStringLiteral("first port must be >0, or use '*' for wildcard");
                return std::nullopt;
            }
            out.append({*first, *first});
            continue;
        }
        const auto last = parseNumber(ends[1]);
        if (!last) {
            *error = QStringLiteral("invalid last integer");
            return std::nullopt;
        }
        if (*last > 65535) {
            *error = QStringLiteral("port number out of range");
            return std::nullopt;
        }
        if (*first > *last) {
            *error = QStringLiteral("invalid port range: first port is greater than last port");
            return std::nullopt;
        }
        out.append({*first, *last});
    }
    return out;
}

std::optional<QList<int>> PortSpec::parseProtocol(const QString& text, QString* error)
{
    const QString s = text.trimmed().toLower();
    if (s.isEmpty())
        return QList<int>{};
    static const QList<QPair<QString, int>> names = {
        {QStringLiteral("icmp"), 1},  {QStringLiteral("igmp"), 2},       {QStringLiteral("ipv4"), 4},
        {QStringLiteral("ip-in-ip"), 4}, {QStringLiteral("tcp"), 6},     {QStringLiteral("egp"), 8},
        {QStringLiteral("igp"), 9},   {QStringLiteral("udp"), 17},       {QStringLiteral("gre"), 47},
        {QStringLiteral("esp"), 50},  {QStringLiteral("ah"), 51},        {QStringLiteral("ipv6-icmp"), 58},
        {QStringLiteral("sctp"), 132}, {QStringLiteral("fc"), 133},
    };
    for (const auto& [name, number] : names)
        if (s == name)
            return QList<int>{number};
    const auto n = parseNumber(s);
    if (n && *n >= 1 && *n <= 255 && !s.startsWith(QLatin1Char('0')))
        return QList<int>{*n};
    *error = QStringLiteral("unknown protocol \"%1\"").arg(text);
    return std::nullopt;
}

bool PortSpec::supportsPorts(const QList<int>& protocols)
{
    if (protocols.isEmpty())
        return true;
    for (int p : protocols)
        if (p != 6 && p != 17 && p != 132)
            return false;
    return true;
}

} // namespace keel::policy
