#pragma once

#include "policy/Policy.h"
#include "policy/Topology.h"

#include <QList>
#include <QStringList>

namespace keel::policy {

// The registration-time questions the policy answers (spec C.5, C.8.5, C.12): may this user put
// these tags on a node (`--advertise-tags` against tagOwners), and which of a node's advertised
// routes do the autoApprovers approve. Reads the policy and the users; no state of its own.
class PolicyApprovals {
public:
    PolicyApprovals(const Policy& policy, const Topology& topology);

    // Tags among `tags` the user may not assign (undeclared, or not owned by the user directly,
    // through a group, or through a tag whose owners include the user). Empty: all allowed.
    QStringList refusedTags(qint64 userId, const QStringList& tags) const;
    bool canAssignTags(qint64 userId, const QStringList& tags) const { return refusedTags(userId, tags).isEmpty(); }

    // The subset of `routes` (normally the node's advertised routes) that autoApprovers approve
    // for this node: a subnet route inside an approved prefix whose approvers match the node, an
    // exit route (0.0.0.0/0, ::/0) when the node matches autoApprovers.exitNode.
    QList<IpPrefix> autoApprovedRoutes(const TopologyNode& node, const QList<IpPrefix>& routes) const;

    // The topology with every node's auto-approved advertised routes added to its approved ones:
    // what the tailnet looks like once the server has applied the policy's approvals.
    static Topology withAutoApprovals(const Policy& policy, const Topology& topology);

private:
    bool userOwnsTag(qint64 userId, const QString& tag, QStringList& visiting) const;
    bool userMatches(qint64 userId, const Alias& owner) const;
    bool nodeMatches(const TopologyNode& node, const QList<Alias>& approvers) const;

    const Policy& m_policy;
    const Topology& m_topo;
};

} // namespace keel::policy
