#pragma once

#include "policy/PolicyCompiler.h"

#include <QJsonObject>
#include <QStringList>

namespace keel::policy {

// Runs a policy's `sshTests` (spec C.13) against the compiled SSH policies: for one source and
// destination hosts, the listed login users must be accepted, denied, or accepted through a
// check (holdAndDelegate) rule. A failing or malformed test rejects the policy.
class SshTester {
public:
    SshTester(const Policy& policy, const Topology& topology, const PolicyCompiler& compiler);

    // Returns the problems found (empty: all sshTests pass).
    QStringList run() const;

private:
    struct Reach {
        bool accept = false; // some rule (accept or check) lets the user in
        bool check = false;  // ... and one of them is a check rule
    };
    static Reach reachability(const QJsonObject& sshPolicy, const QString& srcIp, const QString& user);
    static bool userMapAllows(const QJsonObject& users, const QString& user);
    QString shapeProblem(const Alias& dst) const;

    const Policy& m_policy;
    const Topology& m_topo;
    const PolicyCompiler& m_compiler;
};

} // namespace keel::policy
