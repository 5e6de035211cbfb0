#include "mapper/Mapper.h"

#include "common/Clock.h"
#include "dns/DnsName.h"
#include "dns/NodeDnsConfig.h"
#include "state/PrimaryRoutes.h"
#include "state/State.h"

#include <QHostAddress>
#include <QJsonDocument>

#include <algorithm>
#include <cstring>

namespace keel::control {

namespace {

QString hostPrefix(const QString& ip)
{
    if (ip.isEmpty())
        return {};
    return ip + (ip.contains(QLatin1Char(':')) ? QStringLiteral("/128") : QStringLiteral("/32"));
}

QJsonArray toArray(const QStringList& l)
{
    return QJsonArray::fromStringList(l);
}

int preferredDerp(const QJsonObject& hostinfo)
{
    return hostinfo.value(QStringLiteral("NetInfo")).toObject().value(QStringLiteral("PreferredDERP")).toInt();
}

// IPv4 prefixes before IPv6, each family in address order (Headscale sorts AllowedIPs).
void sortPrefixes(QStringList& l)
{
    std::stable_sort(l.begin(), l.end(), [](const QString& a, const QString& b) {
        const bool a6 = a.contains(QLatin1Char(':'));
        const bool b6 = b.contains(QLatin1Char(':'));
        if (a6 != b6)
            return !a6;
        const auto pa = QHostAddress::parseSubnet(a);
        const auto pb = QHostAddress::parseSubnet(b);
        if (!a6) {
            if (pa.first.toIPv4Address() != pb.first.toIPv4Address())
                return pa.first.toIPv4Address() < pb.first.toIPv4Address();
            return pa.second < pb.second;
        }
        const Q_IPV6ADDR x = pa.first.toIPv6Address(), y = pb.first.toIPv6Address();
        const int c = std::memcmp(&x, &y, sizeof x);
        return c != 0 ? c < 0 : pa.second < pb.second;
    });
    l.removeDuplicates();
}

} // namespace

Mapper::Mapper(MapperOptions options)
    : m_options(std::move(options))
    , m_dnsPerNode(dns::NodeDnsConfig::hasNextDns(m_options.dnsConfig))
{
}

void Mapper::setDnsConfig(const QJsonObject& shared)
{
    m_options.dnsConfig = shared;
    m_dnsPerNode = dns::NodeDnsConfig::hasNextDns(shared);
}

QString Mapper::certDomain(const state::LiveNode& n) const
{
    if (!m_options.certDomains || m_options.baseDomain.isEmpty() || n.node.givenName.isEmpty())
        return {};
    QString fqdn = dns::DnsName::fqdn(n.node.givenName, m_options.baseDomain);
    fqdn.chop(1);
    return fqdn;
}

QJsonObject Mapper::dnsConfig(const state::SnapshotPtr& s, const state::LiveNode& n)
{
    if (!m_dnsPerNode && !m_options.certDomains)
        return m_options.dnsConfig;
    dns::NodeDnsInfo info;
    info.certDomain = certDomain(n);
    if (m_dnsPerNode) {
        info.hostname = n.node.hostname;
        info.os = QJsonDocument::fromJson(n.node.hostinfoJson).object().value(QStringLiteral("OS")).toString();
        info.firstIp = !n.node.ipv4.isEmpty() ? n.node.ipv4 : n.node.ipv6;
        if (MapperPolicy* p = policyFor(s))
            info.capabilities = p->capMapFor(n.node.id).keys();
    }
    return dns::NodeDnsConfig::forNode(m_options.dnsConfig, info);
}

QString Mapper::goTime(const QDateTime& t)
{
    if (!t.isValid())
        return QStringLiteral("0001-01-01T00:00:00Z");
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonArray Mapper::allowAllFilter()
{
    // tailcfg.FilterAllowAll
    return QJsonArray{QJsonObject{
        {QStringLiteral("SrcIPs"), QJsonArray{QStringLiteral("*")}},
        {QStringLiteral("DstPorts"),
         QJsonArray{QJsonObject{{QStringLiteral("IP"), QStringLiteral("*")},
                                {QStringLiteral("Ports"), QJsonObject{{QStringLiteral("First"), 0}, {QStringLiteral("Last"), 65535}}}}}}}};
}

qint64 Mapper::ownerOf(const store::Node& n)
{
    return !n.tags.isEmpty() || !n.userId ? state::State::kTaggedDevicesId : *n.userId;
}

MapperPolicy* Mapper::policyFor(const state::SnapshotPtr& s)
{
    if (!s->policy)
        return nullptr;
    if (!m_policy || m_policy->version() != s->version)
        m_policy = std::make_unique<MapperPolicy>(s, m_policy.get(), m_options.sshActionBase); // reuses what the change left valid
    return m_policy.get();
}

bool Mapper::isVisible(const state::SnapshotPtr& s, qint64 nodeId, qint64 peerId)
{
    if (peerId == nodeId || !s->node(peerId) || s->unauthorized.contains(peerId) || s->unauthorized.contains(nodeId))
        return false;
    MapperPolicy* p = policyFor(s);
    return !p || p->peersOf(nodeId).contains(peerId);
}

QList<qint64> Mapper::visiblePeers(const state::SnapshotPtr& s, qint64 nodeId)
{
    QList<qint64> out;
    // Device approval: a waiting node sees nobody and nobody sees it.
    if (s->unauthorized.contains(nodeId))
        return out;
    MapperPolicy* p = policyFor(s);
    if (!p) {
        out.reserve(s->nodes.size());
        for (auto it = s->nodes.cbegin(); it != s->nodes.cend(); ++it)
            if (it.key() != nodeId && !s->unauthorized.contains(it.key()))
                out.append(it.key());
        return out;
    }
    out = p->peersOf(nodeId).values();
    if (!s->unauthorized.isEmpty())
        out.removeIf([&s](qint64 id) { return s->unauthorized.contains(id); });
    std::sort(out.begin(), out.end());
    return out;
}

QJsonArray Mapper::packetFilter(const state::SnapshotPtr& s, qint64 nodeId)
{
    MapperPolicy* p = policyFor(s);
    return p ? p->filterFor(nodeId) : allowAllFilter();
}

std::optional<QJsonObject> Mapper::explain(const state::SnapshotPtr& s, const QString& src, const QString& dst, int port, int proto)
{
    if (MapperPolicy* p = policyFor(s))
        return p->explain(src, dst, port, proto);
    // No policy: allow all, once both names are nodes.
    const auto known = [&s](const QString& name) {
        for (const auto& live : s->nodes) {
            const store::Node& n = live->node;
            if (name == n.givenName || name == n.hostname || name == n.ipv4 || name == n.ipv6)
                return true;
        }
        return false;
    };
    if (!known(src) || !known(dst))
        return std::nullopt;
    return QJsonObject{{QStringLiteral("allowed"), true},
                       {QStringLiteral("peers"), true},
                       {QStringLiteral("rules"), QJsonArray()},
                       {QStringLiteral("reason"), QStringLiteral("no policy is set: every node may reach every other")}};
}

QJsonObject Mapper::sshPolicy(const state::SnapshotPtr& s, qint64 nodeId)
{
    MapperPolicy* p = policyFor(s);
    if (!p || !p->hasSsh())
        return {};
    return p->sshPolicyFor(nodeId);
}

std::optional<qint64> Mapper::sshCheckPeriodSeconds(const state::SnapshotPtr& s, qint64 srcId, qint64 dstId)
{
    MapperPolicy* p = policyFor(s);
    if (!p || !p->hasSsh())
        return std::nullopt;
    return p->sshCheckPeriodSeconds(srcId, dstId);
}

QJsonObject Mapper::selfCapMap(const state::SnapshotPtr& s, const state::LiveNode& n)
{
    QJsonObject caps;
    MapperPolicy* p = policyFor(s);
    if (p)
        caps = p->capMapFor(n.node.id);
    const QJsonArray empty;
    // Headscale's baseline, without which `tailscale set --ssh` and Taildrop refuse to work.
    caps.insert(QStringLiteral("https://tailscale.com/cap/is-admin"), empty);
    caps.insert(QStringLiteral("https://tailscale.com/cap/ssh"), empty);
    if (m_options.taildrop)
        caps.insert(QStringLiteral("https://tailscale.com/cap/file-sharing"), empty);
    caps.insert(QStringLiteral("default-auto-update"), QJsonArray{m_options.autoUpdate});
    // Stops the client's captive-portal probe, which otherwise reaches Tailscale's servers.
    if (m_options.disableCaptivePortalDetection)
        caps.insert(QStringLiteral("disable-captive-portal-detection"), empty);
    return caps;
}

Mapper::CachedPeer* Mapper::cachedPeer(const state::SnapshotPtr& s, const state::LiveNode& live)
{
    const auto it = s->nodes.constFind(live.node.id);
    if (it == s->nodes.cend() || it->get() != &live)
        return nullptr; // not from this snapshot: do not cache
    const bool expired = live.isExpired(Clock::now());
    CachedPeer& c = m_peerCache[live.node.id];
    const QStringList primaries = s->primaryRoutesOf(live.node.id);
    if (c.node != *it || c.expired != expired || c.primaries != primaries || c.json.isEmpty()) {
        c.node = *it;
        c.expired = expired;
        c.primaries = primaries;
        c.json = buildNode(s, live, false, expired);
        c.bytes.clear();
    }
    return &c;
}

QJsonObject Mapper::nodeJson(const state::SnapshotPtr& s, const state::LiveNode& live, bool self)
{
    if (self)
        return buildNode(s, live, true, live.isExpired(Clock::now()));
    if (CachedPeer* c = cachedPeer(s, live))
        return c->json;
    return buildNode(s, live, false, live.isExpired(Clock::now()));
}

QByteArray Mapper::peerBytes(const state::SnapshotPtr& s, qint64 viewerId, const state::LiveNode& live)
{
    if (routesPerViewer(s, live.node.id))
        return QJsonDocument(peerJson(s, viewerId, live)).toJson(QJsonDocument::Compact); // per viewer
    CachedPeer* c = cachedPeer(s, live);
    if (!c)
        return QJsonDocument(buildNode(s, live, false, live.isExpired(Clock::now()))).toJson(QJsonDocument::Compact);
    if (c->bytes.isEmpty())
        c->bytes = QJsonDocument(c->json).toJson(QJsonDocument::Compact);
    return c->bytes;
}

void Mapper::setRoutes(QJsonObject& o, const QStringList& addresses, const QStringList& routes)
{
    QStringList allowed = addresses + routes;
    sortPrefixes(allowed);
    // Always sent: omission means "no routes" to clients older than capver 112 (control.md 4.12).
    o.insert(QStringLiteral("AllowedIPs"), toArray(allowed));
    QStringList primary;
    for (const QString& r : routes)
        if (!state::PrimaryRoutes::isExitRoute(r))
            primary << r;
    if (primary.isEmpty()) {
        o.remove(QStringLiteral("PrimaryRoutes"));
        return;
    }
    sortPrefixes(primary);
    o.insert(QStringLiteral("PrimaryRoutes"), toArray(primary));
}

QJsonObject Mapper::buildNode(const state::SnapshotPtr& s, const state::LiveNode& live, bool self, bool expired)
{
    const store::Node& n = live.node;
    QJsonObject o;
    o.insert(QStringLiteral("ID"), n.id);
    o.insert(QStringLiteral("StableID"), QString::number(n.id));
    o.insert(QStringLiteral("Name"), dns::DnsName::fqdn(n.givenName, m_options.baseDomain));
    o.insert(QStringLiteral("User"), ownerOf(n));
    o.insert(QStringLiteral("Key"), n.nodeKey);
    if (n.expiry)
        o.insert(QStringLiteral("KeyExpiry"), goTime(*n.expiry));
    o.insert(QStringLiteral("Machine"), n.machineKey);
    if (!n.discoKey.isEmpty())
        o.insert(QStringLiteral("DiscoKey"), n.discoKey);
    QStringList addresses;
    for (const QString& ip : {n.ipv4, n.ipv6})
        if (!ip.isEmpty())
            addresses << hostPrefix(ip);
    o.insert(QStringLiteral("Addresses"), toArray(addresses));
    setRoutes(o, addresses, nodeRoutes(s, n, self));
    if (!n.endpoints.isEmpty())
        o.insert(QStringLiteral("Endpoints"), toArray(n.endpoints));
    const QJsonObject hostinfo = QJsonDocument::fromJson(n.hostinfoJson).object();
    const int derp = preferredDerp(hostinfo);
    if (derp > 0) {
        // Both forms: clients before capver 111 read only the legacy string.
        o.insert(QStringLiteral("DERP"), QStringLiteral("127.3.3.40:%1").arg(derp));
        o.insert(QStringLiteral("HomeDERP"), derp);
    }
    o.insert(QStringLiteral("Hostinfo"), hostinfo);
    o.insert(QStringLiteral("Created"), goTime(n.createdAt));
    if (live.capVersion > 0)
        o.insert(QStringLiteral("Cap"), live.capVersion);
    if (!n.tags.isEmpty())
        o.insert(QStringLiteral("Tags"), toArray(n.tags));
    if (n.lastSeen)
        o.insert(QStringLiteral("LastSeen"), goTime(*n.lastSeen));
    o.insert(QStringLiteral("Online"), live.online);
    // false also while the node waits for device approval: the client shows "needs machine auth".
    o.insert(QStringLiteral("MachineAuthorized"), !expired && n.authorized);
    if (expired)
        o.insert(QStringLiteral("Expired"), true);
    if (self)
        o.insert(QStringLiteral("CapMap"), selfCapMap(s, live));
    return o;
}

QJsonObject Mapper::peerChange(const state::LiveNode& live, unsigned fields) const
{
    const store::Node& n = live.node;
    QJsonObject o{{QStringLiteral("NodeID"), n.id}};
    if (fields & state::Change::Derp) {
        const int derp = preferredDerp(QJsonDocument::fromJson(n.hostinfoJson).object());
        if (derp > 0)
            o.insert(QStringLiteral("DERPRegion"), derp);
    }
    if (fields & state::Change::Cap && live.capVersion > 0)
        o.insert(QStringLiteral("Cap"), live.capVersion);
    if (fields & state::Change::Endpoints)
        o.insert(QStringLiteral("Endpoints"), toArray(n.endpoints));
    if (fields & state::Change::Key)
        o.insert(QStringLiteral("Key"), n.nodeKey);
    if (fields & state::Change::Disco && !n.discoKey.isEmpty())
        o.insert(QStringLiteral("DiscoKey"), n.discoKey);
    if (fields & state::Change::Online)
        o.insert(QStringLiteral("Online"), live.online);
    if (fields & state::Change::LastSeen && n.lastSeen)
        o.insert(QStringLiteral("LastSeen"), goTime(*n.lastSeen));
    if (fields & state::Change::KeyExpiry)
        // The zero time clears the expiry (control.md 4.6).
        o.insert(QStringLiteral("KeyExpiry"), goTime(n.expiry.value_or(QDateTime())));
    return o;
}

QJsonArray Mapper::userProfiles(const state::SnapshotPtr& s, const QList<qint64>& nodeIds) const
{
    QList<qint64> owners;
    for (qint64 id : nodeIds)
        if (const state::LiveNode* n = s->node(id))
            owners << ownerOf(n->node);
    std::sort(owners.begin(), owners.end());
    owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
    QJsonArray out;
    for (qint64 uid : owners) {
        const store::User* u = s->user(uid);
        if (!u)
            continue;
        QJsonObject p{{QStringLiteral("ID"), u->id},
                      {QStringLiteral("LoginName"), u->email.isEmpty() ? u->name : u->email},
                      {QStringLiteral("DisplayName"), u->displayName.isEmpty() ? u->name : u->displayName}};
        if (!u->profilePicUrl.isEmpty())
            p.insert(QStringLiteral("ProfilePicURL"), u->profilePicUrl);
        out.append(p);
    }
    return out;
}

QJsonObject Mapper::fullMap(const state::SnapshotPtr& s, qint64 nodeId, QSet<qint64>* peerIds)
{
    QList<qint64> ids;
    const MapMessage m = fullMessage(s, nodeId, &ids);
    if (peerIds)
        *peerIds = QSet<qint64>(ids.cbegin(), ids.cend());
    return m.isEmpty() ? QJsonObject() : m.toObject();
}

MapMessage Mapper::fullMessage(const state::SnapshotPtr& s, qint64 nodeId, QList<qint64>* peerIds)
{
    MapMessage out;
    const state::LiveNode* self = s->node(nodeId);
    if (!self)
        return out;
    QJsonObject& m = out.fields;
    m.insert(QStringLiteral("ControlTime"), goTime(Clock::now()));
    m.insert(QStringLiteral("Node"), nodeJson(s, *self, true));
    const QList<qint64> peers = visiblePeers(s, nodeId);
    out.peers.reserve(peers.size());
    for (qint64 id : peers)
        out.peers.append(peerBytes(s, nodeId, *s->node(id)));
    if (peerIds)
        *peerIds = peers;
    m.insert(QStringLiteral("DNSConfig"), dnsConfig(s, *self));
    if (!m_options.domain.isEmpty())
        m.insert(QStringLiteral("Domain"), m_options.domain);
    if (m_options.derpMap)
        m.insert(QStringLiteral("DERPMap"), m_options.derpMap());
    m.insert(QStringLiteral("PacketFilter"), packetFilter(s, nodeId));
    const QJsonObject ssh = sshPolicy(s, nodeId);
    if (!ssh.isEmpty())
        m.insert(QStringLiteral("SSHPolicy"), ssh);
    m.insert(QStringLiteral("UserProfiles"), userProfiles(s, QList<qint64>{nodeId} + peers));
    m.insert(QStringLiteral("CollectServices"), m_options.collectServices);
    // The tailnet's auto-update default in its old top-level form: clients before capver 131
    // (v1.80 to about v1.90) read only this one, newer ones also the default-auto-update CapMap
    // entry. The client applies it only while the node's own setting is unset.
    m.insert(QStringLiteral("DefaultAutoUpdate"), m_options.autoUpdate);
    if (m_options.disableLogTail)
        m.insert(QStringLiteral("Debug"), QJsonObject{{QStringLiteral("DisableLogTail"), true}});
    return out;
}

} // namespace keel::control
