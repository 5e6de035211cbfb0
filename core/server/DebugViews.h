#pragma once

#include "mapper/Mapper.h"
#include "state/Snapshot.h"

#include <QJsonObject>

#include <optional>

namespace keel::server {

// GET /debug/node/{id}: what a node receives from the map pipeline, and why each peer is one.
class DebugViews
{
public:
    // {node, filter, sshPolicy, peers: [{id, name, addresses, allowedIPs, why: [...]}]}; nullopt when
    // the id names no node. `why` says which way the policy lets traffic flow ("peer may connect
    // to node" when the node's filter admits the peer as a source, "node may connect to peer" when
    // the peer's filter admits the node); with no policy, "no policy: every node sees every other";
    // a peer seen for no such reason is there for routes (a subnet router it may use, or one of
    // its fellow routers).
    static std::optional<QJsonObject> node(control::Mapper& mapper, const state::SnapshotPtr& s, qint64 nodeId);

private:
    // Whether one of `filter`'s rules has a source covering one of `addresses`.
    static bool admits(const QJsonArray& filter, const QStringList& addresses);
};

} // namespace keel::server
