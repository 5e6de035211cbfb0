#pragma once

#include "config/Config.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace keel::dns {

// Builds tailcfg.DNSConfig (control.md 6.1) from the `dns:` and `prefixes:` sections of the
// config, as Headscale's dnsToTailcfgDNS plus its MagicDNS reverse zones do. The result is the
// same for every node (NodeDnsConfig adds the per-node parts), so it is built once per config and
// again when the extra records change.
class DnsConfigBuilder
{
public:
    explicit DnsConfigBuilder(const config::Config& config);

    // With the config's own dns.extra_records.
    QJsonObject build() const;
    // With these records instead ({"name","type","value"} each, as ExtraRecords parses a file).
    QJsonObject build(const QJsonArray& extraRecords) const;

    // The reverse-DNS zones of a prefix, one per covering octet (IPv4) or nibble (IPv6), e.g.
    // 100.64.0.0/10 -> 64.100.in-addr.arpa ... 127.100.in-addr.arpa. Empty for an invalid prefix.
    static QStringList reverseZones(const QString& prefix);

private:
    const config::Config& m_config;
};

} // namespace keel::dns
