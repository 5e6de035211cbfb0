#pragma once

#include "store/Result.h"
#include "store/SqlValues.h"

#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>

// The two shapes every table's reads take: all rows of a SELECT, or the one row a key names. The
// reader turns the current row of the query into a value, so a table's columns are read in one
// place (store/Rows.h).

namespace keel::store {

template <typename Read>
auto selectRows(QSqlDatabase& db, const QString& sql, const QVariantList& values, Read read)
    -> Result<QList<decltype(read(std::declval<const QSqlQuery&>()))>>
{
    QSqlQuery q(db);
    Error err;
    if (!SqlValues::exec(q, sql, values, &err))
        return err;
    QList<decltype(read(q))> out;
    while (q.next())
        out << read(q);
    return out;
}

// NotFound(`missing`) when no row matches.
template <typename Read>
auto selectRow(QSqlDatabase& db, const QString& sql, const QVariantList& values, const QString& missing, Read read)
    -> Result<decltype(read(std::declval<const QSqlQuery&>()))>
{
    QSqlQuery q(db);
    Error err;
    if (!SqlValues::exec(q, sql, values, &err))
        return err;
    if (!q.next())
        return Error::notFound(missing);
    return read(q);
}

} // namespace keel::store
