#include "mapper/MapperPolicy.h"

#include "mapper/MapperOptions.h"

#include "metrics/Instruments.h"
#include "policy/FilterRule.h"
#include "policy/PolicyApprovals.h"
#include "policy/PolicyExplainer.h"
#include "state/PolicyTopology.h"

#include <QElapsedTimer>

#include <algorithm>

namespace keel::control {

MapperPolicy::MapperPolicy(const state::SnapshotPtr& snapshot, const MapperPolicy* previous, const QString& sshActionBase)
    : m_snapshot(snapshot)
{
    static const auto kAllowAll = std::make_shared<const policy::Policy>();
    auto compiled = std::make_shared<Compiled>();
    compiled->policy = snapshot->policy ? snapshot->policy : kAllowAll;
    compiled->topology.users = state::policyUsers(*snapshot);
    const Compiled* before = previous && previous->m_compiled->policy == compiled->policy ? previous->m_compiled.get() : nullptr;
    if (before && before->topology.users != compiled->topology.users)
        before = nullptr; // approvals and user aliases read the users: nothing carries over
    const state::Snapshot* beforeSnapshot = before ? previous->m_snapshot.get() : nullptr;

    // Routes the policy's autoApprovers cover count as approved, as on Tailscale's control plane
    // (the policy-compat corpus is captured that way). A node whose record is the previous
    // snapshot's (same LiveNode) is taken over as it was, approvals included.
    const policy::PolicyApprovals approvals(*compiled->policy, compiled->topology);
    compiled->topology.nodes.reserve(snapshot->nodes.size());
    compiled->index.reserve(snapshot->nodes.size());
    for (auto it = snapshot->nodes.cbegin(); it != snapshot->nodes.cend(); ++it) {
        compiled->index.insert(it.key(), int(compiled->topology.nodes.size()));
        if (beforeSnapshot) {
            const auto old = beforeSnapshot->nodes.constFind(it.key());
            if (old != beforeSnapshot->nodes.cend() && *old == *it) {
                compiled->topology.nodes.append(before->topology.nodes[before->index.value(it.key())]);
                continue;
            }
        }
        policy::TopologyNode t = state::policyNode((*it)->node);
        if (!t.routableIps.isEmpty())
            for (const policy::IpPrefix& r : approvals.autoApprovedRoutes(t, t.routableIps))
                if (!t.approvedRoutes.contains(r))
                    t.approvedRoutes.append(r);
        compiled->topology.nodes.append(t);
    }

    if (before && before->topology.nodes == compiled->topology.nodes) {
        // Nothing the policy reads changed: the compile and the peer lists stay valid.
        m_compiled = previous->m_compiled;
        m_peers = previous->m_peers;
        m_routeMatchers = previous->m_routeMatchers;
        m_routeAccess = previous->m_routeAccess;
        m_viaTags = previous->m_viaTags;
        m_hasVia = previous->m_hasVia;
        m_reuse = Reuse::Whole;
        return;
    }
    QElapsedTimer took;
    took.start();
    if (before) {
        compiled->compiler = std::make_unique<policy::PolicyCompiler>(*before->compiler, compiled->topology);
        m_reuse = compiled->compiler->incremental() ? Reuse::Incremental : Reuse::None;
    } else {
        compiled->compiler = std::make_unique<policy::PolicyCompiler>(*compiled->policy, compiled->topology);
    }
    compiled->compiler->setServerUrl(sshActionBase.isEmpty() ? MapperOptions::sshActionBaseFor({}) : sshActionBase);
    m_hasVia = compiled->compiler->hasVia();
    metrics::Instruments::policyCompile(double(took.nsecsElapsed()) / 1e9);
    m_compiled = std::move(compiled);
}

const policy::TopologyNode* MapperPolicy::node(qint64 nodeId) const
{
    const int index = m_compiled->index.value(nodeId, -1);
    return index < 0 ? nullptr : &m_compiled->topology.nodes[index];
}

const QSet<qint64>& MapperPolicy::peersOf(qint64 nodeId)
{
    auto it = m_peers.find(nodeId);
    if (it != m_peers.end())
        return *it;
    QSet<qint64> out;
    const int index = m_compiled->index.value(nodeId, -1);
    if (index >= 0)
        for (int j : m_compiled->compiler->peersOf(index))
            out.insert(m_compiled->topology.nodes[j].id);
    return *m_peers.insert(nodeId, out);
}

QJsonArray MapperPolicy::filterFor(qint64 nodeId) const
{
    const policy::TopologyNode* n = node(nodeId);
    return n ? policy::toJson(m_compiled->compiler->filterFor(*n)) : QJsonArray();
}

QJsonObject MapperPolicy::sshPolicyFor(qint64 nodeId) const
{
    const policy::TopologyNode* n = node(nodeId);
    if (!n)
        return {{QStringLiteral("rules"), QJsonArray()}};
    return m_compiled->compiler->sshPolicyFor(*n);
}

std::optional<qint64> MapperPolicy::sshCheckPeriodSeconds(qint64 srcId, qint64 dstId) const
{
    const policy::TopologyNode* src = node(srcId);
    const policy::TopologyNode* dst = node(dstId);
    if (!src || !dst)
        return std::nullopt;
    return m_compiled->compiler->sshCheckPeriodSeconds(*src, *dst);
}

QJsonObject MapperPolicy::capMapFor(qint64 nodeId) const
{
    const policy::TopologyNode* n = node(nodeId);
    return n ? m_compiled->compiler->capMapFor(*n) : QJsonObject();
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
        m->rules = m_compiled->compiler->unreducedRules(node);
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
    const policy::TopologyNode* viewer = node(viewerId);
    const auto prefix = policy::IpPrefix::parse(route);
    bool ok = false;
    if (viewer && prefix) {
        const policy::TopologyNode& node = *viewer;
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

QStringList MapperPolicy::viaTags(qint64 viewerId, const QString& route)
{
    if (!m_hasVia)
        return {};
    QHash<QString, QStringList>& answers = m_viaTags[viewerId];
    if (const auto known = answers.constFind(route); known != answers.cend())
        return *known;
    const policy::TopologyNode* viewer = node(viewerId);
    const auto prefix = policy::IpPrefix::parse(route);
    const QStringList tags = viewer && prefix ? m_compiled->compiler->viaTagsFor(*viewer, *prefix) : QStringList();
    answers.insert(route, tags);
    return tags;
}

std::optional<QJsonObject> MapperPolicy::explain(const QString& src, const QString& dst, int port, int proto) const
{
    const policy::PolicyExplainer explainer(m_compiled->topology, *m_compiled->compiler);
    const auto answer = explainer.explain(src, dst, port, proto);
    if (!answer)
        return std::nullopt;
    return answer->toJson();
}

} // namespace keel::control
