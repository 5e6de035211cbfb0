#pragma once

#include "store/Connection.h"
#include "store/Result.h"
#include "store/Transaction.h"

#include <optional>
#include <utility>

namespace keel::store {

// Runs `body(QSqlDatabase&)` inside one transaction on the calling thread's connection and commits
// when it returns a success. Internal to store/.
template<class F>
auto inTransaction(Connection& conn, Transaction::Mode mode, F&& body) -> decltype(body(std::declval<QSqlDatabase&>()))
{
    QString err;
    QSqlDatabase db = conn.database(&err);
    if (!db.isOpen())
        return Error::database(err.isEmpty() ? QStringLiteral("database is not open") : err);
    std::optional<Transaction> tx(std::in_place, db, conn.isSqlite(), mode);
    if (!tx->isActive() && !conn.isSqlite()) {
        // A PostgreSQL connection that broke while idle (the server restarted) still looks open
        // until a statement fails: its BEGIN fails, nothing was done yet, so open a new
        // connection and begin once more instead of failing this request too.
        tx.reset();
        db = conn.reopen(&err);
        if (!db.isOpen())
            return Error::database(err.isEmpty() ? QStringLiteral("database is not open") : err);
        tx.emplace(db, conn.isSqlite(), mode);
    }
    if (!tx->isActive())
        return Error::database(tx->error());
    auto result = body(db);
    if (!result.ok())
        return result; // rolled back by ~Transaction
    if (!tx->commit())
        return Error::database(tx->error());
    return result;
}

} // namespace keel::store
