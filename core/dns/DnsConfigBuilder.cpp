#include "dns/DnsConfigBuilder.h"

#include <QHostAddress>
#include <QJsonArray>

namespace keel::dns {

namespace {

QJsonArray resolvers(const QStringList& servers)
{
    QJsonArray out;
    for (const QString& s : servers)
        out.append(QJsonObject{{QStringLiteral("Addr"), s}});
    return out;
}

QString trimDots(QString s)
{
    while (s.endsWith(QLatin1Char('.')))
        s.chop(1);
    while (s.startsWith(QLatin1Char('.')))
        s.remove(0, 1);
    return s;
}

} // namespace

DnsConfigBuilder::DnsConfigBuilder(const config::Config& config)
    : m_config(config)
{
}

QStringList DnsConfigBuilder::reverseZones(const QString& prefix)
{
    const auto parsed = QHostAddress::parseSubnet(prefix);
    if (parsed.first.isNull() || parsed.second < 0)
        return {};
    const int bits = parsed.second;
    QStringList zones;
    if (parsed.first.protocol() == QAbstractSocket::IPv4Protocol) {
        const quint32 addr = parsed.first.toIPv4Address();
        const int octets = (bits + 7) / 8; // octets the zone names
        if (octets == 0)
            return {QStringLiteral("in-addr.arpa")};
        const int freeBits = octets * 8 - bits; // bits of the last octet the prefix leaves open
        const int lastShift = 32 - octets * 8;
        const quint32 base = (addr >> lastShift) & 0xff;
        const quint32 count = 1u << freeBits;
        for (quint32 i = 0; i < count; ++i) {
            QStringList labels;
            labels << QString::number((base & ~(count - 1)) + i);
            for (int o = octets - 2; o >= 0; --o)
                labels << QString::number((addr >> (24 - 8 * o)) & 0xff);
            zones << labels.join(QLatin1Char('.')) + QStringLiteral(".in-addr.arpa");
        }
        return zones;
    }
    const Q_IPV6ADDR a = parsed.first.toIPv6Address();
    const int nibbles = (bits + 3) / 4;
    const int freeBits = nibbles * 4 - bits;
    auto nibbleAt = [&a](int i) { return (i % 2 == 0) ? (a[i / 2] >> 4) & 0xf : a[i / 2] & 0xf; };
    const int count = 1 << freeBits;
    for (int v = 0; v < count; ++v) {
        QStringList labels;
        for (int i = nibbles - 1; i >= 0; --i) {
            int n = nibbleAt(i);
            if (i == nibbles - 1)
                n = (n & ~(count - 1)) + v;
            labels << QString::number(n, 16);
        }
        zones << labels.join(QLatin1Char('.')) + QStringLiteral(".ip6.arpa");
    }
    return zones;
}

QJsonObject DnsConfigBuilder::build() const
{
    return build(m_config.dns.extraRecords);
}

QJsonObject DnsConfigBuilder::build(const QJsonArray& extraRecords) const
{
    const auto& dns = m_config.dns;
    QJsonObject out;
    const QJsonArray global = resolvers(dns.globalNameservers);
    if (!global.isEmpty()) {
        // Without override, the global servers only serve as a fallback (Headscale).
        out.insert(dns.overrideLocalDns ? QStringLiteral("Resolvers") : QStringLiteral("FallbackResolvers"), global);
    }
    QJsonObject routes;
    for (auto it = dns.splitNameservers.cbegin(); it != dns.splitNameservers.cend(); ++it) {
        const QJsonArray servers = resolvers(it.value());
        // Headscale sends an empty split entry as null, which the client drops; `[]` would instead
        // make quad-100 answer (NXDOMAIN) for the domain. Leaving it out is what the client sees.
        if (!servers.isEmpty())
            routes.insert(trimDots(it.key()), servers);
    }
    if (dns.magicDns) {
        // `[]` not null: the client drops null-valued routes (control.md 6.3).
        for (const QString& prefix : {m_config.prefixes.v4, m_config.prefixes.v6}) {
            if (prefix.isEmpty())
                continue;
            for (const QString& zone : reverseZones(prefix))
                routes.insert(zone, QJsonArray());
        }
    }
    if (!routes.isEmpty())
        out.insert(QStringLiteral("Routes"), routes);

    // Headscale: [base_domain] (whenever set, MagicDNS or not) followed by search_domains as given.
    QJsonArray domains;
    const QString base = trimDots(dns.baseDomain);
    if (!base.isEmpty())
        domains.append(base);
    for (const QString& d : dns.searchDomains) {
        const QString t = trimDots(d);
        if (!t.isEmpty())
            domains.append(t);
    }
    if (!domains.isEmpty())
        out.insert(QStringLiteral("Domains"), domains);
    if (dns.magicDns) // `json:",omitzero"`: false is not sent
        out.insert(QStringLiteral("Proxied"), true);

    QJsonArray extra;
    for (const QJsonValue& v : extraRecords) {
        const QJsonObject r = v.toObject();
        QJsonObject rec{{QStringLiteral("Name"), r.value(QStringLiteral("name")).toString()},
                        {QStringLiteral("Value"), r.value(QStringLiteral("value")).toString()}};
        const QString type = r.value(QStringLiteral("type")).toString();
        if (!type.isEmpty())
            rec.insert(QStringLiteral("Type"), type);
        extra.append(rec);
    }
    if (!extra.isEmpty())
        out.insert(QStringLiteral("ExtraRecords"), extra);
    return out;
}

} // namespace keel::dns
