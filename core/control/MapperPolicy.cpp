#include "control/MapperPolicy.h"

#include "policy/FilterRule.h"
#include "policy/PolicyApprovals.h"
#include "policy/PolicyExplainer.h"

#include <algorithm>

namespace keel::control {

MapperPolicy::MapperPolicy(const state::SnapshotPtr& snapshot)
    : m_snapshot(snapshot)
{
    for (const store::User& u : snapshot->users)
        m_topology.users.append({u.id, u.name, u.email});
    for (const auto& live : snapshot->nodes) {
        const store::Node& n = live->node;
        policy::TopologyNode t;
        t.id = n.id;
        t.name = n.givenName;
        t.userId = n.userId.value_or(0);
        t.tags = n.tags;
        t.ipv4 = policy::IpAddress::parse(n.ipv4);
        t.ipv6 = policy::IpAddress::parse(n.ipv6);
        for (const QString& r : n.announcedRoutes)
            if (auto p = policy::IpPrefix::parse(r))
                t.routableIps.append(*p);
        for (const QString& r : n.approvedRoutes)
            if (auto p = policy::IpPrefix::parse(r))
                t.approvedRoutes.append(*p);
        m_index.insert(n.id, int(m_topology.nodes.size()));
        m_topology.nodes.append(t);
    }
    static const policy::Policy kAllowAll;
    // Routes the policy's autoApprovers cover count as approved, as on Tailscale's control plane
    // (the policy-compat corpus is captured that way).
    if (snapshot->policy)
        m_topology = policy::PolicyApprovals::withAutoApprovals(*snapshot->policy, m_topology);
    m_compiler = std::make_unique<policy::PolicyCompiler>(snapshot->policy ? *snapshot->policy : kAllowAll, m_topology);
}

const QSet<qint64>& MapperPolicy::peersOf(qint64 nodeId)
{
    auto it = m_peers.find(nodeId);
    if (it != m_peers.end())
        return *it;
    QSet<qint64> out;
    const int index = m_index.value(nodeId, -1);
    if (index >= 0)
        for (int j : m_compiler->peersOf(index))
            out.insert(m_topology.nodes[j].id);
    return *m_peers.insert(nodeId, out);
}

QJsonArray MapperPolicy::filterFor(qint64 nodeId) const
{
    const int index = m_index.value(nodeId, -1);
    if (index < 0)
        return {};
    return policy::toJson(m_compiler->filterFor(m_topology.nodes[index]));
}

QJsonObject MapperPolicy::sshPolicyFor(qint64 nodeId) const
{
    const int index = m_index.value(nodeId, -1);
    if (index < 0)
        return {{QStringLiteral("rules"), QJsonArray()}};
    return m_compiler->sshPolicyFor(m_topology.nodes[index]);
}

QJsonObject MapperPolicy::capMapFor(qint64 nodeId) const
{
    const int index = m_index.value(nodeId, -1);
    return index < 0 ? QJsonObject() : m_compiler->capMapFor(m_topology.nodes[index]);
}

const MapperPolicy::RouteMatchers& MapperPolicy::routeMatchersFor(const policy::TopologyNode& node)
{
    QString key;
    if (!node.isTagged())
        key = QStringLiteral("u%1").arg(node.userId);
    else if (node.approvedRoutes.isEmpty())
        key = QStringLiteral("t") + node.tags.join(QLatin1Char(','));
    else
        key = QStringLiteral("n%1").arg(node.id);
    std::shared_ptr<const RouteMatchers>& shared = m_routeMatchers[key];
    if (!shared) {
        auto m = std::make_shared<RouteMatchers>();
        m->rules = m_compiler->unreducedRules(node);
        for (const policy::FilterRule& r : std::as_const(m->rules))
            m->dsts.append(r.dstSet());
        shared = m;
    }
    return *shared;
}

bool MapperPolicy::canAccessRoute(qint64 viewerId, const QString& route)
{
    QHash<QString, bool>& answers = m_routeAccess[viewerId];
    if (const auto known = answers.constFind(route); known != answers.cend())
        return *known;
    const int index = m_index.value(viewerId, -1);
    const auto prefix = policy::IpPrefix::parse(route);
    bool ok = false;
    if (index >= 0 && prefix) {
        const policy::TopologyNode& node = m_topology.nodes[index];
        const QList<policy::IpAddress> ips = node.addressList();
        const QList<policy::IpPrefix> subnets = node.subnetRoutes();
        const auto containsAny = [&ips](const policy::IpSet& set) {
            return std::any_of(ips.cbegin(), ips.cend(), [&set](const policy::IpAddress& a) { return set.contains(a); });
        };
        const auto overlapsAny = [&subnets](const policy::IpSet& set) {
            return std::any_of(subnets.cbegin(), subnets.cend(), [&set](const policy::IpPrefix& p) { return set.overlaps(p); });
        };
        const RouteMatchers& matchers = routeMatchersFor(node);
        for (qsizetype i = 0; i < matchers.rules.size() && !ok; ++i) {
            const policy::IpSet& src = matchers.rules[i].srcSet;
            const policy::IpSet& dst = matchers.dsts[i];
            ok = (containsAny(src) && dst.overlaps(*prefix)) || (src.overlaps(*prefix) && containsAny(dst))
                 // A subnet router forwards for its own subnets, in both directions.
                 || (!subnets.isEmpty() && ((overlapsAny(src) && dst.overlaps(*prefix)) || (src.overlaps(*prefix) && overlapsAny(dst))));
        }
    }
    answers.insert(route, ok);
    return ok;
}

std::optional<QJsonObject> MapperPolicy::explain(const QString& src, const QString& dst, int port, int proto) const
{
    const policy::PolicyExplainer explainer(m_topology, *m_compiler);
    const auto answer = explainer.explain(src, dst, port, proto);
    if (!answer)
        return std::nullopt;
    return answer->toJson();
}

} // namespace keel::control
