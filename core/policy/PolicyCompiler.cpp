#include "policy/PolicyCompiler.h"

#include <algorithm>

namespace keel::policy {

namespace {

using K = Alias::Kind;

IpSet allAddresses()
{
    IpSet s;
    s.add(*IpPrefix::parse(QStringLiteral("0.0.0.0/0")));
    s.add(*IpPrefix::parse(QStringLiteral("::/0")));
    return s;
}

QString hostString(const IpPrefix& p) { return p.isSingleHost() ? p.addr.toString() : p.toString(); }

// Taildrive and peer relay grants also give the reverse direction a capability (the sharer / the
// relay target), as Tailscale's control plane does.
QJsonObject companionCaps(const QJsonObject& app)
{
    QJsonObject out;
    if (app.contains(QLatin1String("tailscale.com/cap/drive")))
        out.insert(QLatin1String("tailscale.com/cap/drive-sharer"), QJsonValue::Null);
    if (app.contains(QLatin1String("tailscale.com/cap/relay")))
        out.insert(QLatin1String("tailscale.com/cap/relay-target"), QJsonValue::Null);
    return out;
}

} // namespace

PolicyCompiler::PolicyCompiler(const Policy& policy, const Topology& topology)
    : m_policy(policy)
    , m_topo(topology)
{
    indexTopology();
    buildGrants();
    compileGlobal();
}

void PolicyCompiler::indexTopology()
{
    m_allowAll = m_policy.empty || (!m_policy.hasAcls && !m_policy.hasGrants);
    m_indexById.reserve(m_topo.nodes.size());
    for (int i = 0; i < m_topo.nodes.size(); ++i) {
        const TopologyNode& n = m_topo.nodes[i];
        m_indexById.insert(n.id, i);
        if (n.isTagged())
            for (const QString& t : n.tags)
                m_nodesByTag[t].append(i);
        else
            m_nodesByUser[n.userId].append(i);
    }
    m_wildcardSources = tailscaleCgnatSet();
    m_wildcardSources.add(tailscaleUlaSet());
    for (const TopologyNode& n : m_topo.nodes)
        for (const IpPrefix& r : n.subnetRoutes())
            m_wildcardSources.add(r);
}

void PolicyCompiler::buildGrants()
{
    if (m_allowAll) {
        Alias star;
        star.kind = K::Wildcard;
        star.text = QStringLiteral("*");
        m_grants.append({{star}, {star}, {GrantIp{{}, {PortRange{0, 65535}}}}, {}, {}, QStringLiteral("default (no acls or grants: allow all)")});
        return;
    }
    for (int i = 0; i < m_policy.grants.size(); ++i) {
        const Grant& g = m_policy.grants[i];
        const QString origin = QStringLiteral("grants[%1]").arg(i);
        if (g.via.isEmpty()) {
            m_grants.append({g.src, g.dst, g.ip, g.app, g.via, origin});
            continue;
        }
        // Via steers IP traffic through the routers. Its app capabilities reach no filter
        // (Headscale's compileOneViaGrant compiles only `ip`; Tailscale's captures show no
        // CapGrant for an app+via grant), but they still make the destinations' routers peers of
        // the sources, as the captures show: compiled, marked not delivered.
        if (!g.ip.isEmpty())
            m_viaGrants.append({g.src, g.dst, g.ip, {}, g.via, origin});
        if (!g.app.isEmpty())
            m_grants.append({g.src, g.dst, {}, g.app, g.via, origin});
    }
    for (int i = 0; i < m_policy.acls.size(); ++i) {
        const AclRule& acl = m_policy.acls[i];
        QList<GrantSpec> normal;
        QList<GrantSpec> self;
        for (const AclDestination& d : acl.dst) {
            GrantSpec g{acl.src, {d.alias}, {GrantIp{acl.protocols, d.ports}}, {}, {}, QStringLiteral("acls[%1]").arg(i)};
            (d.alias.kind == K::AutoSelf ? self : normal).append(g);
        }
        m_grants.append(normal);
        m_grants.append(self);
    }
    for (const GrantSpec& g : m_grants)
        for (const Alias& d : g.dst)
            m_hasSelf = m_hasSelf || d.kind == K::AutoSelf;
    m_perNode = m_hasSelf || !m_viaGrants.isEmpty();
    QSet<int> routers;
    for (const GrantSpec& g : m_viaGrants)
        for (const QString& t : g.via)
            for (int i : m_nodesByTag.value(t))
                routers.insert(i);
    m_viaRouters = routers.values();
    std::sort(m_viaRouters.begin(), m_viaRouters.end());
}

void PolicyCompiler::compileGlobal()
{
    m_units.reserve(m_grants.size());
    for (const GrantSpec& g : m_grants)
        m_units.append(compileGrant(g, nullptr));
    flatten(nullptr, nullptr, nullptr);
}

void PolicyCompiler::flatten(const PolicyCompiler* previous, const std::vector<char>* dirty, std::vector<int>* ruleFrom)
{
    std::size_t total = 0;
    for (const QList<FilterRule>& u : std::as_const(m_units))
        total += std::size_t(u.size());
    m_flat.reserve(total);
    m_flatKeys.reserve(qsizetype(total));
    m_flatHash.reserve(total);
    m_rank.reserve(total);
    // Ranks by key hash (keys are long: every source address); equal hashes are checked on the
    // keys themselves, and a true collision goes through the exact map.
    QHash<std::size_t, int> firstOfHash;
    QHash<QString, int> collided;
    qsizetype previousOffset = 0;
    for (qsizetype g = 0; g < m_units.size(); ++g) {
        const bool reused = previous && !(*dirty)[std::size_t(g)];
        const QList<FilterRule>& unit = std::as_const(m_units)[g]; // const: no detach from the shared copy
        for (qsizetype k = 0; k < unit.size(); ++k) {
            const FilterRule& r = unit[k];
            const int index = int(m_flat.size());
            const QString key = reused ? previous->m_flatKeys[previousOffset + k] : mergeKey(r);
            const std::size_t hash = reused ? previous->m_flatHash[std::size_t(previousOffset + k)] : qHash(key);
            if (ruleFrom)
                ruleFrom->push_back(reused ? int(previousOffset + k) : -1);
            int rank = index;
            if (!key.isEmpty()) {
                const auto it = firstOfHash.constFind(hash);
                if (it == firstOfHash.constEnd())
                    firstOfHash.insert(hash, index);
                else if (m_flatKeys[*it] == key)
                    rank = *it;
                else
                    rank = *collided.insert(key, collided.value(key, index));
            }
            m_rank.push_back(rank);
            m_flat.push_back(&r);
            m_flatKeys.append(key);
            m_flatHash.push_back(hash);
        }
        if (previous)
            previousOffset += previous->m_units[g].size();
    }
}

const QList<FilterRule>& PolicyCompiler::globalRules() const
{
    std::call_once(m_globalOnce, [this] {
        m_global.reserve(qsizetype(m_flat.size()));
        for (const FilterRule* r : m_flat)
            m_global.append(*r);
        merge(m_global);
    });
    return m_global;
}

QString PolicyCompiler::mergeKey(const FilterRule& r)
{
    if (!r.capGrants.isEmpty())
        return {};
    QString key = r.srcIps.join(QLatin1Char(','));
    key += QLatin1Char('|');
    for (int p : r.ipProto)
        key += QString::number(p) + QLatin1Char(',');
    return key;
}

bool PolicyCompiler::renderSources(const QList<Alias>& src, QStringList* strings, IpSet* set) const
{
    // Literal prefixes keep their CIDR form; node addresses are listed one by one (as Tailscale
    // renders them), unless a literal prefix already covers them.
    bool wildcard = false;
    IpSet literal;
    IpSet nodes;
    for (const Alias& a : src) {
        if (a.kind == K::AutoDangerAll) {
            *strings = {QStringLiteral("*")};
            *set = allAddresses();
            return true;
        }
        if (a.kind == K::Wildcard)
            wildcard = true;
        else if (a.kind == K::Prefix || a.kind == K::Host || a.kind == K::AutoInternet)
            literal.add(resolve(a));
        else
            nodes.add(resolve(a));
    }
    strings->clear();
    *set = literal;
    set->add(nodes);
    if (wildcard) {
        IpSet base = tailscaleCgnatSet();
        base.add(tailscaleUlaSet());
        *strings = base.toStrings();
        set->add(base);
        QSet<QString> seen;
        for (const TopologyNode& n : m_topo.nodes) {
            for (const IpPrefix& r : n.subnetRoutes()) {
                if (seen.contains(r.toString()))
                    continue;
                seen.insert(r.toString());
                strings->append(r.toString());
                set->add(r);
            }
        }
    }
    nodes.subtract(literal);
    strings->append(literal.toStrings());
    strings->append(nodes.toAddressStrings());
    return !set->isEmpty();
}

QList<NetPortRange> PolicyCompiler::destinations(const Alias& a, const QList<PortRange>& ports) const
{
    QList<QPair<QString, IpSet>> targets;
    switch (a.kind) {
    case K::Wildcard:
        targets.append({QStringLiteral("*"), allAddresses()});
        break;
    case K::Host:
    case K::Prefix:
    case K::AutoInternet: {
        const IpSet s = resolve(a);
        for (const IpPrefix& p : s.toPrefixes()) {
            IpSet one;
            one.add(p);
            targets.append({hostString(p), one});
        }
        break;
    }
    default:
        for (int i : matchNodes(a)) {
            for (const IpAddress& ip : m_topo.nodes[i].addressList()) {
                IpSet one;
                one.add(ip);
                targets.append({ip.toString(), one});
            }
        }
        break;
    }
    QList<NetPortRange> out;
    for (const auto& [ip, set] : targets)
        for (const PortRange& p : ports)
            out.append({ip, set, p});
    return out;
}

QList<FilterRule> PolicyCompiler::compileGrant(const GrantSpec& g, const TopologyNode* selfNode) const
{
    QList<FilterRule> out;
    if (selfNode) {
        // Cheap checks first: most grants have no autogroup:self destination.
        bool hasSelf = false;
        for (const Alias& d : g.dst)
            hasSelf = hasSelf || d.kind == K::AutoSelf;
        if (!hasSelf || selfNode->isTagged())
            return out;
    }
    FilterRule base;
    if (selfNode) {
        // autogroup:self for this node: sources narrowed to the same user's untagged nodes. Each
        // of those is tested against the source aliases directly; resolving a source such as
        // autogroup:member in full would cost the size of the tailnet for every node.
        const QList<int> mine = userNodes(selfNode->userId);
        IpSet srcSet;
        QList<IpAddress> dstIps;
        for (int i : mine) {
            const TopologyNode& n = m_topo.nodes[i];
            bool source = false;
            for (const Alias& a : g.src)
                source = source || aliasMatchesNode(a, i);
            if (source)
                srcSet.add(n.addresses());
            dstIps.append(n.addressList());
        }
        if (srcSet.isEmpty())
            return out;
        base.srcSet = srcSet;
        base.srcIps = srcSet.toAddressStrings();
        for (const GrantIp& ip : g.ip) {
            FilterRule r = base;
            r.ipProto = ip.protocols;
            for (const IpAddress& a : dstIps) {
                IpSet one;
                one.add(a);
                for (const PortRange& p : ip.ports)
                    r.dstPorts.append({a.toString(), one, p});
            }
            out.append(r);
        }
        if (!g.app.isEmpty()) {
            FilterRule r = base;
            CapGrant cg;
            for (const IpAddress& a : dstIps)
                cg.dsts.append(IpPrefix::host(a));
            cg.capMap = g.app;
            r.capGrants.append(cg);
            out.append(r);
            const QJsonObject companion = companionCaps(g.app);
            if (!companion.isEmpty()) {
                FilterRule back;
                IpSet from;
                for (const IpAddress& a : dstIps)
                    from.add(a);
                back.srcSet = from;
                back.srcIps = from.toAddressStrings();
                CapGrant bg;
                for (const IpPrefix& p : base.srcSet.toPrefixes())
                    bg.dsts.append(p);
                bg.capMap = companion;
                back.capGrants.append(bg);
                out.append(back);
            }
        }
        return out;
    }

    // A source list that names aliases but resolves to no address still yields the grant's
    // capability rule, with empty SrcIPs (Tailscale's control plane emits it; Headscale's
    // policy/v2 compileOtherDests reproduces this). IP rules need a source; a literally empty
    // src list yields nothing at all.
    const bool hasSources = renderSources(g.src, &base.srcIps, &base.srcSet);
    if (!hasSources && (g.app.isEmpty() || g.src.isEmpty()))
        return out;
    for (const GrantIp& ip : g.ip) {
        if (!hasSources)
            break;
        FilterRule r = base;
        r.ipProto = ip.protocols;
        for (const Alias& d : g.dst)
            if (d.kind != K::AutoSelf)
                r.dstPorts.append(destinations(d, ip.ports));
        if (!r.dstPorts.isEmpty())
            out.append(r);
    }
    if (!g.app.isEmpty()) {
        // The shape Tailscale's control plane gives app grants (as Headscale's policy/v2
        // compileOtherDests reproduces it from captures): one CapGrant per destination alias,
        // each with that alias's prefixes, so a node two destinations match holds two entries.
        FilterRule r = base;
        for (const Alias& d : g.dst) {
            if (d.kind == K::AutoSelf)
                continue;
            CapGrant cg;
            cg.capMap = g.app;
            cg.delivered = g.via.isEmpty();
            if (d.kind == K::Wildcard) {
                // `*` as an app destination is every tailnet address (the CGNAT range without
                // the ChromeOS VM block, and the Tailscale ULA): not the whole Internet, and not
                // the subnet routes (Headscale's policy/v2 Asterix.Resolve).
                IpSet tailnet = tailscaleCgnatSet();
                tailnet.add(tailscaleUlaSet());
                for (const IpPrefix& p : tailnet.toPrefixes())
                    cg.dsts.append(p);
            } else if (d.kind == K::Host || d.kind == K::Prefix || d.kind == K::AutoInternet) {
                for (const IpPrefix& p : resolve(d).toPrefixes())
                    cg.dsts.append(p);
            } else {
                for (int i : matchNodes(d))
                    for (const IpAddress& a : m_topo.nodes[i].addressList())
                        cg.dsts.append(IpPrefix::host(a));
            }
            if (!cg.dsts.isEmpty())
                r.capGrants.append(cg);
        }
        if (!r.capGrants.isEmpty())
            out.append(r);
        const QJsonObject companion = companionCaps(g.app);
        QList<Alias> dstAliases;
        for (const Alias& d : g.dst)
            if (d.kind != K::AutoSelf)
                dstAliases.append(d);
        FilterRule back;
        if (!companion.isEmpty() && hasSources && renderSources(dstAliases, &back.srcIps, &back.srcSet)) {
            // The reverse grant goes to the sources' addresses: `*` there is the tailnet ranges,
            // without the subnet routes its SrcIPs form lists (Headscale's companionCapGrantRules
            // takes the resolved sources; Tailscale's captures hold no route in these Dsts).
            IpSet to;
            for (const Alias& a : g.src) {
                if (a.kind == K::Wildcard) {
                    to.add(tailscaleCgnatSet());
                    to.add(tailscaleUlaSet());
                } else {
                    to.add(resolve(a));
                }
            }
            CapGrant bg;
            bg.capMap = companion;
            bg.delivered = g.via.isEmpty();
            for (const IpPrefix& p : to.toPrefixes())
                bg.dsts.append(p);
            back.capGrants.append(bg);
            out.append(back);
        }
    }
    return out;
}

void PolicyCompiler::merge(QList<FilterRule>& rules)
{
    // Rules with the same sources and protocols become one (first occurrence keeps its place);
    // a hash on that key keeps this linear in the number of rules.
    QList<FilterRule> out;
    QHash<QString, qsizetype> byKey;
    for (FilterRule& r : rules) {
        if (r.capGrants.isEmpty()) {
            const QString key = mergeKey(r);
            const auto it = byKey.constFind(key);
            if (it != byKey.constEnd()) {
                out[*it].dstPorts.append(r.dstPorts);
                continue;
            }
            byKey.insert(key, out.size());
        }
        out.append(std::move(r));
    }
    rules = std::move(out);
}

QList<FilterRule> PolicyCompiler::unreducedRules(const TopologyNode& node) const
{
    if (!m_perNode)
        return globalRules();
    // The global rules plus this node's own: autogroup:self expanded for its owner, and the via
    // grants it routes for. Merging is a grouping by (SrcIPs, IPProto), so merging the merged
    // global list again with the extra rules gives the same result as one merge of everything.
    QList<FilterRule> rules = globalRules();
    rules.append(extraRules(node));
    merge(rules);
    return rules;
}

QList<FilterRule> PolicyCompiler::extraRules(const TopologyNode& node) const
{
    QList<FilterRule> rules;
    if (m_hasSelf && !node.isTagged())
        for (const GrantSpec& g : m_grants)
            rules.append(compileGrant(g, &node));
    for (const GrantSpec& g : m_viaGrants)
        rules.append(compileVia(g, node));
    return rules;
}

QList<QPair<QString, FilterRule>> PolicyCompiler::labelledRules(const TopologyNode& node) const
{
    QList<QPair<QString, FilterRule>> out;
    for (const GrantSpec& g : m_grants) {
        for (const FilterRule& r : compileGrant(g, nullptr))
            out.append({g.origin, r});
        if (m_hasSelf && !node.isTagged())
            for (const FilterRule& r : compileGrant(g, &node))
                out.append({g.origin, r});
    }
    for (const GrantSpec& g : m_viaGrants)
        for (const FilterRule& r : compileVia(g, node))
            out.append({g.origin, r});
    return out;
}

QList<FilterRule> PolicyCompiler::compileVia(const GrantSpec& g, const TopologyNode& node) const
{
    // A via grant reaches its destinations only through routers carrying one of the via tags:
    // its rules go to those routers, for the destinations their approved routes serve.
    QList<FilterRule> out;
    bool router = false;
    for (const QString& t : g.via)
        router = router || node.tags.contains(t);
    if (!router)
        return out;
    const QList<IpPrefix> routes = node.subnetRoutes();
    QList<IpPrefix> dsts;
    for (const Alias& d : g.dst) {
        if (d.kind == K::AutoInternet) {
            if (node.isExitNode())
                for (const IpPrefix& p : theInternetSet().toPrefixes())
                    dsts.append(p);
            continue;
        }
        if (d.kind == K::AutoSelf)
            continue;
        for (const IpPrefix& p : resolve(d).toPrefixes()) {
            IpSet one;
            one.add(p);
            for (const IpPrefix& r : routes)
                if (one.overlaps(r)) {
                    dsts.append(p);
                    break;
                }
        }
    }
    if (dsts.isEmpty())
        return out;
    FilterRule base;
    // A source list that names aliases but resolves to no address still yields the grant's
    // capability rule, with empty SrcIPs (Tailscale's control plane emits it; Headscale's
    // policy/v2 compileOtherDests reproduces this). IP rules need a source; a literally empty
    // src list yields nothing at all.
    const bool hasSources = renderSources(g.src, &base.srcIps, &base.srcSet);
    if (!hasSources && (g.app.isEmpty() || g.src.isEmpty()))
        return out;
    for (const GrantIp& ip : g.ip) {
        if (!hasSources)
            break;
        FilterRule r = base;
        r.ipProto = ip.protocols;
        for (const IpPrefix& p : dsts) {
            IpSet one;
            one.add(p);
            for (const PortRange& pr : ip.ports)
                r.dstPorts.append({p.toString(), one, pr});
        }
        out.append(r);
    }
    return out;
}

namespace {

// What one node keeps of a rule (per-node reduction): destinations on its addresses, on its
// approved routes, in the Internet when it is an exit node; capability grants to its addresses.
// Keeping twice keeps the same.
class Reduction {
public:
    explicit Reduction(const TopologyNode& node)
        : m_node(node)
        , m_mine(node.addresses())
        , m_routes(node.subnetRoutes())
        , m_exit(node.isExitNode())
    {
    }

