// State's route bookkeeping (control.md 7): auto-approval, served routes, the HA election and
// the prober's health verdicts. Part of State; a file of its own to keep State.cpp about nodes.
#include "state/State.h"

#include "common/Log.h"
#include "state/PrimaryRoutes.h"
#include "state/RouteApproval.h"

#include <algorithm>

namespace keel::state {

void State::deriveRoutes(Snapshot& next, ChangeList& changes, bool refreshRouters) const
{
    const SnapshotPtr prev = snapshot();
    PrimaryRoutes::derive(next, prev.get());

    // Nodes whose primary set changed: their peers need new AllowedIPs/PrimaryRoutes, and the node
    // itself its self view.
    QSet<qint64> told;
    if (prev) {
        if (prev->primaries != next.primaries) {
            for (auto it = next.primaries.cbegin(); it != next.primaries.cend(); ++it)
                if (prev->primaries.value(it.key()) != it.value())
                    qCInfo(lcState).noquote() << "route" << it.key() << "primary is now node" << it.value();
            for (auto it = prev->primaries.cbegin(); it != prev->primaries.cend(); ++it)
                if (!next.primaries.contains(it.key()))
                    qCInfo(lcState).noquote() << "route" << it.key() << "has no primary (no online router)";
        }
        QSet<qint64> ids(prev->primariesByNode.keyBegin(), prev->primariesByNode.keyEnd());
        for (auto it = next.primariesByNode.cbegin(); it != next.primariesByNode.cend(); ++it)
            ids.insert(it.key());
        for (qint64 id : std::as_const(ids)) {
            if (next.nodes.contains(id) && prev->primariesByNode.value(id) != next.primariesByNode.value(id)) {
                changes << Change::changed(id, true);
                told.insert(id);
            }
        }
        refreshRouters = refreshRouters || prev->servedRoutes != next.servedRoutes;
    }
    // Who sees which route depends on the viewer (policy, its own routes): when that may have
    // changed, every router is sent again and each viewer gets its own view of it.
    if (refreshRouters) {
        QList<qint64> routers(next.servedRoutes.keyBegin(), next.servedRoutes.keyEnd());
        std::sort(routers.begin(), routers.end());
        for (qint64 id : routers)
            if (!told.contains(id) && next.hasRoutes(id))
                changes << Change::changed(id, false);
    }
}

bool State::autoApprove(const Snapshot& s, store::Node& n)
{
    auto approved = RouteApproval::withAutoApprovals(s.policy.get(), s.users, n);
    if (!approved)
        return false;
    qCInfo(lcState).noquote() << "node" << (n.id ? QString::number(n.id) : QStringLiteral("(new)")) << n.givenName
                              << "routes auto-approved by policy:" << approved->join(QStringLiteral(", "));
    n.approvedRoutes = *approved;
    return true;
}

bool State::setRouterHealth(const QHash<qint64, bool>& healthy)
{
    auto next = mutableCopy();
    bool changed = false;
    for (auto it = healthy.cbegin(); it != healthy.cend(); ++it) {
        if (!next->nodes.contains(it.key()))
            continue;
        if (!it.value() && !next->unhealthy.contains(it.key())) {
            qCWarning(lcState) << "router" << it.key() << "did not answer the HA probe: excluded from route election";
            next->unhealthy.insert(it.key());
            changed = true;
        } else if (it.value() && next->unhealthy.remove(it.key())) {
            qCInfo(lcState) << "router" << it.key() << "answers the HA probe again";
            changed = true;
        }
    }
    if (changed)
        publish(next, {});
    return changed;
}

void State::clearUnhealthy(qint64 id)
{
    if (snapshot()->unhealthy.contains(id))
        setRouterHealth({{id, true}});
}

} // namespace keel::state
