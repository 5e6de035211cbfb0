#pragma once

#include "store/Connection.h"
#include "store/Result.h"
#include "store/Transaction.h"

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
    Transaction tx(db, conn.isSqlite(), mode);
    if (!tx.isActive())
        return Error::database(tx.error());
    auto result = body(db);
    if (!result.ok())
        return result; // rolled back by ~Transaction
    if (!tx.commit())
        return Error::database(tx.error());
    return result;
}

} // namespace keel::store
