#pragma once

#include "policy/PolicyCompiler.h"

#include <QJsonObject>
#include <QStringList>

namespace keel::policy {

// Answers "can A reach B on port P (protocol X), and by which rule" against a compiled policy:
// the call behind `keel policy explain` and the GUI's ACL editor. The answer is what B's packet
// filter decides (filters are enforced by the receiving node), plus whether the two see each
// other as peers.
class PolicyExplainer {
public:
    struct Answer {
        bool allowed = false;
        bool peers = false;     // A and B are in each other's peer lists
        QStringList rules;      // policy entries that allow it ("acls[0]", "grants[2]")
        QString reason;         // one human sentence
        // The provider groups (oidcgroup:) of A's owner from its last OIDC login: what an
        // oidcgroup: rule matched or missed.
        QStringList srcProviderGroups;
        QString src, dst;       // the node names
        // When src or dst names several nodes (a tag, a user, a group, a host alias covering a
        // prefix): one answer per pair; the fields above then sum them up (allowed: every pair).
        QList<Answer> pairs;
        QJsonObject toJson() const;
    };

    PolicyExplainer(const Topology& topology, const PolicyCompiler& compiler);

    // `proto` is an IANA number (6 = TCP). `port` is ignored for protocols without ports.
    Answer explain(int srcNode, int dstNode, int port, int proto = 6) const;
    // By node name (hostname), tailnet address, or policy alias (host alias, tag:x, group:x,
    // user@, autogroup:member, ...; a bare word that is no node or host is tried as user@);
    // nullopt when either names no node.
    std::optional<Answer> explain(const QString& src, const QString& dst, int port, int proto = 6) const;

    int findNode(const QString& nameOrIp) const;
    // Every node an argument of explain() names, in topology order.
    QList<int> findNodes(const QString& argument) const;
    // "tcp", "udp", "icmp", ... or the number.
    static QString protocolName(int proto);

    static constexpr int kMaxPairs = 100;   // beyond this, pairs are counted, not listed

private:
    const Topology& m_topo;
    const PolicyCompiler& m_compiler;
};

} // namespace keel::policy
