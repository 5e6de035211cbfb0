#include "store/Migrations.h"

#include "common/Log.h"
#include "store/Transaction.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace keel::store {

namespace {

// DDL is written once with placeholders for the few places the dialects differ:
//   %ID%     an auto-increment 64-bit primary key
//   %BIGINT% a 64-bit integer (times are milliseconds since the epoch, UTC)
// Booleans are INTEGER 0/1 on both backends; lists are JSON arrays in TEXT.
const QStringList& step(int version)
{
    static const QStringList v1 = {
        QStringLiteral("CREATE TABLE users ("
                       " id %ID%,"
                       " name TEXT NOT NULL,"
                       " display_name TEXT NOT NULL DEFAULT '',"
                       " email TEXT NOT NULL DEFAULT '',"
                       " provider_id TEXT," // NULL unless the user came from OIDC
                       " provider TEXT NOT NULL DEFAULT '',"
                       " profile_pic_url TEXT NOT NULL DEFAULT '',"
                       " created_at %BIGINT% NOT NULL,"
                       " updated_at %BIGINT% NOT NULL)"),
        QStringLiteral("CREATE UNIQUE INDEX users_name ON users (name)"),
        QStringLiteral("CREATE UNIQUE INDEX users_provider_id ON users (provider_id)"),

        QStringLiteral("CREATE TABLE pre_auth_keys ("
                       " id %ID%,"
                       " prefix TEXT,"        // NULL for a legacy plaintext key
                       " hash_scheme TEXT NOT NULL,"
                       " hash TEXT NOT NULL DEFAULT '',"
                       " legacy_key TEXT,"    // the whole key, only for scheme 'plain'
                       " user_id %BIGINT% REFERENCES users (id),"
                       " reusable INTEGER NOT NULL DEFAULT 0,"
                       " ephemeral INTEGER NOT NULL DEFAULT 0,"
                       " used INTEGER NOT NULL DEFAULT 0,"
                       " tags TEXT NOT NULL DEFAULT '[]',"
                       " expiration %BIGINT%,"
                       " created_at %BIGINT% NOT NULL)"),
        QStringLiteral("CREATE UNIQUE INDEX pre_auth_keys_prefix ON pre_auth_keys (prefix)"),
        QStringLiteral("CREATE UNIQUE INDEX pre_auth_keys_legacy_key ON pre_auth_keys (legacy_key)"),
        QStringLiteral("CREATE INDEX pre_auth_keys_user ON pre_auth_keys (user_id)"),

        QStringLiteral("CREATE TABLE nodes ("
                       " id %ID%,"
                       " machine_key TEXT NOT NULL,"
                       " node_key TEXT NOT NULL,"
                       " disco_key TEXT NOT NULL DEFAULT '',"
                       " nl_key TEXT NOT NULL DEFAULT '',"
                       " ipv4 TEXT,"
                       " ipv6 TEXT,"
                       " hostname TEXT NOT NULL DEFAULT '',"
                       " given_name TEXT NOT NULL,"
                       " user_id %BIGINT% REFERENCES users (id),"
                       " tags TEXT NOT NULL DEFAULT '[]',"
                       " hostinfo TEXT NOT NULL DEFAULT '',"
                       " endpoints TEXT NOT NULL DEFAULT '[]',"
                       " announced_routes TEXT NOT NULL DEFAULT '[]',"
                       " approved_routes TEXT NOT NULL DEFAULT '[]',"
                       " expiry %BIGINT%,"
                       " last_seen %BIGINT%,"
                       " ephemeral INTEGER NOT NULL DEFAULT 0,"
                       " register_method TEXT NOT NULL DEFAULT '',"
                       " auth_key_id %BIGINT% REFERENCES pre_auth_keys (id) ON DELETE SET NULL,"
                       " created_at %BIGINT% NOT NULL,"
                       " updated_at %BIGINT% NOT NULL)"),
        QStringLiteral("CREATE UNIQUE INDEX nodes_node_key ON nodes (node_key)"),
        QStringLiteral("CREATE UNIQUE INDEX nodes_given_name ON nodes (given_name)"),
        QStringLiteral("CREATE UNIQUE INDEX nodes_ipv4 ON nodes (ipv4)"),
        QStringLiteral("CREATE UNIQUE INDEX nodes_ipv6 ON nodes (ipv6)"),
        QStringLiteral("CREATE INDEX nodes_machine_key ON nodes (machine_key)"),
        QStringLiteral("CREATE INDEX nodes_user ON nodes (user_id)"),
        QStringLiteral("CREATE INDEX nodes_auth_key ON nodes (auth_key_id)"),

        QStringLiteral("CREATE TABLE api_keys ("
                       " id %ID%,"
                       " prefix TEXT NOT NULL,"
                       " hash_scheme TEXT NOT NULL,"
                       " hash TEXT NOT NULL,"
                       " expiration %BIGINT%,"
                       " created_at %BIGINT% NOT NULL,"
                       " last_seen %BIGINT%)"),
        QStringLiteral("CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix)"),
    };
    static const QStringList v2 = {
        // Every stored policy, newest last: the history costs little and helps an admin undo.
        QStringLiteral("CREATE TABLE policies ("
                       " id %ID%,"
                       " data TEXT NOT NULL,"
                       " updated_at %BIGINT% NOT NULL)"),
        QStringLiteral("CREATE TABLE server_state ("
                       " key TEXT PRIMARY KEY,"
                       " value TEXT NOT NULL)"), // base64
    };
    static const QStringList v3 = {
        // Device approval: existing nodes stay authorized.
        QStringLiteral("ALTER TABLE nodes ADD COLUMN authorized INTEGER NOT NULL DEFAULT 1"),
        QStringLiteral("ALTER TABLE pre_auth_keys ADD COLUMN pre_approved INTEGER NOT NULL DEFAULT 0"),
        // The audit log: who did what to which object (admin verbs and security events).
        QStringLiteral("CREATE TABLE audit_log ("
                       " id %ID%,"
                       " time %BIGINT% NOT NULL,"
                       " actor TEXT NOT NULL,"
                       " action TEXT NOT NULL,"
                       " target TEXT NOT NULL DEFAULT '',"
                       " detail TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE INDEX audit_log_time ON audit_log (time)"),
    };
    static const QStringList v4 = {
        // The groups an OIDC login named (JSON array), for `oidcgroup:` in the policy.
        QStringLiteral("ALTER TABLE users ADD COLUMN provider_groups TEXT NOT NULL DEFAULT '[]'"),
    };
    static const QStringList v5 = {
        // OAuth clients of the Tailscale-compatible API (/api/v2). The secret is stored hashed,
        // like API keys; access tokens are signed, not stored (see tsapi/AccessToken).
        QStringLiteral("CREATE TABLE oauth_clients ("
                       " id %ID%,"
                       " client_id TEXT NOT NULL,"
                       " hash_scheme TEXT NOT NULL,"
                       " hash TEXT NOT NULL,"
                       " description TEXT NOT NULL DEFAULT '',"
                       " scopes TEXT NOT NULL DEFAULT '[]',"
                       " tags TEXT NOT NULL DEFAULT '[]',"
                       " created_at %BIGINT% NOT NULL,"
                       " last_used %BIGINT%)"),
        QStringLiteral("CREATE UNIQUE INDEX oauth_clients_client_id ON oauth_clients (client_id)"),
    };
    static const QStringList v6 = {
        // Who stored each policy and why: one row per `policies` row (the text stays there, so
        // export, import and the Headscale import keep working on `policies` alone). Policies
        // stored before version 6 or imported have no row: their author is unknown.
        QStringLiteral("CREATE TABLE policy_history ("
                       " policy_id %BIGINT% PRIMARY KEY,"
                       " actor TEXT NOT NULL,"
                       " note TEXT NOT NULL DEFAULT '')"),
    };
    static const QStringList v7 = {
        // Approved Tailscale SSH checks (check mode), so a restart does not ask users again
        // within the rule's checkPeriod. One row per (source, destination) node pair.
        QStringLiteral("CREATE TABLE ssh_check_approvals ("
                       " src_node_id %BIGINT% NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,"
                       " dst_node_id %BIGINT% NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,"
                       " local_user TEXT NOT NULL DEFAULT '',"
                       " approved_at %BIGINT% NOT NULL,"
                       " expires_at %BIGINT% NOT NULL,"
                       " approved_by TEXT NOT NULL DEFAULT '',"
                       " PRIMARY KEY (src_node_id, dst_node_id))"),
        QStringLiteral("CREATE INDEX ssh_check_approvals_dst ON ssh_check_approvals (dst_node_id)"),
    };
    static const QStringList none;
    switch (version) {
    case 1:
        return v1;
    case 2:
        return v2;
    case 3:
        return v3;
    case 4:
        return v4;
    case 5:
        return v5;
    case 6:
        return v6;
    case 7:
        return v7;
    default:
        return none;
    }
}

constexpr int Latest = 7;

QString dialect(QString sql, bool sqlite)
{
    sql.replace(QLatin1String("%ID%"),
                sqlite ? QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT")
                       : QLatin1String("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
    sql.replace(QLatin1String("%BIGINT%"), sqlite ? QLatin1String("INTEGER") : QLatin1String("BIGINT"));
    return sql;
}

bool run(QSqlDatabase& db, const QString& sql, QString* error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    if (error)
        *error = QStringLiteral("%1: %2").arg(sql.left(80), q.lastError().text());
    return false;
}

} // namespace

int Migrations::latest()
{
    return Latest;
}

int Migrations::currentVersion(QSqlDatabase& db, bool sqlite, QString* error)
{
    // Not QSqlDatabase::tables(): on PostgreSQL it lists every schema, not the search_path.
    QSqlQuery probe(db);
    const QString exists = sqlite
        ? QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'keel_schema'")
        : QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'keel_schema'");
    if (!probe.exec(exists) || !probe.next()) {
        if (error)
            *error = QStringLiteral("cannot inspect the database: %1").arg(probe.lastError().text());
        return -1;
    }
    if (probe.value(0).toInt() == 0)
        return 0;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT version FROM keel_schema")) || !q.next()) {
        if (error)
            *error = QStringLiteral("cannot read the schema version: %1").arg(q.lastError().text());
        return -1;
    }
    return q.value(0).toInt();
}

bool Migrations::migrate(QSqlDatabase& db, bool sqlite, QString* error, int target)
{
    if (target < 0)
        target = Latest;
    int version = currentVersion(db, sqlite, error);
    if (version < 0)
        return false;
    if (version > Latest) {
        if (error)
            *error = QStringLiteral("the database has schema version %1, newer than this Keel knows (%2)")
                         .arg(version)
                         .arg(Latest);
        return false;
    }
    if (version == 0) {
        Transaction tx(db, sqlite, Transaction::Write);
        if (!tx.isActive()) {
            if (error)
                *error = tx.error();
            return false;
        }
        if (!run(db, QStringLiteral("CREATE TABLE keel_schema (version INTEGER NOT NULL)"), error)
            || !run(db, QStringLiteral("INSERT INTO keel_schema (version) VALUES (0)"), error))
            return false;
        if (!tx.commit()) {
            if (error)
                *error = tx.error();
            return false;
        }
    }
    while (version < target) {
        const int next = version + 1;
        Transaction tx(db, sqlite, Transaction::Write);
        if (!tx.isActive()) {
            if (error)
                *error = tx.error();
            return false;
        }
        for (const QString& sql : step(next)) {
            if (!run(db, dialect(sql, sqlite), error)) {
                if (error)
                    *error = QStringLiteral("migration to version %1 failed: %2").arg(next).arg(*error);
                return false;
            }
        }
        if (!run(db, QStringLiteral("UPDATE keel_schema SET version = %1").arg(next), error))
            return false;
        if (!tx.commit()) {
            if (error)
                *error = tx.error();
            return false;
        }
        qCInfo(lcStore) << "database migrated to schema version" << next;
        version = next;
    }
    return true;
}

} // namespace keel::store
