#pragma once

#include "store/DatabaseOptions.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace keel::test {

// A fresh, empty database for one test: a SQLite file in a temporary directory, or a new schema in
// the PostgreSQL test cluster that scripts/test-postgres.sh started (KEEL_TEST_PG_HOST, _PORT,
// _USER, _PASSWORD, _DB). Without those variables the PostgreSQL backend is unavailable: tests skip
// it, unless KEEL_TEST_PG_REQUIRED=1, when they must fail. Use KEEL_REQUIRE_DATABASE.
class TempDatabase
{
public:
    explicit TempDatabase(const QString& backend); // "sqlite" or "postgres"
    ~TempDatabase();                               // deletes the file / drops the schema
    TempDatabase(const TempDatabase&) = delete;
    TempDatabase& operator=(const TempDatabase&) = delete;

    static QStringList backends() { return {QStringLiteral("sqlite"), QStringLiteral("postgres")}; }

    bool available() const { return m_available; }
    bool required() const; // KEEL_TEST_PG_REQUIRED=1 for postgres
    const QString& reason() const { return m_reason; }
    const keel::store::DatabaseOptions& options() const { return m_options; }
    // PostgreSQL: a new connection to the test database under `connectionName`, not opened yet (a
    // second session, say to hold a lock); the caller removes it with QSqlDatabase::removeDatabase.
    QSqlDatabase addSession(const QString& connectionName) const;

private:
    QString m_backend;
    bool m_available = false;
    QString m_reason;
    keel::store::DatabaseOptions m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_adminConnection;
};

} // namespace keel::test

// Skips (or, when the backend is required, fails) the current test if `db` is not available.
#define KEEL_REQUIRE_DATABASE(db)                                                                              \
    do {                                                                                                       \
        if (!(db).available()) {                                                                               \
            if ((db).required())                                                                               \
                QFAIL(qPrintable(QStringLiteral("required test database unavailable: ") + (db).reason()));     \
            QSKIP(qPrintable((db).reason()));                                                                  \
        }                                                                                                      \
    } while (false)
