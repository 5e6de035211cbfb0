#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

namespace keel::store {

// One line of the audit log: who did what to which object, when (docs/approvals.md).
struct AuditEntry
{
    qint64 id = 0;
    QDateTime time;
    QString actor;   // "unix:1000", "apikey:AbCdEf12", "node:7", "system", later "oidc:<user>"
    QString action;  // "node.rename", "registration.approve", "policy.set", ...
    QString target;  // "node:7", "user:alice", "preauthkey:3", "registration:hskey-authreq-..."
    QString detail;  // free text: the new name, the tags, the reason
};

// Filters of GET /api/v1/audit; empty fields do not filter. `since`/`until` are inclusive.
struct AuditFilter
{
    std::optional<QDateTime> since;
    std::optional<QDateTime> until;
    QString actor;   // exact
    QString action;  // exact, or a prefix ending in '.' ("node.")
    QString target;  // exact
    int limit = 100;
};

} // namespace keel::store
