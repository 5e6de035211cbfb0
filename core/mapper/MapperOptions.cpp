#include "mapper/MapperOptions.h"

#include "dns/DnsConfigBuilder.h"

#include <QUrl>

namespace keel::control {

MapperOptions MapperOptions::fromConfig(const config::Config& config)
{
    MapperOptions o;
    o.baseDomain = config.dns.baseDomain;
    // Headscale names the tailnet after base_domain, or the server's host without one.
    o.domain = !config.dns.baseDomain.isEmpty() ? config.dns.baseDomain : QUrl(config.serverUrl).host();
    o.dnsConfig = dns::DnsConfigBuilder(config).build();
    o.disableLogTail = !config.logtail.enabled;
    o.taildrop = config.taildrop.enabled;
    o.autoUpdate = config.autoUpdate.enabled;
    return o;
}

} // namespace keel::control
