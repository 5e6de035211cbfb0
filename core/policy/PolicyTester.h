#pragma once

#include "policy/PolicyCompiler.h"

#include <QStringList>

namespace keel::policy {

// Runs a policy's `tests` (spec C.13) against its compiled filters: each test names one source
// and destinations `host:port` that must be reachable (accept) or not (deny). Used on every
// policy write; a failing or malformed test rejects the policy.
class PolicyTester {
public:
    PolicyTester(const Policy& policy, const Topology& topology, const PolicyCompiler& compiler);

    // Returns the problems found (empty: all tests and sshTests pass).
    QStringList run() const;

private:
    bool allows(const IpAddress& src, const IpAddress& dst, int port, int proto) const;
    QList<IpAddress> addressesOf(const Alias& a) const;

    const Policy& m_policy;
    const Topology& m_topo;
    const PolicyCompiler& m_compiler;
};

} // namespace keel::policy
