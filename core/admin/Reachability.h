#pragma once

#include "state/Snapshot.h"

#include <QJsonArray>
#include <QList>

#include <functional>

namespace keel::admin {

// GET /api/v1/node/{id}/reachable: the peers a node may open connections to under the policy in
// force, and on which ports. Read from what the nodes are actually sent: for each peer the node
// sees (its netmap), the peer's packet filter (the rules that say who may reach that peer) is
// searched for rules whose sources cover one of the node's addresses and whose destinations cover
// one of the peer's. A peer the node only sees because the peer may reach it is not listed.
// Each entry: {"id", "name", "ipv4", "ipv6", "ports": ["22", "80-443", "*"], "protocols": [6, 17]}.
QJsonArray reachablePeers(const state::Snapshot& snapshot, qint64 nodeId, const QList<qint64>& visiblePeers,
                          const std::function<QJsonArray(qint64 peerId)>& packetFilterOf);

// Whether `address` is covered by `spec` as a filter writes it: "*", an address, a CIDR prefix
// or an "a-b" range.
bool filterCovers(const QString& spec, const QString& address);

} // namespace keel::admin
