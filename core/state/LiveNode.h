#pragma once

#include "store/Node.h"

#include <QDateTime>

namespace keel::state {

// A node as the control plane sees it: the durable record plus what lives only while the server
// runs (online, the client's capability version).
struct LiveNode
{
    store::Node node;
    bool online = false;
    int capVersion = 0;       // MapRequest.Version of the node's last request; 0 = unknown
    QDateTime offlineSince;   // when the last map stream ended (ephemeral GC); invalid while online

    bool isTagged() const { return !node.tags.isEmpty(); }
    // Tagged nodes never expire (Headscale).
    bool isExpired(const QDateTime& now) const { return !isTagged() && node.expiry && *node.expiry <= now; }
};

} // namespace keel::state
