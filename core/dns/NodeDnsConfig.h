#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace keel::dns {

// What the per-node part of a DNSConfig depends on.
struct NodeDnsInfo
{
    QString hostname;         // the node's reported hostname (Headscale's node.Hostname())
    QString os;               // Hostinfo.OS
    QString firstIp;          // the node's first address (IPv4 when it has one)
    QStringList capabilities; // the node's CapMap keys from the policy's nodeAttrs
    QString certDomain;       // its FQDN without the dot when set-dns works, else empty
};

// The per-node DNSConfig: the shared one from DnsConfigBuilder plus what Headscale's mapper adds
// for one node (generateDNSConfig) and, when a set-dns provider is configured, CertDomains.
// NextDNS: a nodeAttrs `nextdns:<profile>` points every NextDNS DoH resolver at that profile
// (the sorted first valid one wins), and unless `nextdns:no-device-info` is set each NextDNS
// resolver gets device_name, device_model and device_ip query parameters.
class NodeDnsConfig
{
public:
    static QJsonObject forNode(const QJsonObject& shared, const NodeDnsInfo& node);
    // True when forNode can differ between nodes only through CertDomains or NextDNS, i.e.
    // when some resolver is a NextDNS one (the mapper then builds per node).
    static bool hasNextDns(const QJsonObject& shared);
    static bool isNextDnsAddr(const QString& addr);
    // The profile `capabilities` select, or empty.
    static QString nextDnsProfile(const QStringList& capabilities);
    // Adds (replaces) query parameters the way Go's url.Values.Encode writes them: keys sorted,
    // values query-escaped ("+" for a space).
    static QString withQuery(const QString& url, const QList<QPair<QString, QString>>& params);
};

} // namespace keel::dns
