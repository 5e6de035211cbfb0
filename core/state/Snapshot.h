#pragma once

#include "policy/Policy.h"
#include "state/LiveNode.h"
#include "store/User.h"

#include <QHash>
#include <QMap>
#include <QSet>
#include <QStringList>

#include <memory>

namespace keel::state {

// One immutable view of the tailnet. Readers hold a std::shared_ptr<const Snapshot> and never
// lock; State publishes a new one after every change (nodes are shared between snapshots).
struct Snapshot
{
    quint64 version = 0;
    QMap<qint64, std::shared_ptr<const LiveNode>> nodes; // by id, ascending
    QHash<QString, qint64> byNodeKey;                     // "nodekey:..." -> id
    QHash<QString, qint64> byLabel;                       // MagicDNS label -> id
    QHash<qint64, store::User> users;
    // Null when there is no policy document: everyone may talk to everyone (allow-all).
    std::shared_ptr<const policy::Policy> policy;

    // Routes (control.md 7), derived by State on every publish from the nodes above:
    QHash<qint64, QStringList> servedRoutes;          // announced ∩ approved (subnet + both exits), nodes with any
    QMap<QString, qint64> primaries;                  // HA election: subnet prefix -> serving node
    QHash<qint64, QStringList> primariesByNode;       // the inverse, each list sorted
    QSet<qint64> exitNodes;                           // nodes offering both exit routes
    QSet<qint64> unhealthy;                           // routers that missed the HA prober's last ping
    // Nodes waiting for device approval: they see no peer and no peer sees them.
    QSet<qint64> unauthorized;

    // Whether what a node sees depends on who it is (a policy, or nodes hidden by device
    // approval); otherwise every node sees every other.
    bool perViewer() const { return policy || !unauthorized.isEmpty(); }

    QStringList primaryRoutesOf(qint64 id) const { return primariesByNode.value(id); }
    // Whether the node puts any route into its peers' AllowedIPs (then AllowedIPs depend on the viewer).
    bool hasRoutes(qint64 id) const { return primariesByNode.contains(id) || exitNodes.contains(id); }

    const LiveNode* node(qint64 id) const
    {
        const auto it = nodes.constFind(id);
        return it == nodes.cend() ? nullptr : it->get();
    }
    const LiveNode* nodeByKey(const QString& nodeKey) const
    {
        const auto it = byNodeKey.constFind(nodeKey);
        return it == byNodeKey.cend() ? nullptr : node(*it);
    }
    const store::User* user(qint64 id) const
    {
        const auto it = users.constFind(id);
        return it == users.cend() ? nullptr : &*it;
    }
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

} // namespace keel::state
