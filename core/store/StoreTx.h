#pragma once

#include "store/Connection.h"
#include "store/Result.h"
#include "store/Transaction.h"

#include <optional>
#include <utility>

namespace keel::store {

// Runs `body(QSqlDatabase&)` inside one transaction on the calling thread's connection and commits
// when it returns a success. Internal to store/.
//
// Called while this thread already has a transaction open on the same connection (Store::
// atomically), it joins that transaction: no BEGIN or COMMIT of its own. A joined step that fails
// dooms the whole transaction, so a caller that ignores the failure still cannot commit the rest.
template<class F>
auto inTransaction(Connection& conn, Transaction::Mode mode, F&& body) -> decltype(body(std::declval<QSqlDatabase&>()))
{
    QString err;
    QSqlDatabase db = conn.database(&err);
    if (!db.isOpen())
        return Error::database(err.isEmpty() ? QStringLiteral("database is not open") : err);
    Connection::ThreadTx& open = conn.threadTx();
    if (open.depth > 0) {
        ++open.depth;
        auto result = body(db);
        --open.depth;
        if (!result.ok())
            open.doomed = true;
        return result;
    }
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
    open = {1, false};
    auto result = body(db);
    const bool doomed = std::exchange(open, Connection::ThreadTx{}).doomed;
    if (!result.ok())
        return result; // rolled back by ~Transaction
    if (doomed)
        return Error::database(QStringLiteral("a step of the transaction failed; nothing was written"));
    if (!tx->commit())
        return Error::database(tx->error());
    return result;
}

} // namespace keel::store
