#pragma once

#include "store/DatabaseOptions.h"
#include "backup/ExportDocument.h"
#include "store/Result.h"

#include <QHash>
#include <QMap>
#include <QSet>
#include <QSqlDatabase>
#include <QStringList>

namespace keel::store {

// What a Headscale import found: the version it recognised, how many rows of each kind it kept,
// and every row it left out or changed, with the reason.
struct HeadscaleImportReport
{
    QString version;                  // e.g. "0.26 (schema of 0.26.x)"
    QMap<QString, int> imported;      // "users", "nodes", "pre-auth keys", "API keys", "policies"
    QStringList skipped;              // "node 7 (laptop): node key already used by node 3"
    QStringList notes;                // changes made on the way (renames, dropped values)
};

// Reads a Headscale database (SQLite file or PostgreSQL, Headscale 0.22 to 0.29) into an
// ExportDocument that Importer writes into an empty Keel database. Read-only on the source.
//
// The schema is recognised by its tables and columns, not by version numbers alone, because
// Headscale's migrations left databases of one version in several shapes: `machines`/`nodes`,
// `namespace_id`/`user_id`, `ip_addresses`/`ipv4`+`ipv6`, `forced_tags`/`tags`, the `routes` table
// (<= 0.25) or `approved_routes` (>= 0.26), `pre_auth_key_acl_tags` (<= 0.23) or a `tags` column,
// plaintext `key` (<= 0.27) or `prefix` + bcrypt `hash` (>= 0.28) pre-auth keys.
//
// Node keys, machine keys and IPs are kept, so clients reconnect without logging in again (the
// server's Noise key is a file: copy noise_private.key, see docs/migrating-from-headscale.md).
class HeadscaleImport
{
public:
    struct Output
    {
        ExportDocument document;
        HeadscaleImportReport report;
    };

    // `source`: type "sqlite" with sqlitePath, or "postgres" with the pg* fields.
    static Result<Output> read(const DatabaseOptions& source);

    // "postgres://user:pass@host:5432/db?sslmode=disable" or libpq "host=... dbname=..." -> options.
    static Result<DatabaseOptions> postgresOptions(const QString& urlOrConninfo);

    ~HeadscaleImport();
    HeadscaleImport(const HeadscaleImport&) = delete;
    HeadscaleImport& operator=(const HeadscaleImport&) = delete;

private:
    HeadscaleImport() = default;

    Result<void> open(const DatabaseOptions& source);
    bool hasTable(const QString& table);
    QSet<QString> columns(const QString& table);
    QString detectVersion();
    void skip(const QString& what, const QString& why) { m_out.report.skipped << what + QStringLiteral(": ") + why; }
    void note(const QString& text) { m_out.report.notes << text; }

    Result<void> readUsers();
    Result<void> readPreAuthKeys();
    Result<void> readNodes();                              // HeadscaleImportNodes.cpp
    Result<QHash<qint64, QStringList>> readRouteTable(bool enabledOnly); // HeadscaleImportNodes.cpp
    Result<void> readApiKeys();
    Result<void> readPolicies();

    QString m_connection;
    QSqlDatabase m_db;
    bool m_sqlite = true;
    Output m_out;
    QSet<qint64> m_userIds;          // imported users
    QHash<qint64, bool> m_keyEphemeral; // imported pre-auth keys -> ephemeral
};

} // namespace keel::store
