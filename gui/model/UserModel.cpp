#include "UserModel.h"

namespace keel::gui {

UserModel::UserModel(QObject* parent)
    : JsonTableModel(QStringLiteral("id"), parent)
{
    addColumn({tr("ID"), [](const QJsonObject& u) { return json::text(u, "id"); }, [](const QJsonObject& u) -> QVariant { return json::text(u, "id").toLongLong(); }, {}});
    addColumn({tr("Name"), [](const QJsonObject& u) { return json::text(u, "name"); }, {}, {}});
    addColumn({tr("Display name"), [](const QJsonObject& u) { return json::text(u, "displayName"); }, {}, {}});
    addColumn({tr("Email"), [](const QJsonObject& u) { return json::text(u, "email"); }, {}, {}});
    addColumn({tr("Created"), [](const QJsonObject& u) { return json::shortTime(u.value(QStringLiteral("createdAt"))); },
               [](const QJsonObject& u) -> QVariant { return json::time(u.value(QStringLiteral("createdAt"))); }, {}});
}

QStringList UserModel::names() const
{
    QStringList out;
    for (const QJsonObject& u : rows())
        out.append(json::text(u, "name"));
    out.sort();
    return out;
}

} // namespace keel::gui
