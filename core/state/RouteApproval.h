#pragma once

#include "policy/Policy.h"
#include "store/Node.h"
#include "store/User.h"

#include <QHash>
#include <QStringList>

#include <optional>

namespace keel::state {

// The policy's autoApprovers applied to one node (control.md 7.2, Headscale's
// ApproveRoutesWithPolicy): the node's announced routes the policy approves are added to its
// approved ones. Never removes a route: only an admin does that.
class RouteApproval
{
public:
    // The new approved list (canonical, sorted) when the policy adds something; nullopt when it
    // adds nothing (or there is no policy).
    static std::optional<QStringList> withAutoApprovals(const policy::Policy* policy,
                                                        const QHash<qint64, store::User>& users,
                                                        const store::Node& node);
};

} // namespace keel::state
