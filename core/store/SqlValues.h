#pragma once

#include "store/Result.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace keel::store {

// How values cross into SQL the same way on SQLite and PostgreSQL: times as BIGINT milliseconds
// since the epoch (UTC), lists as JSON arrays in TEXT, optional values as typed NULLs.
namespace SqlValues {

QVariant time(const QDateTime& t);
QVariant optTime(const std::optional<QDateTime>& t);
QDateTime toTime(const QVariant& v);
std::optional<QDateTime> toOptTime(const QVariant& v);

QVariant optId(const std::optional<qint64>& id);
std::optional<qint64> toOptId(const QVariant& v);

QVariant nullIfEmpty(const QString& s); // "" -> NULL, so UNIQUE ignores unset values
QString list(const QStringList& l);
QStringList toList(const QVariant& v);

// Prepares and runs `sql` with positional values. On failure fills *error (Conflict for a
// constraint violation, Database otherwise).
bool exec(QSqlQuery& q, const QString& sql, const QVariantList& values, Error* error);
// An UPDATE or DELETE of one row by key: runs it, and answers NotFound(`notFound`) when no row matched.
Result<void> execOnRow(QSqlDatabase& db, const QString& sql, const QVariantList& values, const QString& notFound);

// An INSERT ... RETURNING id: runs it and answers the new row's id.
Result<qint64> insertReturningId(QSqlDatabase& db, const QString& sql, const QVariantList& values);

// "now" from keel::Clock, truncated to what the database keeps (milliseconds).
QDateTime now();

} // namespace SqlValues

} // namespace keel::store
