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

    // Compiles `policy` against `topology` (with its auto-approved routes, as the server enforces
    // it) and runs the tests and sshTests: empty when they pass or there are none, otherwise
    // failureText() of the problems. What every policy write and reload goes through.
    static QString verify(const Policy& policy, const Topology& topology);
    // "test(s) failed:" (Tailscale's API error) followed by one line per problem.
    static QString failureText(const QStringList& problems);

private:
    bool allows(const IpAddress& src, const IpAddress& dst, int port, int proto) const;
    QList<IpAddress> addressesOf(const Alias& a) const;

    const Policy& m_policy;
    const Topology& m_topo;
    const PolicyCompiler& m_compiler;
};

} // namespace keel::policy
