#include "policy/PeerIndex.h"

#include <algorithm>

namespace keel::policy {

PeerIndex::PeerIndex(const Topology& topology, const QList<FilterRule>& rules)
    : m_topo(topology)
{
    const int n = int(topology.nodes.size());
    m_reach.resize(n);
    for (int i = 0; i < n; ++i) {
        const TopologyNode& node = topology.nodes[i];
        if (node.ipv4)
            m_v4.push_back({node.ipv4->value, i});
        if (node.ipv6)
            m_v6.push_back({node.ipv6->value, i});
        m_reach[i] = node.addresses();
        const QList<IpPrefix> routes = node.subnetRoutes();
        for (const IpPrefix& r : routes)
            m_reach[i].add(r);
        if (!routes.isEmpty())
            m_routed.push_back(i);
        if (node.isExitNode())
            m_exits.push_back(i);
    }
    auto byValue = [](const Entry& a, const Entry& b) { return a.value < b.value; };
    std::sort(m_v4.begin(), m_v4.end(), byValue);
    std::sort(m_v6.begin(), m_v6.end(), byValue);

    m_srcRulesOf.resize(n);
    m_dstRulesOf.resize(n);
    for (const FilterRule& r : rules) {
        const int ri = int(m_rules.size());
        RuleNodes rn{nodesIn(r.srcSet, false), nodesIn(r.dstSet(), internetDestination(r))};
        for (int s : rn.src)
            m_srcRulesOf[s].push_back(ri);
        for (int d : rn.dst)
            m_dstRulesOf[d].push_back(ri);
        m_rules.push_back(std::move(rn));
    }
}

bool PeerIndex::internetDestination(const FilterRule& r)
{
    // A destination inside "the Internet" (autogroup:internet) makes exit nodes reachable.
    static const IpSet internet = theInternetSet();
    for (const NetPortRange& d : r.dstPorts)
        if (!d.set.isEmpty() && internet.containsAll(d.set))
            return true;
    return false;
}

std::vector<int> PeerIndex::nodesIn(const IpSet& set, bool internet) const
{
    std::vector<int> out;
    auto scan = [&out](const std::vector<Entry>& sorted, const std::vector<IpRange>& ranges) {
        for (const IpRange& r : ranges) {
            auto it = std::lower_bound(sorted.begin(), sorted.end(), r.first, [](const Entry& e, const U128& v) { return e.value < v; });
            for (; it != sorted.end() && it->value <= r.last; ++it)
                out.push_back(it->node);
        }
    };
    scan(m_v4, set.v4());
    scan(m_v6, set.v6());
    for (int i : m_routed)
        if (set.overlaps(m_reach[i]))
            out.push_back(i);
    if (internet)
        out.insert(out.end(), m_exits.begin(), m_exits.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void PeerIndex::markPeers(int node, std::vector<char>& mark) const
{
    for (int r : m_srcRulesOf[node])
        for (int d : m_rules[r].dst)
            mark[d] = 1;
    for (int r : m_dstRulesOf[node])
        for (int s : m_rules[r].src)
            mark[s] = 1;
}

bool PeerIndex::sourceHas(const FilterRule& r, int node) const { return r.srcSet.overlaps(m_reach[node]); }

bool PeerIndex::destinationHas(const IpSet& dst, bool internet, int node) const
{
    return dst.overlaps(m_reach[node]) || (internet && m_topo.nodes[node].isExitNode());
}

void PeerIndex::markPeers(int node, const QList<FilterRule>& rules, std::vector<char>& mark, int onlyWith) const
{
    for (const FilterRule& r : rules) {
        const IpSet dst = r.dstSet();
        const bool internet = internetDestination(r);
        if (onlyWith >= 0) {
            if ((sourceHas(r, node) && destinationHas(dst, internet, onlyWith)) || (sourceHas(r, onlyWith) && destinationHas(dst, internet, node)))
                mark[onlyWith] = 1;
            continue;
        }
        if (sourceHas(r, node))
            for (int d : nodesIn(dst, internet))
                mark[d] = 1;
        if (destinationHas(dst, internet, node))
            for (int s : nodesIn(r.srcSet, false))
                mark[s] = 1;
    }
}

} // namespace keel::policy
