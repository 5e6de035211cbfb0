#include "JsonTableModel.h"

#include <QDateTime>
#include <QLocale>

namespace keel::gui {

namespace json {
QString text(const QJsonObject& o, const char* key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString() : v.isDouble() ? QString::number(v.toInteger()) : QString();
}

QStringList strings(const QJsonValue& array)
{
    QStringList out;
    for (const QJsonValue& v : array.toArray())
        out.append(v.toString());
    return out;
}

QDateTime time(const QJsonValue& value)
{
    const QString s = value.toString();
    if (s.isEmpty() || s.startsWith(QLatin1String("0001-01-01")))
        return {};
    return QDateTime::fromString(s, Qt::ISODateWithMs);
}

QString shortTime(const QJsonValue& value)
{
    const QDateTime t = time(value);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
}
} // namespace json

JsonTableModel::JsonTableModel(const QString& keyField, QObject* parent)
    : QAbstractTableModel(parent)
    , m_keyField(keyField)
{
}

QString JsonTableModel::keyOf(const QJsonObject& row) const
{
    return json::text(row, m_keyField.toLatin1().constData());
}

void JsonTableModel::reindex()
{
    m_index.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        m_index.insert(keyOf(m_rows[i]), i);
}

void JsonTableModel::reset(const QJsonArray& rows)
{
    beginResetModel();
    m_rows.clear();
    for (const QJsonValue& v : rows)
        if (v.isObject())
            m_rows.append(v.toObject());
    reindex();
    endResetModel();
    Q_EMIT changed();
}

void JsonTableModel::upsert(const QJsonObject& row)
{
    const QString key = keyOf(row);
    if (key.isEmpty())
        return;
    if (const int at = rowOf(key); at >= 0) {
        m_rows[at] = row;
        Q_EMIT dataChanged(index(at, 0), index(at, columnCount() - 1));
    } else {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows.append(row);
        m_index.insert(key, int(m_rows.size()) - 1);
        endInsertRows();
    }
    Q_EMIT changed();
}

void JsonTableModel::remove(const QString& key)
{
    const int at = rowOf(key);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    reindex();
    endRemoveRows();
    Q_EMIT changed();
}

QJsonObject JsonTableModel::byKey(const QString& key) const
{
    const int at = rowOf(key);
    return at < 0 ? QJsonObject() : m_rows[at];
}

int JsonTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JsonTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant JsonTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= m_columns.size())
        return {};
    const QJsonObject& row = m_rows[index.row()];
    const Column& column = m_columns[index.column()];
    switch (role) {
    case Qt::DisplayRole:
        return column.display(row);
    case SortRole:
        return column.sortKey ? column.sortKey(row) : column.display(row);
    case KeyRole:
        return keyOf(row);
    case ObjectRole:
        return row;
    default:
        return column.other ? column.other(row, role) : QVariant();
    }
}

QVariant JsonTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section < m_columns.size())
        return m_columns[section].title;
    return {};
}

} // namespace keel::gui
