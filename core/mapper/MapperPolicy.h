#pragma once

#include "policy/PolicyCompiler.h"
#include "state/Snapshot.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

#include <memory>
#include <optional>

namespace keel::control {

// The policy compiled against one snapshot: packet filters, peer visibility, SSH policy and node
// capabilities per node. Built once per snapshot version that has a policy and shared by every
// session; without a policy the mapper uses allow-all and never builds one. Per-node results are
// computed on first use and cached (single-threaded: the mapper runs on the state's thread).
//
// Built from the previous snapshot's when the policy is the same: a snapshot that changed nothing
// the policy reads (endpoints, online state, Hostinfo) reuses the compile and the peer cache as
// they are; a node joining, leaving or being retagged updates the compile incrementally
// (PolicyCompiler's incremental constructor). A new policy is compiled in full.
class MapperPolicy
{
public:
    // `previous` (optional) must stay alive during construction only. `sshActionBase` is the base of
    // check rules' holdAndDelegate URL (MapperOptions::sshActionBase).
    explicit MapperPolicy(const state::SnapshotPtr& snapshot, const MapperPolicy* previous = nullptr,
                          const QString& sshActionBase = {});

    quint64 version() const { return m_snapshot->version; }
    const QSet<qint64>& peersOf(qint64 nodeId);
    QJsonArray filterFor(qint64 nodeId) const;
    QJsonObject sshPolicyFor(qint64 nodeId) const;
    // PolicyCompiler::sshCheckPeriodSeconds for two node ids (nullopt when either is unknown).
    std::optional<qint64> sshCheckPeriodSeconds(qint64 srcId, qint64 dstId) const;
    QJsonObject capMapFor(qint64 nodeId) const;
    // "Can src reach dst on port/proto, and by which rule" (nodes by name or address); nullopt when
    // either names no node.
    std::optional<QJsonObject> explain(const QString& src, const QString& dst, int port, int proto) const;
    bool hasSsh() const { return m_snapshot->policy && m_snapshot->policy->hasSsh; }
    // Headscale's CanAccessRoute (ReduceRoutes, control.md 7.3): whether some rule of the
    // viewer's unreduced filter lets it reach `route` (canonical prefix), or lets the route reach it,
    // or, for a subnet router, connects its own subnets with the route.
    bool canAccessRoute(qint64 viewerId, const QString& route);
    // Grants with `via`: the tags of the routers the viewer must use for `route` (canonical
    // prefix); empty when no via grant steers it there. Cached like canAccessRoute.
    QStringList viaTags(qint64 viewerId, const QString& route);
    bool hasVia() const { return m_hasVia; }

    // How this one was built (tests and logs).
    enum class Reuse { None, Whole, Incremental };
    Reuse reuse() const { return m_reuse; }

private:
    // The topology (auto-approved routes applied) and its compile; shared between successive
    // MapperPolicies while the topology stays the same.
    struct Compiled {
        std::shared_ptr<const policy::Policy> policy;
        policy::Topology topology;
        std::unique_ptr<policy::PolicyCompiler> compiler;
        QHash<qint64, int> index; // node id -> topology index
    };
    const policy::TopologyNode* node(qint64 nodeId) const;

    state::SnapshotPtr m_snapshot;
    std::shared_ptr<const Compiled> m_compiled;
    QHash<qint64, QSet<qint64>> m_peers;
    // A viewer's unreduced rules with their destination sets, for route access. Viewers whose
    // rules are alike share one entry: the global rules plus what the compiler adds per node
    // (autogroup:self: the owner's; via grants: the tags and routes of a tagged router), so the key
    // is the owner of an untagged node, the tags of a tagged one, and the node of a tagged router.
    struct RouteMatchers
    {
        QList<policy::FilterRule> rules;
        QList<policy::IpSet> dsts; // rules[i].dstSet()
    };
    const RouteMatchers& routeMatchersFor(const policy::TopologyNode& node);
    QHash<QString, std::shared_ptr<const RouteMatchers>> m_routeMatchers;
    QHash<qint64, QHash<QString, bool>> m_routeAccess; // viewer -> route -> answer (kept with a reused compile)
    QHash<qint64, QHash<QString, QStringList>> m_viaTags; // viewer -> route -> via tags
    bool m_hasVia = false;
    Reuse m_reuse = Reuse::None;
};

} // namespace keel::control
