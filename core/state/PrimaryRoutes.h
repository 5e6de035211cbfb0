#pragma once

#include "state/Snapshot.h"
#include "store/Node.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QSet>
#include <QStringList>

namespace keel::state {

// Which node serves each subnet prefix (control.md 7.4, Headscale's electPrimaryRoutes), and the
// route arithmetic on one node that the election, the mapper and the admin API share.
//
// Election, per prefix, among the online nodes that serve exactly that prefix:
//   1. the current primary stays while it is a healthy candidate (anti-flap: a router that comes
//      back does not take its prefixes back);
//   2. otherwise the healthy candidate with the lowest node id;
//   3. if every candidate is unhealthy, the current primary stays if it is still a candidate,
//      else the prefix is unassigned (pointing peers at a router the prober found dead is worse).
class PrimaryRoutes
{
public:
    using Assignment = QMap<QString, qint64>; // canonical prefix -> primary node id

    struct Candidate
    {
        qint64 id = 0;
        bool healthy = true;
        QStringList routes; // served subnet routes (servedSubnetRoutes), online nodes only
    };

    static Assignment elect(const QList<Candidate>& online, const Assignment& previous);
    // Fills next's servedRoutes, exitNodes and primaries (elected against prev's), and drops
    // health verdicts about nodes that are gone. Nodes unchanged since `prev` (the same LiveNode)
    // reuse prev's parsed routes, so a change costs a walk over the nodes, not a parse of them.
    static void derive(Snapshot& next, const Snapshot* prev);
    // The inverse: node id -> its primary prefixes, each list sorted.
    static QHash<qint64, QStringList> byNode(const Assignment& assignment);

    // "10.0.0.0/24" in canonical form (host bits cleared, IPv6 compressed), empty when invalid.
    static QString canonical(const QString& prefix);
    static bool isExitRoute(const QString& prefix);
    // Announced (Hostinfo.RoutableIPs) and approved, exit routes excluded, canonical and sorted.
    static QStringList servedSubnetRoutes(const store::Node& n);
    // The exit routes the node may offer: both 0.0.0.0/0 and ::/0 announced and approved, or none
    // (clients offer a peer as an exit node only when it has both, control.md 7.2).
    static QStringList servedExitRoutes(const store::Node& n);
};

} // namespace keel::state
