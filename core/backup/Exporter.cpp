#include "backup/Exporter.h"

#include "KeelVersion.h"
#include "store/Rows.h"
#include "store/SqlValues.h"
#include "store/Store.h"
#include "store/Transaction.h"

#include <QSqlError>
#include <QSqlQuery>

namespace keel::store {

using namespace SqlValues;

namespace {

// Runs a SELECT and hands each row to `read`, reporting progress every 1000 rows.
template<class F>
Result<void> eachRow(QSqlDatabase& db, const QString& table, const QString& sql, const ExportProgress& progress,
                     F&& read)
{
    qint64 total = 0;
    {
        QSqlQuery count(db);
        Error err;
        if (!exec(count, QStringLiteral("SELECT count(*) FROM ") + table, {}, &err))
            return err;
        if (count.next())
            total = count.value(0).toLongLong();
    }
    QSqlQuery q(db);
    q.setForwardOnly(true); // large tables: do not cache every row in the driver
    Error err;
    if (!exec(q, sql, {}, &err))
        return err;
    qint64 done = 0;
    while (q.next()) {
        read(q);
        if (progress && ++done % 1000 == 0)
            progress(table, done, total);
    }
    if (progress)
        progress(table, done, total);
    return {};
}

} // namespace

Result<ExportDocument> Exporter::read()
{
    QSqlDatabase db = m_store.database();
    if (!db.isOpen())
        return Error::database(QStringLiteral("database is not open"));
    const bool sqlite = m_store.backend() == QLatin1String("sqlite");
    Transaction tx(db, sqlite, Transaction::Read);
    if (!tx.isActive())
        return Error::database(tx.error());
    if (!sqlite) {
        // READ COMMITTED would let each SELECT see a different moment; one snapshot is wanted.
        QSqlQuery iso(db);
        if (!iso.exec(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")))
            return Error::database(iso.lastError().text());
    }

    ExportDocument doc;
    doc.schemaVersion = m_store.schemaVersion();
    doc.source = QStringLiteral("keel " KEEL_VERSION);
    doc.exportedAt = now();

    Result<void> r = eachRow(db, QStringLiteral("users"),
        QStringLiteral("SELECT %1 FROM users ORDER BY id").arg(rows::UserColumns),
        m_progress, [&](const QSqlQuery& q) { doc.users << rows::readUser(q); });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("pre_auth_keys"),
        QStringLiteral("SELECT %1 FROM pre_auth_keys ORDER BY id").arg(rows::PakColumns),
        m_progress, [&](const QSqlQuery& q) {
            const rows::PakRow row = rows::readPak(q);
            ExportedPreAuthKey k;
            k.key = row.key;
            k.secret.scheme = row.scheme;
            // A legacy key's stored form is the key itself (kept in legacy_key, hash is empty).
            k.secret.value = row.scheme == QLatin1String("plain") ? row.key.legacyKey.toLatin1() : row.hash;
            doc.preAuthKeys << k;
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("nodes"),
        QStringLiteral("SELECT %1 FROM nodes ORDER BY id").arg(rows::NodeColumns),
        m_progress, [&](const QSqlQuery& q) { doc.nodes << rows::readNode(q); });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("api_keys"),
        QStringLiteral("SELECT %1 FROM api_keys ORDER BY id").arg(rows::ApiColumns), m_progress,
        [&](const QSqlQuery& q) {
            const rows::ApiRow row = rows::readApi(q);
            doc.apiKeys << ExportedApiKey{row.record, StoredSecret{row.scheme, row.hash}};
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("oauth_clients"),
        QStringLiteral("SELECT %1 FROM oauth_clients ORDER BY id").arg(rows::OAuthColumns), m_progress,
        [&](const QSqlQuery& q) {
            const rows::OAuthRow row = rows::readOAuth(q);
            doc.oauthClients << ExportedOAuthClient{row.record, StoredSecret{row.scheme, row.hash}};
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("policies"),
        QStringLiteral("SELECT p.id, p.data, p.updated_at, h.actor, h.note FROM policies p"
                       " LEFT JOIN policy_history h ON h.policy_id = p.id ORDER BY p.id"),
        m_progress, [&](const QSqlQuery& q) {
            doc.policies << ExportedPolicy{q.value(0).toLongLong(), q.value(1).toString(), toTime(q.value(2)),
                                           q.value(3).toString(), q.value(4).toString()};
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("audit_log"),
        QStringLiteral("SELECT time, actor, action, target, detail FROM audit_log ORDER BY id"),
        m_progress, [&](const QSqlQuery& q) {
            doc.auditLog << AuditEntry{0, toTime(q.value(0)), q.value(1).toString(), q.value(2).toString(),
                                       q.value(3).toString(), q.value(4).toString()};
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("server_state"), QStringLiteral("SELECT key, value FROM server_state ORDER BY key"),
        m_progress, [&](const QSqlQuery& q) {
            doc.state.insert(q.value(0).toString(), QByteArray::fromBase64(q.value(1).toString().toLatin1()));
        });
    if (!r.ok())
        return r.error();
    return doc;
}

} // namespace keel::store
