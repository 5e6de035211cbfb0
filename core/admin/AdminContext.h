#pragma once

#include "config/Config.h"
#include "store/Store.h"

#include <QJsonObject>

#include <functional>
#include <optional>

namespace keel::admin {

// What the admin routes act on. The control plane fills the hooks once it runs; until then nodes
// are reported offline and changes go nowhere.
struct AdminContext
{
    store::Store& store;
    const config::Config& config;
    // Whether a node has a live map session.
    std::function<bool(qint64 nodeId)> isOnline;
    // The routes a node serves now: the subnet routes it is primary for (HA election) and, with
    // `withExit`, its exit routes. Empty until the control plane runs.
    std::function<QStringList(qint64 nodeId, bool withExit)> servingRoutes;
    // Called after every successful change, with what changed ("user", "node", "policy", ...),
    // so the control plane can push updates to connected nodes.
    std::function<void(const QString& what, qint64 id)> changed;
    // Validates a policy document (HuJSON) as a write would: parsed against the live users, its
    // tests and sshTests run against the live nodes. Returns an empty string when valid, else
    // every problem; *against says what it was checked against ("3 users, 12 nodes").
    std::function<QString(const QString& text, QString* against)> checkPolicy;
    // Answers "can src reach dst on port/proto, and by which rule" on the policy in force
    // ({allowed, peers, rules, reason}); nullopt when src or dst names no node.
    std::function<std::optional<QJsonObject>(const QString& src, const QString& dst, int port, int proto)> explainPolicy;
    // The text of the policy in force (empty: none, allow-all), which in file mode may differ from
    // the file on disk after a refused edit.
    std::function<QString()> policyInForce;
    // Approves a pending interactive registration (`auth register --auth-id ID --user U`) and
    // answers the waiting client; filled by the control plane. Returns the registered node.
    std::function<store::Result<store::Node>(const QString& authId, const QString& user)> approveRegistration;

    void notify(const QString& what, qint64 id) const
    {
        if (changed)
            changed(what, id);
    }
};

} // namespace keel::admin
