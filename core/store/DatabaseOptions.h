#pragma once

#include <QString>

namespace keel::store {

// The database.* keys of config.yaml (spec D.5), as the store needs them.
struct DatabaseOptions
{
    QString type = QStringLiteral("sqlite"); // "sqlite" (also "sqlite3") or "postgres"

    // SQLite
    QString sqlitePath;
    bool sqliteWal = true;          // database.sqlite.write_ahead_log
    int walAutocheckpoint = 1000;   // database.sqlite.wal_autocheckpoint (pages; 0 disables)
    int busyTimeoutMs = 10000;      // how long a writer waits for another connection's lock
    int checkpointIntervalSecs = 300; // periodic PASSIVE checkpoint on the store's thread (0: off)

    // PostgreSQL
    QString pgHost;                 // host name, address, or a unix socket directory
    int pgPort = 5432;
    QString pgName;
    QString pgUser;
    QString pgPass;
    QString pgSsl;                  // "", "false", "true" or a libpq sslmode ("disable", "require", ...)
    QString pgSchema;               // optional: schema to use (created if missing); tests use one per test
    // Set on every PostgreSQL session (not config keys): a statement waiting this long for a lock
    // someone else holds (another instance's transaction, an operator's psql), or running this long
    // at all, fails instead of holding the calling thread (often the control thread).
    int pgLockTimeoutMs = 10000;
    int pgStatementTimeoutMs = 60000;
};

} // namespace keel::store
