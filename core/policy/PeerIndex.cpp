#include "policy/PeerIndex.h"

#include <algorithm>

namespace keel::policy {

namespace {

// Renumbers a sorted node list through `oldToNew` (dropping -1): the map keeps the relative order
// of the nodes it keeps, so the result is sorted too.
std::vector<int> renumber(const std::vector<int>& nodes, const std::vector<int>& oldToNew)
{
    std::vector<int> out;
    out.reserve(nodes.size());
    for (int n : nodes)
        if (const int m = oldToNew[std::size_t(n)]; m >= 0)
            out.push_back(m);
    return out;
}

void insertSorted(std::vector<int>& list, int value)
{
    list.insert(std::lower_bound(list.begin(), list.end(), value), value);
}

} // namespace

PeerIndex::PeerIndex(const Topology& topology, const std::vector<const FilterRule*>& rules)
    : m_topo(topology)
{
    indexNodes();
    m_rules.reserve(rules.size());
    for (const FilterRule* r : rules)
        indexRule(*r);
    linkRules();
}

PeerIndex::PeerIndex(const PeerIndex& previous, const Topology& topology, const std::vector<const FilterRule*>& rules, const Delta& delta)
    : m_topo(topology)
{
    const std::size_t n = std::size_t(topology.nodes.size());
    // Addresses: the previous entries renumbered, the fresh nodes' inserted in place.
    auto carry = [&delta](const std::vector<Entry>& from, std::vector<Entry>& to) {
        to.reserve(from.size() + delta.fresh.size());
        for (const Entry& e : from)
            if (const int m = delta.oldToNew[std::size_t(e.node)]; m >= 0)
                to.push_back({e.value, m});
    };
    carry(previous.m_v4, m_v4);
    carry(previous.m_v6, m_v6);
    auto byValue = [](const Entry& a, const Entry& b) { return a.value < b.value; };
    for (int f : delta.fresh) {
        const TopologyNode& node = topology.nodes[f];
        if (node.ipv4)
            m_v4.insert(std::upper_bound(m_v4.begin(), m_v4.end(), Entry{node.ipv4->value, f}, byValue), Entry{node.ipv4->value, f});
        if (node.ipv6)
            m_v6.insert(std::upper_bound(m_v6.begin(), m_v6.end(), Entry{node.ipv6->value, f}, byValue), Entry{node.ipv6->value, f});
    }
    // Route servers and exit nodes are never part of the delta: renumbered only.
    m_routed = renumber(previous.m_routed, delta.oldToNew);
    m_exits = renumber(previous.m_exits, delta.oldToNew);
    m_routedReach = previous.m_routedReach;
    m_routedSlot.assign(n, -1);
    for (std::size_t i = 0; i < m_routed.size(); ++i)
        m_routedSlot[std::size_t(m_routed[i])] = int(i);

    // Old indices below the first node that left or changed keep their number: a rule whose
    // nodes all lie below it, untouched by the fresh nodes, is shared as it is.
    int firstShift = int(delta.oldToNew.size());
    for (std::size_t j = 0; j < delta.oldToNew.size(); ++j)
        if (delta.oldToNew[j] != int(j)) {
            firstShift = int(j);
            break;
        }
    const auto unmoved = [firstShift](const std::vector<int>& nodes) { return nodes.empty() || nodes.back() < firstShift; };
    m_rules.reserve(rules.size());
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const int from = delta.ruleFrom[i];
        if (from < 0) {
            indexRule(*rules[i]);
            continue;
        }
        const std::shared_ptr<const RuleNodes>& old = previous.m_rules[std::size_t(from)];
        std::vector<int> addSrc;
        std::vector<int> addDst;
        for (int f : delta.fresh) {
            if (sourceHas(*rules[i], f))
                addSrc.push_back(f);
            if (destinationHas(*old->dstSet, old->internet, f))
                addDst.push_back(f);
        }
        if (addSrc.empty() && addDst.empty() && unmoved(old->src) && unmoved(old->dst)) {
            m_rules.push_back(old);
            continue;
        }
        auto rn = std::make_shared<RuleNodes>(RuleNodes{renumber(old->src, delta.oldToNew), renumber(old->dst, delta.oldToNew), old->dstSet, old->internet});
        for (int f : addSrc)
            insertSorted(rn->src, f);
        for (int f : addDst)
            insertSorted(rn->dst, f);
        m_rules.push_back(std::move(rn));
    }
    linkRules();
}

