#include "store/Connection.h"

#include "common/Log.h"
#include "platform/Files.h"

#include <QAtomicInt>
#include <QHash>
#include <QFile>
#include <QMutexLocker>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QThreadStorage>


namespace keel::store {

namespace {

QAtomicInt g_nextNumber{1};

bool exec(QSqlDatabase& db, const QString& sql, QString* error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    if (error)
        *error = QStringLiteral("%1: %2").arg(sql, q.lastError().text());
    return false;
}

// Headscale's database.postgres.ssl is a bool or a libpq sslmode.
QString sslMode(const QString& ssl)
{
    const QString s = ssl.trimmed().toLower();
    if (s.isEmpty() || s == QLatin1String("false") || s == QLatin1String("0"))
        return QStringLiteral("disable");
    if (s == QLatin1String("true") || s == QLatin1String("1"))
        return QStringLiteral("require");
    return s;
}

bool isIdentifier(const QString& s)
{
    if (s.isEmpty() || s.size() > 63)
        return false;
    for (QChar c : s)
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('_'))
            return false;
    return !s.at(0).isDigit();
}

// The database holds node and key material: a new file is created owner-only before SQLite opens
// it, and SQLite gives its -wal and -shm files the mode of the database file. An existing file
// keeps the mode its operator chose.
void createOwnerOnly(const QString& path)
{
    if (path.isEmpty() || path == QLatin1String(":memory:") || path.startsWith(QLatin1String("file:")))
        return;
    platform::createOwnerOnlyFile(path);
}

} // namespace

Connection::Connection(const DatabaseOptions& options)
    : m_options(options)
    , m_sqlite(options.type != QLatin1String("postgres") && options.type != QLatin1String("postgresql"))
    , m_number(g_nextNumber.fetchAndAddRelaxed(1))
{
    if (!m_sqlite && HostReachability::applies(options.pgHost))
        m_reachability = std::make_unique<HostReachability>(options.pgHost, options.pgPort > 0 ? options.pgPort : 5432);
}

Connection::~Connection()
{
    QMutexLocker lock(&m_mutex);
    for (const QString& name : std::as_const(m_names)) {
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
}

QString Connection::nameForThisThread() const
{
    return QStringLiteral("keel.store.%1.%2")
        .arg(m_number)
        .arg(reinterpret_cast<quintptr>(QThread::currentThread()), 0, 16);
}

QSqlDatabase Connection::database(QString* error)
{
    const QString name = nameForThisThread();
    bool known = false;
    {
        QMutexLocker lock(&m_mutex);
        known = m_names.contains(name);
        if (known) {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                return db;
        }
    }
    // Opening after trouble (a failed statement or open): only when the host answers at all, since
    // a black-holed host would hold this thread for libpq's connect_timeout. Outside the lock, so
    // other threads' open connections stay usable meanwhile.
    if (m_reachability && m_troubled.loadRelaxed() && !m_reachability->answers(error))
        return known ? QSqlDatabase::database(name, false) : QSqlDatabase();
    QSqlDatabase db = known ? QSqlDatabase::database(name, false) : addConnection(name, error);
    if (!db.isValid())
        return db;
    if (!db.open()) {
        m_troubled.storeRelaxed(true);
        if (error)
            *error = db.lastError().text().trimmed();   // callers say which database they could not open
        return db;
    }
    if (!configure(db, error)) {
        db.close();
        return db;
    }
    m_troubled.storeRelaxed(false);
    qCDebug(lcStore) << "opened connection" << name;
    return db;
}

QSqlDatabase Connection::addConnection(const QString& name, QString* error)
{
    {
        QMutexLocker lock(&m_mutex);
        m_names.insert(name);
    }
    QSqlDatabase db
        = QSqlDatabase::addDatabase(m_sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), name);
    if (!db.isValid()) {
        if (error)
            *error = QStringLiteral("Qt SQL driver %1 is not available").arg(m_sqlite ? "QSQLITE" : "QPSQL");
        return db;
    }
    if (m_sqlite) {
        createOwnerOnly(m_options.sqlitePath);
        db.setDatabaseName(m_options.sqlitePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_options.busyTimeoutMs));
        return db;
    }
    db.setHostName(m_options.pgHost);
    if (m_options.pgPort > 0)
        db.setPort(m_options.pgPort);
    db.setDatabaseName(m_options.pgName);
    db.setUserName(m_options.pgUser);
    db.setPassword(m_options.pgPass);
    // tcp_user_timeout and keepalives: a connection whose host stops answering fails after 10 s
    // of unacknowledged data (idle: within about 30 s), instead of after the kernel's
    // retransmissions (some 15 minutes) with the calling thread held all along. A busy server
    // does not trip it: its kernel acknowledges what it has not read yet.
    db.setConnectOptions(QStringLiteral("sslmode=%1;connect_timeout=10;keepalives=1;keepalives_idle=15;"
                                        "keepalives_interval=5;keepalives_count=3;tcp_user_timeout=10000")
                             .arg(sslMode(m_options.pgSsl)));
    return db;
}

