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
    o.sshActionBase = sshActionBaseFor(config.serverUrl);
    return o;
}

QString MapperOptions::sshActionBaseFor(const QString& serverUrl)
{
    const QUrl u(serverUrl);
    QString host = u.host(QUrl::FullyEncoded);
    if (host.isEmpty())
        host = QStringLiteral("unused"); // what Tailscale's control plane shows there: the host is not dialled
    else if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']'); // an IPv6 literal
    return QStringLiteral("https://") + host;
}

} // namespace keel::control
