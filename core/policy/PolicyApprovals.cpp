#include "policy/PolicyApprovals.h"

namespace keel::policy {

namespace {
using K = Alias::Kind;

bool within(const IpPrefix& inner, const IpPrefix& outer)
{
    if (inner.addr.v6 != outer.addr.v6 || inner.bits < outer.bits)
        return false;
    IpSet s;
    s.add(outer);
    return s.containsAll(inner);
}
} // namespace

PolicyApprovals::PolicyApprovals(const Policy& policy, const Topology& topology)
    : m_policy(policy)
    , m_topo(topology)
{
}

bool PolicyApprovals::userMatches(qint64 userId, const Alias& owner) const
{
    const TopologyUser* u = m_topo.user(userId);
    if (!u)
        return false;
    switch (owner.kind) {
    case K::User:
        return u->email == owner.name || u->name == owner.name;
    case K::UserDomain:
        return u->email.endsWith(QLatin1Char('@') + owner.name, Qt::CaseInsensitive);
    case K::ProviderGroup:
        return u->providerGroups.contains(owner.name);
    case K::Group:
        for (const QString& m : m_policy.groups.value(owner.name)) {
            QString e;
            const auto a = Alias::parse(m, &e);
            if (a && a->kind != K::Group && userMatches(userId, *a))
                return true;
        }
        return false;
    default:
        return false;
    }
}

bool PolicyApprovals::userOwnsTag(qint64 userId, const QString& tag, QStringList& visiting) const
{
    if (visiting.contains(tag)) // tag owners may form cycles; Tailscale tolerates them
        return false;
    visiting.append(tag);
    for (const Alias& owner : m_policy.tagOwners.value(tag)) {
        if (owner.kind == K::Tag ? userOwnsTag(userId, owner.name, visiting) : userMatches(userId, owner))
            return true;
    }
    return false;
}

QStringList PolicyApprovals::refusedTags(qint64 userId, const QStringList& tags) const
{
    QStringList refused;
    for (const QString& tag : tags) {
        QStringList visiting;
        if (!m_policy.tagOwners.contains(tag) || !userOwnsTag(userId, tag, visiting))
            refused.append(tag);
    }
    return refused;
}

bool PolicyApprovals::nodeMatches(const TopologyNode& node, const QList<Alias>& approvers) const
{
    for (const Alias& a : approvers) {
        if (a.kind == K::Tag) {
            if (node.tags.contains(a.name))
                return true;
        } else if (!node.isTagged() && userMatches(node.userId, a)) {
            return true;
        }
    }
    return false;
}

QList<IpPrefix> PolicyApprovals::autoApprovedRoutes(const TopologyNode& node, const QList<IpPrefix>& routes) const
{
    QList<IpPrefix> out;
    for (const IpPrefix& r : routes) {
        bool ok = false;
        if (isExitRoute(r)) {
            ok = nodeMatches(node, m_policy.autoApproveExitNode);
        } else {
            for (const auto& [prefix, approvers] : m_policy.autoApproveRoutes)
                ok = ok || (within(r, prefix) && nodeMatches(node, approvers));
        }
        if (ok)
            out.append(r);
    }
    return out;
}

Topology PolicyApprovals::withAutoApprovals(const Policy& policy, const Topology& topology)
{
    Topology t = topology;
    const PolicyApprovals approvals(policy, topology);
    for (TopologyNode& n : t.nodes)
        for (const IpPrefix& r : approvals.autoApprovedRoutes(n, n.routableIps))
            if (!n.approvedRoutes.contains(r))
                n.approvedRoutes.append(r);
    return t;
}

} // namespace keel::policy
