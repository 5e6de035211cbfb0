#include "store/Store.h"

#include "store/SelectRows.h"
#include "store/SqlValues.h"
#include "store/StoreTx.h"

#include <QSqlQuery>

// Store: approvals of Tailscale SSH checks (schema version 7).

namespace keel::store {

using namespace SqlValues;

Result<void> Store::putSshApproval(const SshApproval& a)
{
    if (a.srcNodeId <= 0 || a.dstNodeId <= 0 || !a.approvedAt.isValid() || !a.expiresAt.isValid())
        return Error::invalid(QStringLiteral("an SSH approval needs both nodes and its times"));
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q,
                  QStringLiteral("INSERT INTO ssh_check_approvals (src_node_id, dst_node_id, local_user, approved_at, expires_at, approved_by) "
                                 "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (src_node_id, dst_node_id) DO UPDATE SET "
                                 "local_user = excluded.local_user, approved_at = excluded.approved_at, "
                                 "expires_at = excluded.expires_at, approved_by = excluded.approved_by"),
                  {a.srcNodeId, a.dstNodeId, a.localUser, time(a.approvedAt), time(a.expiresAt), a.approvedBy}, &err))
            return err;
        return {};
    });
}

Result<bool> Store::deleteSshApproval(qint64 srcNodeId, qint64 dstNodeId)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<bool> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("DELETE FROM ssh_check_approvals WHERE src_node_id = ? AND dst_node_id = ?"), {srcNodeId, dstNodeId}, &err))
            return err;
        return q.numRowsAffected() > 0;
    });
}

Result<QList<SshApproval>> Store::listSshApprovals()
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) {
        return selectRows(db,
                          QStringLiteral("SELECT src_node_id, dst_node_id, local_user, approved_at, expires_at, approved_by "
                                         "FROM ssh_check_approvals ORDER BY dst_node_id, src_node_id"),
                          {}, [](const QSqlQuery& q) {
                              SshApproval a;
                              a.srcNodeId = q.value(0).toLongLong();
                              a.dstNodeId = q.value(1).toLongLong();
                              a.localUser = q.value(2).toString();
                              a.approvedAt = toTime(q.value(3));
                              a.expiresAt = toTime(q.value(4));
                              a.approvedBy = q.value(5).toString();
                              return a;
                          });
    });
}

Result<int> Store::pruneSshApprovals(const QDateTime& approvedBefore)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<int> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("DELETE FROM ssh_check_approvals WHERE approved_at < ?"), {time(approvedBefore)}, &err))
            return err;
        return q.numRowsAffected();
    });
}

} // namespace keel::store
