#include "state/RouteApproval.h"

#include "policy/PolicyApprovals.h"
#include "state/PolicyTopology.h"
#include "state/PrimaryRoutes.h"

namespace keel::state {

std::optional<QStringList> RouteApproval::withAutoApprovals(const policy::Policy* policy,
                                                            const QHash<qint64, store::User>& users,
                                                            const store::Node& node)
{
    if (!policy || node.announcedRoutes.isEmpty()
        || (policy->autoApproveRoutes.isEmpty() && policy->autoApproveExitNode.isEmpty()))
        return std::nullopt;
    // The approvers are users, groups and tags: the node and the users are all the topology needs.
    policy::Topology topology;
    for (const store::User& u : users)
        topology.users.append(policyUser(u));
    policy::TopologyNode t;
    t.id = node.id;
    t.name = node.givenName;
    t.userId = node.userId.value_or(0);
    t.tags = node.tags;
    QStringList approved;
    for (const QString& r : node.approvedRoutes) {
        const QString c = PrimaryRoutes::canonical(r);
        if (!c.isEmpty() && !approved.contains(c))
            approved.append(c);
    }
    QList<policy::IpPrefix> announced;
    for (const QString& r : node.announcedRoutes) {
        const QString c = PrimaryRoutes::canonical(r);
        if (!c.isEmpty() && !approved.contains(c))
            if (auto p = policy::IpPrefix::parse(c))
                announced.append(*p);
    }
    if (announced.isEmpty())
        return std::nullopt;
    const policy::PolicyApprovals approvals(*policy, topology);
    bool added = false;
    for (const policy::IpPrefix& p : approvals.autoApprovedRoutes(t, announced)) {
        const QString c = p.toString();
        if (!approved.contains(c)) {
            approved.append(c);
            added = true;
        }
    }
    if (!added)
        return std::nullopt;
    approved.sort();
    return approved;
}

} // namespace keel::state
