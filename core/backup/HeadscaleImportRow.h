#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QString>
#include <QVariant>

namespace keel::store {

// Walks the rows of one Headscale table by column name. Columns come and go between Headscale
// versions, so a missing column reads as NULL instead of failing the import.
class HeadscaleImportRow
{
public:
    explicit HeadscaleImportRow(const QSqlDatabase& db) : m_query(db) { m_query.setForwardOnly(true); }

    // SELECT * FROM table ORDER BY id.
    bool select(const QString& table)
    {
        if (!m_query.exec(QStringLiteral("SELECT * FROM %1 ORDER BY id").arg(table)))
            return false;
        m_record = m_query.record();
        return true;
    }
    bool next() { return m_query.next(); }
    QString error() const { return m_query.lastError().text(); }

    bool has(const char* column) const { return m_record.indexOf(QLatin1String(column)) >= 0; }
    QVariant value(const char* column) const
    {
        const int i = m_record.indexOf(QLatin1String(column));
        return i < 0 ? QVariant() : m_query.value(i);
    }
    bool isNull(const char* column) const { return value(column).isNull(); }
    QString text(const char* column) const { return value(column).toString(); }
    qint64 integer(const char* column) const { return value(column).toLongLong(); }

private:
    QSqlQuery m_query;
    QSqlRecord m_record;
};

} // namespace keel::store
