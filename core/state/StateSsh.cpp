// State's Tailscale SSH check verbs (check mode, docs/ssh.md): an approval is stored, a refusal
// ends the pair's earlier approval, each with its audit entry in the same transaction. The pending
// checks themselves live in the control plane (machine/SshCheck): they are a held request, not data.
// Part of State.
#include "state/State.h"

#include "common/Clock.h"

#include <algorithm>

namespace keel::state {

using store::Error;
using store::Result;

namespace {

QString target(const SshCheckDecision& d)
{
    return QStringLiteral("node:%1").arg(d.dstNodeId);
}

QString detail(const SshCheckDecision& d)
{
    return QStringLiteral("%1 from node %2 as %3").arg(d.authId).arg(d.srcNodeId).arg(d.localUser);
}

} // namespace

Result<store::SshApproval> State::approveSshCheck(const SshCheckDecision& d, qint64 periodSeconds, const Actor& by)
{
    if (!snapshot()->node(d.srcNodeId) || !snapshot()->node(d.dstNodeId))
        return Error::notFound(QStringLiteral("the SSH check's nodes are gone"));
    store::SshApproval a;
    a.srcNodeId = d.srcNodeId;
    a.dstNodeId = d.dstNodeId;
    a.localUser = d.localUser;
    a.approvedAt = Clock::now();
    a.expiresAt = a.approvedAt.addSecs(std::max<qint64>(0, periodSeconds));
    a.approvedBy = by.name;
    // checkPeriod "always" (0) remembers nothing: only the audit entry is written.
    const bool remember = periodSeconds > 0;
    if (auto r = writeAudited([&]() -> Result<void> { return remember ? m_store.putSshApproval(a) : Result<void>{}; },
                              {by, QStringLiteral("sshcheck.approve"), target(d), detail(d)});
        !r)
        return r.error();
    announceAudit();
    return a;
}

Result<void> State::rejectSshCheck(const SshCheckDecision& d, const Actor& by)
{
    // A refusal also ends an earlier approval of the pair.
    bool hadOne = false;
    if (auto r = writeAudited([&] { return store::into(hadOne, m_store.deleteSshApproval(d.srcNodeId, d.dstNodeId)); },
                              {by, QStringLiteral("sshcheck.reject"), target(d), detail(d)});
        !r)
        return r;
    announceAudit();
    return {};
}

Result<QList<store::SshApproval>> State::sshApprovals()
{
    return m_store.listSshApprovals();
}

int State::pruneSshApprovals()
{
    // Tailscale caps checkPeriod at 168 h: an older approval can never apply again.
    auto r = m_store.pruneSshApprovals(Clock::now().addSecs(-168 * 3600));
    return r ? *r : 0;
}

} // namespace keel::state
