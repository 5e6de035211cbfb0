#pragma once

#include "policy/FilterRule.h"
#include "policy/Topology.h"

#include <vector>

namespace keel::policy {

// Peer visibility (spec C.9) without the all-pairs scan: which nodes each rule's sources and
// destinations touch, found by binary search over the nodes' sorted addresses (plus the few nodes
// that serve routes, and exit nodes for Internet destinations). A node's peers are then the
// destinations of the rules it is a source of and the sources of the rules it is a destination
// of: the cost per node is the size of its answer, not the size of the tailnet.
class PeerIndex {
public:
    PeerIndex(const Topology& topology, const QList<FilterRule>& rules);

    // Marks in `mark` (size = node count) every node paired with `node` by the indexed rules.
    void markPeers(int node, std::vector<char>& mark) const;
    // Same for an extra rule list (a node's own autogroup:self / via rules), computed on the fly.
    // With `onlyWith` >= 0, only that partner is considered (checking B's rules for the pair A-B).
    void markPeers(int node, const QList<FilterRule>& rules, std::vector<char>& mark, int onlyWith = -1) const;

    // Indices of the indexed rules with a destination on `node` (its addresses, its approved
    // routes, the Internet when it is an exit node), in rule order: all its filter can contain.
    const std::vector<int>& rulesTo(int node) const { return m_dstRulesOf[std::size_t(node)]; }

private:
    struct Entry {
        U128 value;
        int node;
    };
    struct RuleNodes {
        std::vector<int> src;
        std::vector<int> dst;
    };
    // Nodes whose addresses or approved routes overlap `set`; exit nodes too when `internet`.
    std::vector<int> nodesIn(const IpSet& set, bool internet) const;
    static bool internetDestination(const FilterRule& r);
    bool sourceHas(const FilterRule& r, int node) const;
    bool destinationHas(const IpSet& dst, bool internet, int node) const;

    const Topology& m_topo;
    std::vector<Entry> m_v4;
    std::vector<Entry> m_v6;
    std::vector<int> m_routed; // nodes with approved subnet routes
    std::vector<int> m_exits;  // approved exit nodes
    std::vector<IpSet> m_reach; // per node: its addresses plus approved subnet routes
    std::vector<RuleNodes> m_rules;
    std::vector<std::vector<int>> m_srcRulesOf; // node -> rules it is a source of
    std::vector<std::vector<int>> m_dstRulesOf; // node -> rules it is a destination of
};

} // namespace keel::policy
