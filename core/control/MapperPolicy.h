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
class MapperPolicy
{
public:
    MapperPolicy(const state::SnapshotPtr& snapshot);

    quint64 version() const { return m_snapshot->version; }
    const QSet<qint64>& peersOf(qint64 nodeId);
    QJsonArray filterFor(qint64 nodeId) const;
    QJsonObject sshPolicyFor(qint64 nodeId) const;
    QJsonObject capMapFor(qint64 nodeId) const;
    // "Can src reach dst on port/proto, and by which rule" (nodes by name or address); nullopt when
    // either names no node.
    std::optional<QJsonObject> explain(const QString& src, const QString& dst, int port, int proto) const;
    bool hasSsh() const { return m_snapshot->policy && m_snapshot->policy->hasSsh; }

private:
    state::SnapshotPtr m_snapshot;
    policy::Topology m_topology;
    std::unique_ptr<policy::PolicyCompiler> m_compiler;
    QHash<qint64, int> m_index;
    QHash<qint64, QSet<qint64>> m_peers;
};

} // namespace keel::control