    // `r` with only what the node keeps (possibly nothing).
    FilterRule keep(const FilterRule& r) const
    {
        FilterRule k = r;
        k.dstPorts.clear();
        k.capGrants.clear();
        for (const NetPortRange& d : r.dstPorts)
            if (wanted(d.set))
                k.dstPorts.append(d);
        for (const CapGrant& g : r.capGrants) {
            if (!g.delivered)
                continue;
            // A destination covering one of the node's addresses is narrowed to that address; a
            // destination overlapping one of its approved subnet routes is kept as written, so
            // the router holds the capability for the whole prefix it serves (Headscale's
            // policyutil reduceCapGrantRule, matching Tailscale's captures).
            CapGrant kept{{}, g.capMap};
            IpSet dsts;
            for (const IpPrefix& p : g.dsts)
                dsts.add(p);
            for (const IpAddress& a : m_node.addressList())
                if (dsts.contains(a))
                    kept.dsts.append(IpPrefix::host(a));
            for (const IpPrefix& p : g.dsts) {
                if (kept.dsts.contains(p))
                    continue;
                IpSet one;
                one.add(p);
                for (const IpPrefix& route : m_routes) {
                    if (one.overlaps(route)) {
                        kept.dsts.append(p);
                        break;
                    }
                }
            }
            if (!kept.dsts.isEmpty())
                k.capGrants.append(kept);
        }
        return k;
    }

private:
    bool wanted(const IpSet& dst) const
    {
        if (dst.overlaps(m_mine))
            return true;
        for (const IpPrefix& r : m_routes)
            if (dst.overlaps(r))
                return true;
        static const IpSet internet = theInternetSet();
        return m_exit && !dst.isEmpty() && internet.containsAll(dst);
    }

