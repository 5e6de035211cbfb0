#pragma once

#include "config/Config.h"
#include "state/State.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonObject>

#include <functional>
#include <optional>

namespace keel::admin {

// What the admin routes act on. Every change goes through `state` (the one writer: it validates,
// stores, publishes, emits the event and the audit entry); `store` is read for lists and lookups
// only. The control plane fills the hooks once it runs.
struct AdminContext
{
    store::Store& store;
    state::State& state;
    const config::Config& config;
    // Whether a node has a live map session.
    std::function<bool(qint64 nodeId)> isOnline;
    // The routes a node serves now: the subnet routes it is primary for (HA election) and, with
    // `withExit`, its exit routes. Empty until the control plane runs.
    std::function<QStringList(qint64 nodeId, bool withExit)> servingRoutes;
    // Answers "can src reach dst on port/proto, and by which rule" on the policy in force
    // ({allowed, peers, rules, reason}); nullopt when src or dst names no node.
    std::function<std::optional<QJsonObject>(const QString& src, const QString& dst, int port, int proto)> explainPolicy;
    // Pending interactive registrations (control plane): approve for a user by name, reject, list.
    std::function<store::Result<store::Node>(const QString& authId, const QString& user, const state::Actor& by)> approveRegistration;
    std::function<store::Result<void>(const QString& authId, const state::Actor& by)> rejectRegistration;
    std::function<QJsonArray()> pendingRegistrations;
    // Decides a pending Tailscale SSH check (`auth approve|reject --auth-id ID`) and answers the
    // SSH server node waiting on it. False when the id names no pending SSH check.
    std::function<bool(const QString& authId, bool approve, const state::Actor& by)> decideSshCheck;
    // POST /api/v1/debug/node (`keel debug create-node`): a pending registration for a made-up
    // machine; the reply describes it. Headscale's DebugCreateNode.
    std::function<store::Result<QJsonObject>(const QString& authId, const QString& name, const QString& user,
                                             const QStringList& routes, const state::Actor& by)> debugCreateNode;
    // `keel auth list`: undecided SSH checks and the SSH check approvals in force.
    std::function<QJsonArray()> pendingSshChecks;
    std::function<QJsonArray()> sshApprovals;
    // GET /debug/node/{id}: what the node receives (packet filter, SSH policy) and its peers with
    // why each is one; nullopt when the id names no node. Empty until the control plane runs.
    std::function<std::optional<QJsonObject>(qint64 nodeId)> debugNode;
    // GET /debug/derpmap: the DERP map nodes receive.
    std::function<QJsonObject()> derpMap;
    // GET /api/v1/node/{id}/reachable (Reachability.h): the peers a node may reach, with ports.
    std::function<QJsonArray(qint64 nodeId)> reachablePeers;
    // GET /api/v1/server/status: the parts of the running server the admin cannot see in the
    // lists (embedded DERP and its clients, STUN, the DNS settings and extra records, the DERP map).
    std::function<QJsonObject()> serverStatus;
};

} // namespace keel::admin
