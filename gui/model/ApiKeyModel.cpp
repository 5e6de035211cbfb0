#include "ApiKeyModel.h"

namespace keel::gui {

ApiKeyModel::ApiKeyModel(QObject* parent)
    : JsonTableModel(QStringLiteral("id"), parent)
{
    addColumn({tr("ID"), [](const QJsonObject& k) { return json::text(k, "id"); }, [](const QJsonObject& k) -> QVariant { return json::text(k, "id").toLongLong(); }, {}});
    addColumn({tr("Prefix"), [](const QJsonObject& k) { return json::text(k, "prefix"); }, {}, {}});
    addColumn({tr("Expires"), [](const QJsonObject& k) -> QVariant {
                   const QString t = json::shortTime(k.value(QStringLiteral("expiration")));
                   return t.isEmpty() ? tr("never") : t;
               },
               [](const QJsonObject& k) -> QVariant { return json::time(k.value(QStringLiteral("expiration"))); }, {}});
    addColumn({tr("Created"), [](const QJsonObject& k) { return json::shortTime(k.value(QStringLiteral("createdAt"))); },
               [](const QJsonObject& k) -> QVariant { return json::time(k.value(QStringLiteral("createdAt"))); }, {}});
    addColumn({tr("Last used"), [](const QJsonObject& k) { return json::shortTime(k.value(QStringLiteral("lastSeen"))); },
               [](const QJsonObject& k) -> QVariant { return json::time(k.value(QStringLiteral("lastSeen"))); }, {}});
}

} // namespace keel::gui
