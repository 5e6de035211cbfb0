#include "store/SqlValues.h"

#include "common/Clock.h"
#include "common/Log.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>

namespace keel::store::SqlValues {

QVariant time(const QDateTime& t)
{
    return QVariant::fromValue<qint64>(t.toMSecsSinceEpoch());
}

QVariant optTime(const std::optional<QDateTime>& t)
{
    if (!t || !t->isValid())
        return QVariant(QMetaType::fromType<qint64>());
    return time(*t);
}

QDateTime toTime(const QVariant& v)
{
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

std::optional<QDateTime> toOptTime(const QVariant& v)
{
    if (v.isNull())
        return std::nullopt;
    return toTime(v);
}

QVariant optId(const std::optional<qint64>& id)
{
    if (!id)
        return QVariant(QMetaType::fromType<qint64>());
    return QVariant::fromValue<qint64>(*id);
}

std::optional<qint64> toOptId(const QVariant& v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toLongLong();
}

QVariant nullIfEmpty(const QString& s)
{
    if (s.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    return s;
}

QString list(const QStringList& l)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(l)).toJson(QJsonDocument::Compact));
}

QStringList toList(const QVariant& v)
{
    QStringList out;
    const QJsonArray a = QJsonDocument::fromJson(v.toString().toUtf8()).array();
    for (const auto& e : a)
        out << e.toString();
    return out;
}

bool exec(QSqlQuery& q, const QString& sql, const QVariantList& values, Error* error)
{
    bool ok = q.prepare(sql);
    if (ok) {
        for (const QVariant& v : values) {
            // A null QString binds as SQL NULL; an empty string is meant here, unless the caller
            // built a deliberate NULL (QVariant(QMetaType), which isNull()).
            if (v.metaType() == QMetaType::fromType<QString>() && !v.isNull() && v.toString().isNull())
                q.addBindValue(QString(QLatin1String("")));
            else
                q.addBindValue(v);
        }
        ok = q.exec();
    }
    if (ok)
        return true;
    const QSqlError e = q.lastError();
    // SQLSTATE class 23 (PostgreSQL) or SQLite's "... constraint failed".
    const bool constraint = e.nativeErrorCode().startsWith(QLatin1String("23"))
        || e.text().contains(QLatin1String("constraint"), Qt::CaseInsensitive)
        || e.text().contains(QLatin1String("duplicate key"), Qt::CaseInsensitive);
    if (error)
        *error = constraint ? Error::conflict(e.databaseText()) : Error::database(e.text());
    if (!constraint)
        qCWarning(lcStore).noquote() << "query failed:" << sql.left(120) << e.text();
    return false;
}

Result<void> execOnRow(QSqlDatabase& db, const QString& sql, const QVariantList& values, const QString& notFound)
{
    QSqlQuery q(db);
    Error err;
    if (!exec(q, sql, values, &err))
        return err;
    if (q.numRowsAffected() == 0)
        return Error::notFound(notFound);
    return {};
}

Result<qint64> insertReturningId(QSqlDatabase& db, const QString& sql, const QVariantList& values)
{
    QSqlQuery q(db);
    Error err;
    if (!exec(q, sql, values, &err))
        return err;
    if (!q.next())
        return Error::database(QStringLiteral("insert returned no id"));
    return q.value(0).toLongLong();
}

QDateTime now()
{
    return QDateTime::fromMSecsSinceEpoch(Clock::nowMSecs(), Qt::UTC);
}

} // namespace keel::store::SqlValues