void PeerIndex::indexNodes()
{
    const int n = int(m_topo.nodes.size());
    m_routedSlot.assign(std::size_t(n), -1);
    for (int i = 0; i < n; ++i) {
        const TopologyNode& node = m_topo.nodes[i];
        if (node.ipv4)
            m_v4.push_back({node.ipv4->value, i});
        if (node.ipv6)
            m_v6.push_back({node.ipv6->value, i});
        const QList<IpPrefix> routes = node.subnetRoutes();
        if (!routes.isEmpty()) {
            IpSet reach = node.addresses();
            for (const IpPrefix& r : routes)
                reach.add(r);
            m_routedSlot[std::size_t(i)] = int(m_routed.size());
            m_routed.push_back(i);
            m_routedReach.push_back(std::move(reach));
        }
        if (node.isExitNode())
            m_exits.push_back(i);
    }
    // Stable: equal addresses keep node order, as the incremental update's upper_bound does.
    auto byValue = [](const Entry& a, const Entry& b) { return a.value < b.value; };
    std::stable_sort(m_v4.begin(), m_v4.end(), byValue);
    std::stable_sort(m_v6.begin(), m_v6.end(), byValue);
}

void PeerIndex::indexRule(const FilterRule& r)
{
    auto rn = std::make_shared<RuleNodes>();
    rn->dstSet = std::make_shared<const IpSet>(r.dstSet());
    rn->internet = internetDestination(r);
    rn->src = nodesIn(r.srcSet, false);
    rn->dst = nodesIn(*rn->dstSet, rn->internet);
    m_rules.push_back(std::move(rn));
}

void PeerIndex::linkRules()
{
    // Two passes (count, then fill) build both tables without a vector per node.
    const std::size_t n = std::size_t(m_topo.nodes.size());
    auto build = [this, n](NodeRules& table, auto nodesOf) {
        table.offsets.assign(n + 1, 0);
        for (const auto& rule : m_rules)
            for (int node : nodesOf(*rule))
                ++table.offsets[std::size_t(node) + 1];
        for (std::size_t i = 0; i < n; ++i)
            table.offsets[i + 1] += table.offsets[i];
        table.items.resize(std::size_t(table.offsets[n]));
        std::vector<int> next(table.offsets.begin(), table.offsets.end() - 1);
        for (std::size_t ri = 0; ri < m_rules.size(); ++ri)
            for (int node : nodesOf(*m_rules[ri]))
                table.items[std::size_t(next[std::size_t(node)]++)] = int(ri);
    };
    build(m_srcRulesOf, [](const RuleNodes& r) -> const std::vector<int>& { return r.src; });
    build(m_dstRulesOf, [](const RuleNodes& r) -> const std::vector<int>& { return r.dst; });
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
    for (std::size_t i = 0; i < m_routed.size(); ++i)
        if (set.overlaps(m_routedReach[i]))
            out.push_back(m_routed[i]);
    if (internet)
        out.insert(out.end(), m_exits.begin(), m_exits.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void PeerIndex::markPeers(int node, std::vector<char>& mark) const
{
    for (int r : m_srcRulesOf.of(node))
        for (int d : m_rules[std::size_t(r)]->dst)
            mark[std::size_t(d)] = 1;
    for (int r : m_dstRulesOf.of(node))
        for (int s : m_rules[std::size_t(r)]->src)
            mark[std::size_t(s)] = 1;
}

bool PeerIndex::reaches(const IpSet& set, int node) const
{
    if (const int slot = m_routedSlot[std::size_t(node)]; slot >= 0)
        return set.overlaps(m_routedReach[std::size_t(slot)]);
    const TopologyNode& n = m_topo.nodes[node];
    return (n.ipv4 && set.contains(*n.ipv4)) || (n.ipv6 && set.contains(*n.ipv6));
}

bool PeerIndex::destinationHas(const IpSet& dst, bool internet, int node) const
{
    return reaches(dst, node) || (internet && m_topo.nodes[node].isExitNode());
}

void PeerIndex::markPeers(int node, const QList<FilterRule>& rules, std::vector<char>& mark, int onlyWith) const
{
    for (const FilterRule& r : rules) {
        const IpSet dst = r.dstSet();
        const bool internet = internetDestination(r);
        if (onlyWith >= 0) {
            if ((sourceHas(r, node) && destinationHas(dst, internet, onlyWith)) || (sourceHas(r, onlyWith) && destinationHas(dst, internet, node)))
                mark[std::size_t(onlyWith)] = 1;
            continue;
        }
        if (sourceHas(r, node))
            for (int d : nodesIn(dst, internet))
                mark[std::size_t(d)] = 1;
        if (destinationHas(dst, internet, node))
            for (int s : nodesIn(r.srcSet, false))
                mark[std::size_t(s)] = 1;
    }
}

} // namespace keel::policy
