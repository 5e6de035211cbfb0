#include "store/Store.h"

#include "store/SqlValues.h"
#include "store/StoreTx.h"

#include <QSqlQuery>

// Store: the audit log.

namespace keel::store {

using namespace SqlValues;

Result<AuditEntry> Store::appendAudit(const AuditEntry& entry)
{
    if (entry.action.isEmpty())
        return Error::invalid(QStringLiteral("an audit entry needs an action"));
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<AuditEntry> {
        AuditEntry e = entry;
        if (!e.time.isValid())
            e.time = now();
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("INSERT INTO audit_log (time, actor, action, target, detail) VALUES (?, ?, ?, ?, ?) RETURNING id"),
                  {time(e.time), e.actor, e.action, e.target, e.detail}, &err))
            return err;
        if (!q.next())
            return Error::database(QStringLiteral("insert returned no id"));
        e.id = q.value(0).toLongLong();
        return e;
    });
}

Result<QList<AuditEntry>> Store::listAudit(const AuditFilter& filter)
{
    QStringList where;
    QVariantList values;
    if (filter.since) {
        where << QStringLiteral("time >= ?");
        values << time(*filter.since);
    }
    if (filter.until) {
        where << QStringLiteral("time <= ?");
        values << time(*filter.until);
    }
    if (!filter.actor.isEmpty()) {
        where << QStringLiteral("actor = ?");
        values << filter.actor;
    }
    if (filter.action.endsWith(QLatin1Char('.'))) {
        where << QStringLiteral("substr(action, 1, ?) = ?");
        values << int(filter.action.size()) << filter.action;
    } else if (!filter.action.isEmpty()) {
        where << QStringLiteral("action = ?");
        values << filter.action;
    }
    if (!filter.target.isEmpty()) {
        where << QStringLiteral("target = ?");
        values << filter.target;
    }
    QString sql = QStringLiteral("SELECT id, time, actor, action, target, detail FROM audit_log");
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY id DESC LIMIT ?");
    values << qBound(1, filter.limit, 10'000);
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<QList<AuditEntry>> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, sql, values, &err))
            return err;
        QList<AuditEntry> out;
        while (q.next())
            out << AuditEntry{q.value(0).toLongLong(), toTime(q.value(1)), q.value(2).toString(),
                              q.value(3).toString(), q.value(4).toString(), q.value(5).toString()};
        return out;
    });
}

Result<int> Store::pruneAudit(const QDateTime& olderThan)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<int> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("DELETE FROM audit_log WHERE time < ?"), {time(olderThan)}, &err))
            return err;
        return q.numRowsAffected();
    });
}

} // namespace keel::store
