#pragma once

#include "store/DatabaseOptions.h"
#include "store/HostReachability.h"

#include <QAtomicInteger>
#include <QElapsedTimer>
#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace keel::store {

// One store's database connections: one per thread, because a QSqlDatabase must stay on the
// thread that opened it. Names are "keel.store.<store number>.<thread address>".
// Each new connection is configured the same way (SQLite pragmas, PostgreSQL search_path).
class Connection
{
public:
    explicit Connection(const DatabaseOptions& options);
    ~Connection();

    bool isSqlite() const { return m_sqlite; }
    const DatabaseOptions& options() const { return m_options; }

    // The calling thread's open connection; an invalid/closed QSqlDatabase (and *error) on failure.
    QSqlDatabase database(QString* error = nullptr);
    void releaseThread();
    // Drops the calling thread's connection and opens a new one. For PostgreSQL after the server
    // went away (restart, failover, network): Qt keeps reporting the old connection open while
    // every statement on it fails, and libpq does not reconnect by itself. After a failed attempt
    // the next one waits a second; a host that does not answer at all is found out within a
    // second and then refused at once until it answers again (HostReachability).
    QSqlDatabase reopen(QString* error = nullptr);

    // The calling thread's open transaction on this connection (see inTransaction): its nesting
    // depth (0 = none) and whether a joined step failed.
    struct ThreadTx
    {
        int depth = 0;
        bool doomed = false;
    };
    ThreadTx& threadTx();

private:
    QString nameForThisThread() const;
    // Registers this thread's connection under `name`, set up but not opened yet.
    QSqlDatabase addConnection(const QString& name, QString* error);
    bool configure(QSqlDatabase& db, QString* error) const;

    DatabaseOptions m_options;
    bool m_sqlite;
    int m_number;
    QMutex m_mutex;
    QSet<QString> m_names;
    QElapsedTimer m_lastFailedReopen;
    std::unique_ptr<HostReachability> m_reachability;   // PostgreSQL over TCP only
    QAtomicInteger<bool> m_troubled{false};             // since the last failed statement or open
};

} // namespace keel::store
