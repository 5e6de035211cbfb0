#pragma once

#include "policy/Topology.h"
#include "state/Snapshot.h"

namespace keel::state {

// The policy engine's view of a snapshot: users (with their roles) and nodes (owner or tags,
// addresses, announced and approved routes). What the mapper compiles against and what policy
// writes are tested against. No auto-approvals applied (PolicyApprovals::withAutoApprovals does).
policy::TopologyUser policyUser(const store::User& u);
policy::TopologyNode policyNode(const store::Node& n);
// The snapshot's users, by id (an order that does not depend on hashing).
QList<policy::TopologyUser> policyUsers(const Snapshot& s);
policy::Topology policyTopology(const Snapshot& s);

// The one decision every policy write, reload and check makes: parse `text` (HuJSON, or YAML when
// fileName ends in .yaml/.yml) against the tailnet's users (legacy bare names upgraded, ambiguous
// user references refused), then, unless `tests` is null, run its tests and sshTests against the
// tailnet's nodes (*tests: empty when they pass, else the user references that match no user and
// PolicyTester::failureText). With no
// tailnet (null) the file alone is checked: no user references, no tests. nullopt: *error says
// every problem. Empty text is the "no policy" Policy (allow all).
std::optional<policy::Policy> parsePolicyFor(const policy::Topology* tailnet, const QByteArray& text, const QString& fileName,
                                             QString* error, QString* tests);

} // namespace keel::state
