#pragma once

#include "policy/FilterRule.h"
#include "policy/Topology.h"

#include <memory>
#include <span>
#include <vector>

namespace keel::policy {

// Peer visibility (spec C.9) without the all-pairs scan: which nodes each rule's sources and
// destinations touch, found by binary search over the nodes' sorted addresses (plus the few nodes
// that serve routes, and exit nodes for Internet destinations). A node's peers are then the
// destinations of the rules it is a source of and the sources of the rules it is a destination
// of: the cost per node is the size of its answer, not the size of the tailnet.
class PeerIndex {
public:
    // `rules` must stay valid (and unmodified) while the index is used.
    PeerIndex(const Topology& topology, const std::vector<const FilterRule*>& rules);

    // What changed since a previous index, for the incremental update below.
    struct Delta {
        std::vector<int> oldToNew; // per node of the previous topology: its index now, -1 when it left or changed
        std::vector<int> fresh;    // indices (now) of the nodes that joined or changed
        std::vector<int> ruleFrom; // per rule now: the index of the identical rule in the previous list, or -1
    };
    // The index `previous` would be over `topology` and `rules`, computed from it: unchanged rules
    // keep their node lists (renumbered, plus the fresh nodes they touch), the others are looked up
    // again. Only valid when no node of the delta serves routes or is an exit node (either side).
    PeerIndex(const PeerIndex& previous, const Topology& topology, const std::vector<const FilterRule*>& rules, const Delta& delta);

    // Marks in `mark` (size = node count) every node paired with `node` by the indexed rules.
    void markPeers(int node, std::vector<char>& mark) const;
    // Same for an extra rule list (a node's own autogroup:self / via rules), computed on the fly.
    // With `onlyWith` >= 0, only that partner is considered (checking B's rules for the pair A-B).
    void markPeers(int node, const QList<FilterRule>& rules, std::vector<char>& mark, int onlyWith = -1) const;

    // Indices of the indexed rules with a destination on `node` (its addresses, its approved
    // routes, the Internet when it is an exit node), in rule order: all its filter can contain.
    std::span<const int> rulesTo(int node) const { return m_dstRulesOf.of(node); }

private:
    struct Entry {
        U128 value;
        int node;
        friend bool operator==(const Entry&, const Entry&) = default;
    };
    struct RuleNodes {
        std::vector<int> src;
        std::vector<int> dst;
        std::shared_ptr<const IpSet> dstSet; // every destination of the rule (ports and capability grants)
        bool internet = false; // a destination inside the Internet: exit nodes are reached
    };
    // node -> rules, as one array (compressed rows): no allocation per node.
    struct NodeRules {
        std::vector<int> offsets; // node i's rules are items[offsets[i] .. offsets[i+1])
        std::vector<int> items;
        std::span<const int> of(int node) const
        {
            return {items.data() + offsets[std::size_t(node)], items.data() + offsets[std::size_t(node) + 1]};
        }
    };
    void indexNodes();
    void indexRule(const FilterRule& r);
    void linkRules();
    // Nodes whose addresses or approved routes overlap `set`; exit nodes too when `internet`.
    std::vector<int> nodesIn(const IpSet& set, bool internet) const;
    static bool internetDestination(const FilterRule& r);
    bool reaches(const IpSet& set, int node) const; // `set` overlaps the node's addresses or routes
    bool sourceHas(const FilterRule& r, int node) const { return reaches(r.srcSet, node); }
    bool destinationHas(const IpSet& dst, bool internet, int node) const;

    const Topology& m_topo;
    std::vector<Entry> m_v4;
    std::vector<Entry> m_v6;
    std::vector<int> m_routed; // nodes with approved subnet routes
    std::vector<IpSet> m_routedReach; // per m_routed entry: its addresses plus approved subnet routes
    std::vector<int> m_routedSlot; // per node: its m_routed position, or -1
    std::vector<int> m_exits;  // approved exit nodes
    // Per rule; shared with the previous index when a topology change leaves a rule as it was.
    std::vector<std::shared_ptr<const RuleNodes>> m_rules;
    NodeRules m_srcRulesOf; // node -> rules it is a source of
    NodeRules m_dstRulesOf; // node -> rules it is a destination of
};

} // namespace keel::policy
