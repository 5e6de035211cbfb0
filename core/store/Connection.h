#pragma once

#include "store/DatabaseOptions.h"

#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

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
    bool configure(QSqlDatabase& db, QString* error) const;

    DatabaseOptions m_options;
    bool m_sqlite;
    int m_number;
    QMutex m_mutex;
    QSet<QString> m_names;
};

} // namespace keel::store