    const TopologyNode& m_node;
    const IpSet m_mine;
    const QList<IpPrefix> m_routes;
    const bool m_exit;
};

bool isEmptyRule(const FilterRule& r) { return r.dstPorts.isEmpty() && r.capGrants.isEmpty(); }

} // namespace

QList<FilterRule> PolicyCompiler::reduce(const TopologyNode& node, const QList<FilterRule>& rules)
{
    const Reduction reduction(node);
    QList<FilterRule> out;
    for (const FilterRule& r : rules)
        if (FilterRule k = reduction.keep(r); !isEmptyRule(k))
            out.append(std::move(k));
    return out;
}

QList<FilterRule> PolicyCompiler::filterFor(const TopologyNode& node) const
{
    const int index = indexOf(node);
    if (index < 0) // not part of the topology: no index entry, take the long way
        return reduce(node, unreducedRules(node));
    // Only rules with a destination on this node can survive reduction: start from those, each
    // reduced, then merged as the global list is (a group's dstPorts in rule order, groups in the
    // order of their first rule in the whole list). Reducing before merging gives the same
    // result, without copying destinations that reduction would drop. Groups left empty stay
    // until the node's own rules are merged in (they may join them), then go.
    const Reduction reduction(node);
    QList<FilterRule> rules;
    std::vector<std::pair<int, qsizetype>> groups; // (rank, position in rules)
    QHash<int, qsizetype> byRank;
    for (int r : peerIndex().rulesTo(index)) {
        const int rank = m_rank[std::size_t(r)];
        FilterRule part = reduction.keep(*m_flat[std::size_t(r)]);
        const auto it = byRank.constFind(rank);
        if (it != byRank.constEnd()) {
            rules[*it].dstPorts.append(part.dstPorts);
            continue;
        }
        byRank.insert(rank, rules.size());
        groups.push_back({rank, rules.size()});
        rules.append(std::move(part));
    }
    if (groups.size() > 1 && !std::is_sorted(groups.begin(), groups.end())) {
        std::sort(groups.begin(), groups.end());
        QList<FilterRule> ordered;
        ordered.reserve(rules.size());
        for (const auto& [rank, pos] : groups)
            ordered.append(std::move(rules[pos]));
        rules = std::move(ordered);
    }
    if (m_perNode) {
        rules.append(extraRules(node));
        merge(rules);
        return reduce(node, rules);
    }
    rules.removeIf(isEmptyRule);
    return rules;
}

const PeerIndex& PolicyCompiler::peerIndex() const
{
    std::call_once(m_peerOnce, [this] { m_peerIndex = std::make_unique<PeerIndex>(m_topo, m_flat); });
    return *m_peerIndex;
}

QList<int> PolicyCompiler::peersOf(int nodeIndex) const
{
    std::vector<char> mark(std::size_t(m_topo.nodes.size()), 0);
    peerIndex().markPeers(nodeIndex, mark);
    if (m_perNode) {
        // Visibility from either side's own rules: this node's, then those of the nodes whose own
        // rules can involve it (its owner's other nodes for autogroup:self, the via routers).
        const TopologyNode& a = m_topo.nodes[nodeIndex];
        m_peerIndex->markPeers(nodeIndex, extraRules(a), mark);
        QList<int> others = m_viaRouters;
        if (m_hasSelf && !a.isTagged())
            others.append(userNodes(a.userId));
        for (int j : others)
            if (j != nodeIndex && !mark[std::size_t(j)])
                m_peerIndex->markPeers(nodeIndex, extraRules(m_topo.nodes[j]), mark, j);
    }
    QList<int> out;
    for (int j = 0; j < m_topo.nodes.size(); ++j)
        if (j != nodeIndex && mark[std::size_t(j)])
            out.append(j);
    return out;
}

} // namespace keel::policy