bool Connection::configure(QSqlDatabase& db, QString* error) const
{
    if (m_sqlite) {
        // foreign_keys is per connection and off by default; busy_timeout makes a writer wait for
        // another connection's lock instead of failing at once.
        if (!exec(db, QStringLiteral("PRAGMA foreign_keys = ON"), error))
            return false;
        if (!exec(db, QStringLiteral("PRAGMA busy_timeout = %1").arg(m_options.busyTimeoutMs), error))
            return false;
        if (m_options.sqliteWal) {
            if (!exec(db, QStringLiteral("PRAGMA journal_mode = WAL"), error))
                return false;
            // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
            if (!exec(db, QStringLiteral("PRAGMA synchronous = NORMAL"), error))
                return false;
            if (!exec(db, QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(qMax(0, m_options.walAutocheckpoint)),
                      error))
                return false;
        }
        return true;
    }
    // Keep NOTICEs ("schema already exists, skipping") out of our logs.
    if (!exec(db, QStringLiteral("SET client_min_messages TO WARNING"), error))
        return false;
    if (!m_options.pgSchema.isEmpty()) {
        if (!isIdentifier(m_options.pgSchema)) {
            if (error)
                *error = QStringLiteral("invalid PostgreSQL schema name");
            return false;
        }
        if (!exec(db, QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(m_options.pgSchema), error))
            return false;
        if (!exec(db, QStringLiteral("SET search_path TO %1").arg(m_options.pgSchema), error))
            return false;
    }
    if (!exec(db, QStringLiteral("SET lock_timeout = %1").arg(qMax(0, m_options.pgLockTimeoutMs)), error)
        || !exec(db, QStringLiteral("SET statement_timeout = %1").arg(qMax(0, m_options.pgStatementTimeoutMs)), error))
        return false;
    return exec(db, QStringLiteral("SET TIME ZONE 'UTC'"), error);
}

Connection::ThreadTx& Connection::threadTx()
{
    // Per thread and per connection; an entry left by a destroyed Connection is back at depth 0
    // (inTransaction always resets it), so a new Connection at the same address starts clean.
    // QThreadStorage, not thread_local: with MinGW-w64's runtime, a thread_local that has a
    // destructor corrupts the heap when its thread exits (test_store's two-thread race crashed
    // under Wine; a plain C++ program with one thread_local std::map does the same).
    // The storage itself is never destroyed: a thread (the main one, at exit) may end after static
    // destructors ran, and its entry would then be lost instead of freed.
    static auto* open = new QThreadStorage<QHash<const Connection*, ThreadTx>>;
    return open->localData()[this];
}

QSqlDatabase Connection::reopen(QString* error)
{
    m_troubled.storeRelaxed(true);   // a statement failed: the host may be gone
    const QString name = nameForThisThread();
    {
        QMutexLocker lock(&m_mutex);
        if (m_lastFailedReopen.isValid() && m_lastFailedReopen.elapsed() < 1000) {
            if (error)
                *error = QStringLiteral("the database is unreachable (retrying every second)");
            return QSqlDatabase();
        }
        if (m_names.contains(name))
            QSqlDatabase::database(name, false).close();
    }
    QSqlDatabase db = database(error);
    QMutexLocker lock(&m_mutex);
    if (db.isOpen()) {
        m_lastFailedReopen.invalidate();
        qCInfo(lcStore) << "reconnected to the database";
    } else {
        m_lastFailedReopen.start();
    }
    return db;
}

void Connection::releaseThread()
{
    const QString name = nameForThisThread();
    QMutexLocker lock(&m_mutex);
    if (!m_names.remove(name))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace keel::store
