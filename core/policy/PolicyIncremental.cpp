// PolicyCompiler: the incremental compile. A node joining, leaving or being retagged changes only
// the grants whose aliases match it; the rest of the previous compile (rules, merge keys, the peer
// index's node lists) is carried over. The randomized test in tests/policy compares every result
// with a full compile.
#include "policy/PolicyCompiler.h"

#include <algorithm>

namespace keel::policy {

namespace {

using K = Alias::Kind;

// Aliases whose compiled form depends on which nodes exist (their addresses are listed). Address
// aliases, `*` and the autogroups internet and danger-all compile to the same text whatever nodes
// there are, as long as no route changes (the update is refused when one does).
bool dependsOnNodes(const Alias& a)
{
    switch (a.kind) {
    case K::User:
    case K::Group:
    case K::Tag:
    case K::AutoMember:
    case K::AutoTagged:
    case K::UserDomain:
    case K::ProviderGroup:
    case K::AutoAdmin:
    case K::AutoOwner:
        return true;
    default:
        return false;
    }
}

bool hasRoutes(const TopologyNode& n) { return !n.routableIps.isEmpty() || !n.approvedRoutes.isEmpty(); }

} // namespace

PolicyCompiler::PolicyCompiler(const PolicyCompiler& previous, const Topology& topology)
    : m_policy(previous.m_policy)
    , m_topo(topology)
    , m_serverUrl(previous.m_serverUrl)
{
    indexTopology();
    buildGrants();
    m_incremental = updateFrom(previous);
    if (!m_incremental)
        compileGlobal();
}

bool PolicyCompiler::updateFrom(const PolicyCompiler& previous)
{
    const Topology& before = previous.m_topo;
    if (before.users != m_topo.users || previous.m_wildcardSources != m_wildcardSources)
        return false;

    // Which nodes left, joined or changed. Unchanged nodes must keep their relative order (the
    // compiled lists follow node order); a changed node counts as one that left and one that joined.
    PeerIndex::Delta delta;
    delta.oldToNew.assign(std::size_t(before.nodes.size()), -1);
    std::vector<char> seen(std::size_t(before.nodes.size()), 0);
    std::vector<int> gone; // indices in `before`
    int lastKept = -1;
    for (int i = 0; i < m_topo.nodes.size(); ++i) {
        const TopologyNode& n = m_topo.nodes[i];
        const auto it = previous.m_indexById.constFind(n.id);
        if (it == previous.m_indexById.constEnd()) {
            delta.fresh.push_back(i);
            continue;
        }
        const int j = *it;
        seen[std::size_t(j)] = 1;
        if (before.nodes[j] == n) {
            if (j < lastKept)
                return false; // reordered
            lastKept = j;
            delta.oldToNew[std::size_t(j)] = i;
        } else {
            gone.push_back(j);
            delta.fresh.push_back(i);
        }
    }
    for (int j = 0; j < before.nodes.size(); ++j)
        if (!seen[std::size_t(j)])
            gone.push_back(j);
    // Past a few changes at once a full compile is as cheap and simpler to trust.
    const std::size_t changes = gone.size() + delta.fresh.size();
    if (changes > std::max<std::size_t>(16, std::size_t(m_topo.nodes.size()) / 64))
        return false;
    for (int j : gone)
        if (hasRoutes(before.nodes[j]))
            return false;
    for (int i : delta.fresh)
        if (hasRoutes(m_topo.nodes[i]))
            return false;

    // A grant is compiled again when one of its node-dependent aliases matches a changed node,
    // before (in the previous topology) or after. Many grants share aliases: memoized by text.
    QHash<QString, bool> touched;
    const auto touches = [&](const Alias& a) {
        if (!dependsOnNodes(a))
            return false;
        const auto it = touched.constFind(a.text);
        if (it != touched.constEnd())
            return *it;
        bool hit = false;
        for (int j : gone)
            hit = hit || previous.aliasMatchesNode(a, j);
        for (int i : delta.fresh)
            hit = hit || aliasMatchesNode(a, i);
        touched.insert(a.text, hit);
        return hit;
    };
    std::vector<char> dirty(std::size_t(m_grants.size()), 0);
    m_units.reserve(m_grants.size());
    for (qsizetype g = 0; g < m_grants.size(); ++g) {
        const GrantSpec& spec = m_grants[g];
        const bool d = std::any_of(spec.src.begin(), spec.src.end(), touches) || std::any_of(spec.dst.begin(), spec.dst.end(), touches);
        dirty[std::size_t(g)] = d;
        m_units.append(d ? compileGrant(spec, nullptr) : previous.m_units[g]);
    }
    delta.ruleFrom.reserve(std::size_t(previous.m_flat.size()));
    flatten(&previous, &dirty, &delta.ruleFrom);

    // The peer index follows when the previous one was built (single-threaded use: the mapper).
    if (previous.m_peerIndex) {
        auto index = std::make_unique<PeerIndex>(*previous.m_peerIndex, m_topo, m_flat, delta);
        std::call_once(m_peerOnce, [this, &index] { m_peerIndex = std::move(index); });
    }
    return true;
}

} // namespace keel::policy
