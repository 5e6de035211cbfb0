#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <functional>

namespace keel::gui {

// A table of JSON objects from the admin API (nodes, users, keys, ...), one row per object, keyed
// by one field ("id", "authId"). Rows change only through reset() (a list read) and upsert()/remove()
// (events), so every view of it stays consistent. Subclasses declare their columns.
class JsonTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Roles { SortRole = Qt::UserRole + 1, KeyRole, ObjectRole };

    JsonTableModel(const QString& keyField, QObject* parent = nullptr);

    void reset(const QJsonArray& rows);
    void upsert(const QJsonObject& row);
    void remove(const QString& key);

    QJsonObject object(int row) const { return m_rows.value(row); }
    QJsonObject byKey(const QString& key) const;
    int rowOf(const QString& key) const { return m_index.value(key, -1); }
    QString keyOf(const QJsonObject& row) const;
    const QList<QJsonObject>& rows() const { return m_rows; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

Q_SIGNALS:
    void changed();   // after any reset/upsert/remove (dashboard counters)

protected:
    struct Column
    {
        QString title;
        std::function<QVariant(const QJsonObject&)> display;
        std::function<QVariant(const QJsonObject&)> sortKey;   // empty: the display text
        std::function<QVariant(const QJsonObject&, int role)> other;   // decoration, tooltip, ...
    };
    void addColumn(Column column) { m_columns.append(std::move(column)); }

private:
    void reindex();

    QString m_keyField;
    QList<Column> m_columns;
    QList<QJsonObject> m_rows;
    QHash<QString, int> m_index;
};

// Shared helpers for the JSON shapes of /api/v1.
namespace json {
QString text(const QJsonObject& o, const char* key);
QStringList strings(const QJsonValue& array);
QDateTime time(const QJsonValue& value);   // invalid for null / empty / the zero time
QString shortTime(const QJsonValue& value);   // local time, or "" when absent
}

} // namespace keel::gui
