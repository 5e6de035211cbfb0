#pragma once

#include "policy/Policy.h"
#include "state/LiveNode.h"
#include "store/User.h"

#include <QHash>
#include <QMap>

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
