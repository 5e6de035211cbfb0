#pragma once

#include "config/Config.h"

#include <QJsonObject>
#include <QStringList>

namespace keel::dns {

// Builds tailcfg.DNSConfig (control.md 6.1) from the `dns:` and `prefixes:` sections of the
// config. The result is the same for every node, so the mapper builds it once per config.
class DnsConfigBuilder
{
public:
    explicit DnsConfigBuilder(const config::Config& config);

    QJsonObject build() const;

    // The reverse-DNS zones of a prefix, one per covering octet (IPv4) or nibble (IPv6), e.g.
    // 100.64.0.0/10 -> 64.100.in-addr.arpa ... 127.100.in-addr.arpa. Empty for an invalid prefix.
    static QStringList reverseZones(const QString& prefix);

private:
    const config::Config& m_config;
};

} // namespace keel::dns
