#include "TempDatabase.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace keel::test {

namespace {
QAtomicInt g_counter{0};
}

TempDatabase::TempDatabase(const QString& backend)
    : m_backend(backend)
{
    if (backend == QLatin1String("sqlite")) {
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid()) {
            m_reason = QStringLiteral("cannot create a temporary directory");
            return;
        }
        m_options.type = QStringLiteral("sqlite");
        m_options.sqlitePath = m_dir->filePath(QStringLiteral("keel.sqlite"));
        m_available = true;
        return;
    }
    if (backend != QLatin1String("postgres")) {
        m_reason = QStringLiteral("unknown backend ") + backend;
        return;
    }
    const QString host = qEnvironmentVariable("KEEL_TEST_PG_HOST");
    if (host.isEmpty()) {
        m_reason = QStringLiteral("PostgreSQL tests need KEEL_TEST_PG_* (eval \"$(scripts/test-postgres.sh)\")");
        return;
    }
    m_options.type = QStringLiteral("postgres");
    m_options.pgHost = host;
    m_options.pgPort = qEnvironmentVariableIntValue("KEEL_TEST_PG_PORT");
    m_options.pgUser = qEnvironmentVariable("KEEL_TEST_PG_USER");
    m_options.pgPass = qEnvironmentVariable("KEEL_TEST_PG_PASSWORD");
    m_options.pgName = qEnvironmentVariable("KEEL_TEST_PG_DB");
    // One schema per test: as isolated as a new database, and far cheaper to create and drop.
    m_options.pgSchema = QStringLiteral("t_%1_%2_%3")
                             .arg(QCoreApplication::applicationPid())
                             .arg(g_counter.fetchAndAddRelaxed(1))
                             .arg(QRandomGenerator::global()->generate() & 0xffffff, 0, 16);

    m_adminConnection = QStringLiteral("keel.test.admin.") + m_options.pgSchema;
    QSqlDatabase db = addSession(m_adminConnection);
    if (!db.open()) {
        m_reason = QStringLiteral("cannot connect to the PostgreSQL test server: ") + db.lastError().text();
        return;
    }
    QSqlQuery q(db);
    q.exec(QStringLiteral("SET client_min_messages TO WARNING"));
    if (!q.exec(QStringLiteral("CREATE SCHEMA %1").arg(m_options.pgSchema))) {
        m_reason = QStringLiteral("cannot create a test schema: ") + q.lastError().text();
        return;
    }
    m_available = true;
}

TempDatabase::~TempDatabase()
{
    if (m_adminConnection.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_adminConnection, false);
        if (db.isOpen() && m_available)
            QSqlQuery(db).exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(m_options.pgSchema));
        db.close();
    }
    QSqlDatabase::removeDatabase(m_adminConnection);
}

QSqlDatabase TempDatabase::addSession(const QString& connectionName) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(m_options.pgHost);
    db.setPort(m_options.pgPort);
    db.setUserName(m_options.pgUser);
    db.setPassword(m_options.pgPass);
    db.setDatabaseName(m_options.pgName);
    return db;
}

bool TempDatabase::required() const
{
    return m_backend == QLatin1String("postgres") && qEnvironmentVariable("KEEL_TEST_PG_REQUIRED") == QLatin1String("1");
}

} // namespace keel::test
