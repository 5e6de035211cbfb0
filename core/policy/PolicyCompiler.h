#pragma once

#include "policy/FilterRule.h"
#include "policy/PeerIndex.h"
#include "policy/Policy.h"
#include "policy/Topology.h"

#include <QJsonObject>
#include <QList>
#include <QHash>
#include <QMap>
#include <QSet>

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace keel::policy {

// Compiles a Policy against a Topology (spec C.8, C.9, C.11): per-node packet filters, peer
// visibility, SSH policy and node capabilities. Holds the topology-wide compile (global rules);
// per-node results are computed on demand from it.
class PolicyCompiler {
public:
    PolicyCompiler(const Policy& policy, const Topology& topology);
    // The same compile as PolicyCompiler(previous's policy, topology), computed from `previous`
    // (an earlier topology; it must outlive this constructor only) when the change allows: only
    // the grants whose aliases match a node that joined, left or changed are compiled again, and
    // the peer index is updated for those nodes. Falls back to a full compile when users changed,
    // a changed node has routes, nodes were reordered, or many nodes changed at once.
    PolicyCompiler(const PolicyCompiler& previous, const Topology& topology);
    // Whether construction reused a previous compile (tests and benches).
    bool incremental() const { return m_incremental; }
    // The global rules, merged (what a node receives before per-node reduction, without its own
    // autogroup:self / via rules).
    const QList<FilterRule>& globalRules() const;

    // Rules before per-node reduction (global + this node's autogroup:self rules), merged.
    QList<FilterRule> unreducedRules(const TopologyNode& node) const;
    // What the node receives as PacketFilter.
    QList<FilterRule> filterFor(const TopologyNode& node) const;
    // Indices (into topology.nodes) of the peers the node sees. The first call (or filterFor)
    // builds an index of which nodes each rule touches; later calls cost the size of the answer.
    QList<int> peersOf(int nodeIndex) const;
    // Grants with `via`: the via tags of the grants that steer `viewer` to `route` (a subnet route
    // or an exit route a router serves); empty when no via grant covers the pair. Such a viewer
    // uses only routers carrying one of the tags for the route.
    QStringList viaTagsFor(const TopologyNode& viewer, const IpPrefix& route) const;
    bool hasVia() const;
    // Base of the SSH "check" URL (holdAndDelegate).
    void setServerUrl(const QString& url) { m_serverUrl = url; }
    // tailcfg.SSHPolicy JSON ({"rules":[...]}).
    QJsonObject sshPolicyFor(const TopologyNode& node) const;
    // SSH check mode: how long an approved check of `src` connecting to `dst` stays valid, from
    // the first "check" rule covering the pair (its checkPeriod; 12 h when unset, 0 for "always").
    // nullopt when no check rule covers the pair (the server then refuses the check).
    std::optional<qint64> sshCheckPeriodSeconds(const TopologyNode& src, const TopologyNode& dst) const;
    // Peer capabilities (what WhoIs reports on `node` about a peer): for each address of another
    // node, the app capabilities `node`'s filter grants to that address. Values of one capability
    // granted by several rules are concatenated.
    QMap<QString, QJsonObject> peerCapsFor(const TopologyNode& node) const;
    // Node capability map (self CapMap) derived from the policy.
    QJsonObject capMapFor(const TopologyNode& node) const;

    // The unreduced rules of `node` (as unreducedRules), unmerged and labelled with the policy
    // entry each comes from ("acls[3]", "grants[0]"): what explain() reports.
    QList<QPair<QString, FilterRule>> labelledRules(const TopologyNode& node) const;

    // Resolution of one alias to addresses (as a source: `*` means the tailnet ranges).
    IpSet resolve(const Alias& a) const;
    // Nodes an identity alias matches (users, groups, tags, autogroups); address aliases match
    // nodes whose address lies in the prefix.
    QList<int> matchNodes(const Alias& a) const;
    // Concrete addresses an alias stands for as a test source: its nodes' addresses, or for an
    // address alias the nodes inside it (the literal address when it is one host and no node).
    QList<IpAddress> resolveAddresses(const Alias& a) const;
    // The one user a user alias names (none when it matches zero or several users).
    std::optional<qint64> singleUser(const Alias& a) const;

private:
    struct GrantSpec {
        QList<Alias> src;
        QList<Alias> dst;
        QList<GrantIp> ip;
        QJsonObject app;
        QStringList via;
        QString origin; // where in the policy it comes from: "grants[2]", "acls[0]"
    };
    void indexTopology();
    void buildGrants();
    void compileGlobal();
    // m_units -> m_flat, m_flatKeys, m_rank. With `previous`, clean units' keys are taken from it.
    void flatten(const PolicyCompiler* previous, const std::vector<char>* dirty, std::vector<int>* ruleFrom);
    bool updateFrom(const PolicyCompiler& previous); // false: the change needs a full compile
    static QString mergeKey(const FilterRule& r); // empty for capability rules (never merged)
    QList<FilterRule> compileGrant(const GrantSpec& g, const TopologyNode* selfNode) const;
    QList<FilterRule> compileVia(const GrantSpec& g, const TopologyNode& node) const;
    // The rules only this node has: autogroup:self for its owner, via grants it routes for.
    QList<FilterRule> extraRules(const TopologyNode& node) const;
    bool renderSources(const QList<Alias>& src, QStringList* strings, IpSet* set) const;
    QList<NetPortRange> destinations(const Alias& a, const QList<PortRange>& ports) const;
    QList<int> userNodes(qint64 userId) const;
    bool aliasMatchesNode(const Alias& a, int nodeIndex) const;
    int indexOf(const TopologyNode& node) const;
    QList<qint64> usersMatching(const QString& token) const;
    static void merge(QList<FilterRule>& rules);
    static QList<FilterRule> reduce(const TopologyNode& node, const QList<FilterRule>& rules);

    const Policy& m_policy;
    const Topology& m_topo;
    QList<GrantSpec> m_grants;
    QList<GrantSpec> m_viaGrants; // per-node only: rules go to the via-tagged routers
    // The global compile, kept per grant so that a topology change recompiles only the grants it
    // touches. m_flat (the units in order) is what the peer index covers; a node's filter is the
    // merge of the m_flat rules with a destination on it, grouped by m_rank (the index of the
    // first m_flat rule with the same merge key) so groups come out in the full merge's order.
    QList<QList<FilterRule>> m_units; // per m_grants entry; never modified after flatten()
    std::vector<const FilterRule*> m_flat; // into m_units
    QStringList m_flatKeys;
    std::vector<std::size_t> m_flatHash; // qHash of m_flatKeys
    std::vector<int> m_rank;
    bool m_incremental = false;
    mutable std::once_flag m_globalOnce;
    mutable QList<FilterRule> m_global; // merged m_flat, built on first use
    bool m_allowAll = false;
    bool m_hasSelf = false;
    bool m_perNode = false; // autogroup:self or via: a node's rules differ from the global ones
    QHash<qint64, QList<int>> m_nodesByUser; // untagged nodes per owner
    QHash<QString, QList<int>> m_nodesByTag;
    QList<int> m_viaRouters; // nodes carrying a tag some via grant names
    QHash<qint64, int> m_indexById;
    IpSet m_wildcardSources; // `*` as a source: CGNAT + ULA + approved subnet routes
    const PeerIndex& peerIndex() const;
    mutable std::once_flag m_peerOnce;
    mutable std::unique_ptr<PeerIndex> m_peerIndex; // over m_flat, built on the first peersOf
    QString m_serverUrl;
};

} // namespace keel::policy
