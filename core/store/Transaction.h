#pragma once

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QString>

namespace keel::store {

// RAII transaction: begun in the constructor, rolled back in the destructor unless committed.
// On SQLite a Write transaction starts with BEGIN IMMEDIATE, taking the write lock up front: a
// deferred transaction that reads first and writes later can fail with SQLITE_BUSY when another
// connection wrote in between, and busy_timeout cannot help that case.
class Transaction
{
public:
    enum Mode { Read, Write };

    Transaction(QSqlDatabase db, bool sqlite, Mode mode);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    bool isActive() const { return m_active; }
    const QString& error() const { return m_error; }
    bool commit();

private:
    bool run(const QString& sql);

    QSqlDatabase m_db;
    QElapsedTimer m_took;   // keel_database_operation_duration_seconds{op}
    Mode m_mode;
    bool m_active = false;
    QString m_error;
};

} // namespace keel::store
