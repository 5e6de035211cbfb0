// Server::statusJson: GET /api/v1/server/status, what the admin cannot read from the lists.
#include "server/Server.h"

#include "control/ControlEndpoint.h"
#include "machine/ControlService.h"
#include "derp/DerpMapBuilder.h"
#include "derp/DerpServer.h"
#include "derp/StunServer.h"
#include "server/DnsRuntime.h"

#include <QJsonArray>

namespace keel::server {

QJsonObject Server::statusJson() const
{
    const config::Config::Derp::Server& d = m_config.derp.server;
    QJsonObject derp{{QStringLiteral("enabled"), bool(m_derp)}};
    if (m_derp) {
        const derp::DerpStats& stats = m_derp->stats();
        derp.insert(QStringLiteral("clients"), m_derp->clientCount());
        derp.insert(QStringLiteral("homeClients"), qint64(stats.homeConnections));
        derp.insert(QStringLiteral("regionId"), d.regionId);
        derp.insert(QStringLiteral("regionCode"), d.regionCode);
        derp.insert(QStringLiteral("regionName"), d.regionName);
        derp.insert(QStringLiteral("packetsRelayed"), qint64(stats.packetsDelivered + stats.packetsForwarded));
    }
    QJsonObject stun{{QStringLiteral("enabled"), bool(m_stun)}};
    if (m_stun) {
        const derp::StunServer::Counters c = m_stun->counters();
        stun.insert(QStringLiteral("listen"), d.stunListenAddr);
        stun.insert(QStringLiteral("port"), int(m_stun->port()));
        stun.insert(QStringLiteral("requests"), qint64(c.success));   // answered binding requests
        stun.insert(QStringLiteral("rateLimited"), qint64(c.rateLimited));
    }
    const config::Config::Dns& dns = m_config.dns;
    QJsonObject split;
    for (auto it = dns.splitNameservers.cbegin(); it != dns.splitNameservers.cend(); ++it)
        split.insert(it.key(), QJsonArray::fromStringList(it.value()));
    const QJsonObject dnsJson{{QStringLiteral("magicDns"), dns.magicDns},
                              {QStringLiteral("baseDomain"), dns.baseDomain},
                              {QStringLiteral("overrideLocalDns"), dns.overrideLocalDns},
                              {QStringLiteral("nameservers"), QJsonArray::fromStringList(dns.globalNameservers)},
                              {QStringLiteral("splitNameservers"), split},
                              {QStringLiteral("searchDomains"), QJsonArray::fromStringList(dns.searchDomains)},
                              {QStringLiteral("extraRecords"), m_dnsRuntime ? m_dnsRuntime->extraRecords() : dns.extraRecords},
                              {QStringLiteral("extraRecordsPath"), dns.extraRecordsPath}};
    // The oldest client the control plane accepts, as a capability version and a release.
    const int minCapVer = control::ControlEndpoint::Options{}.minProtocolVersion;
    return {{QStringLiteral("serverUrl"), m_config.serverUrl},
            {QStringLiteral("derp"), derp},
            {QStringLiteral("stun"), stun},
            {QStringLiteral("dns"), dnsJson},
            {QStringLiteral("derpMap"), m_derpMap ? m_derpMap->currentMap() : QJsonObject()},
            {QStringLiteral("oldestClient"), QJsonObject{{QStringLiteral("capabilityVersion"), minCapVer},
                                                         {QStringLiteral("version"), QStringLiteral("1.70")}}}};
}

} // namespace keel::server
