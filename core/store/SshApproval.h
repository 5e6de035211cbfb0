#pragma once

#include <QDateTime>
#include <QString>

namespace keel::store {

// A Tailscale SSH check that was approved (check mode, docs/ssh.md): connections from the source
// node to the destination node are let in without a new check until `expiresAt`. One per
// (source, destination) pair, as Tailscale and Headscale remember them; a new approval replaces
// the old one. Deleted with either node (foreign keys), on a refusal, and after 7 days (the
// longest checkPeriod Tailscale allows). Whether it still lets a connection in is decided with the
// checkPeriod of the policy in force (as Headscale does), so `expiresAt` records what the period
// was when it was approved.
struct SshApproval
{
    qint64 srcNodeId = 0;
    qint64 dstNodeId = 0;
    QString localUser;   // the local user of the connection that was approved (for people to read)
    QDateTime approvedAt;
    QDateTime expiresAt; // approvedAt + the check rule's checkPeriod when it was approved
    QString approvedBy;  // the actor ("apikey:...", "oidc:<user>", "cli")
};

} // namespace keel::store
