#include "store/Exporter.h"

#include "KeelVersion.h"
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
        QStringLiteral("SELECT id, name, display_name, email, provider_id, provider, profile_pic_url, created_at, "
                       "updated_at FROM users ORDER BY id"),
        m_progress, [&](const QSqlQuery& q) {
            User u;
            u.id = q.value(0).toLongLong();
            u.name = q.value(1).toString();
            u.displayName = q.value(2).toString();
            u.email = q.value(3).toString();
            u.providerId = q.value(4).toString();
            u.provider = q.value(5).toString();
            u.profilePicUrl = q.value(6).toString();
            u.createdAt = toTime(q.value(7));
            u.updatedAt = toTime(q.value(8));
            doc.users << u;
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("pre_auth_keys"),
        QStringLiteral("SELECT id, prefix, legacy_key, user_id, reusable, ephemeral, used, expiration, created_at, "
                       "tags, hash_scheme, hash FROM pre_auth_keys ORDER BY id"),
        m_progress, [&](const QSqlQuery& q) {
            ExportedPreAuthKey k;
            k.key.id = q.value(0).toLongLong();
            k.key.prefix = q.value(1).toString();
            k.key.legacyKey = q.value(2).toString();
            k.key.userId = toOptId(q.value(3));
            k.key.reusable = q.value(4).toInt() != 0;
            k.key.ephemeral = q.value(5).toInt() != 0;
            k.key.used = q.value(6).toInt() != 0;
            k.key.expiration = toOptTime(q.value(7));
            k.key.createdAt = toTime(q.value(8));
            k.key.tags = toList(q.value(9));
            k.secret.scheme = q.value(10).toString();
            // A legacy key's stored form is the key itself (kept in legacy_key, hash is empty).
            k.secret.value = k.secret.scheme == QLatin1String("plain") ? k.key.legacyKey.toLatin1()
                                                                       : q.value(11).toString().toLatin1();
            doc.preAuthKeys << k;
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("nodes"),
        QStringLiteral("SELECT id, machine_key, node_key, disco_key, nl_key, ipv4, ipv6, hostname, given_name, user_id, "
                       "tags, hostinfo, endpoints, announced_routes, approved_routes, expiry, last_seen, ephemeral, "
                       "register_method, auth_key_id, created_at, updated_at FROM nodes ORDER BY id"),
        m_progress, [&](const QSqlQuery& q) {
            Node n;
            n.id = q.value(0).toLongLong();
            n.machineKey = q.value(1).toString();
            n.nodeKey = q.value(2).toString();
            n.discoKey = q.value(3).toString();
            n.nlKey = q.value(4).toString();
            n.ipv4 = q.value(5).toString();
            n.ipv6 = q.value(6).toString();
            n.hostname = q.value(7).toString();
            n.givenName = q.value(8).toString();
            n.userId = toOptId(q.value(9));
            n.tags = toList(q.value(10));
            n.hostinfoJson = q.value(11).toString().toUtf8();
            n.endpoints = toList(q.value(12));
            n.announcedRoutes = toList(q.value(13));
            n.approvedRoutes = toList(q.value(14));
            n.expiry = toOptTime(q.value(15));
            n.lastSeen = toOptTime(q.value(16));
            n.ephemeral = q.value(17).toInt() != 0;
            n.registerMethod = q.value(18).toString();
            n.authKeyId = toOptId(q.value(19));
            n.createdAt = toTime(q.value(20));
            n.updatedAt = toTime(q.value(21));
            doc.nodes << n;
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("api_keys"),
        QStringLiteral("SELECT id, prefix, expiration, created_at, last_seen, hash_scheme, hash FROM api_keys ORDER BY id"),
        m_progress, [&](const QSqlQuery& q) {
            ExportedApiKey k;
            k.key.id = q.value(0).toLongLong();
            k.key.prefix = q.value(1).toString();
            k.key.expiration = toOptTime(q.value(2));
            k.key.createdAt = toTime(q.value(3));
            k.key.lastSeen = toOptTime(q.value(4));
            k.secret.scheme = q.value(5).toString();
            k.secret.value = q.value(6).toString().toLatin1();
            doc.apiKeys << k;
        });
    if (!r.ok())
        return r.error();

    r = eachRow(db, QStringLiteral("policies"), QStringLiteral("SELECT id, data, updated_at FROM policies ORDER BY id"),
        m_progress, [&](const QSqlQuery& q) {
            doc.policies << ExportedPolicy{q.value(0).toLongLong(), q.value(1).toString(), toTime(q.value(2))};
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
