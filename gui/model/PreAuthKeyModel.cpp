#include "PreAuthKeyModel.h"

namespace keel::gui {

namespace {
QString yesNo(bool on)
{
    return on ? PreAuthKeyModel::tr("yes") : PreAuthKeyModel::tr("no");
}
}

PreAuthKeyModel::PreAuthKeyModel(QObject* parent)
    : JsonTableModel(QStringLiteral("id"), parent)
{
    addColumn({tr("ID"), [](const QJsonObject& k) { return json::text(k, "id"); }, [](const QJsonObject& k) -> QVariant { return json::text(k, "id").toLongLong(); }, {}});
    addColumn({tr("User"), [](const QJsonObject& k) { return json::text(k.value(QStringLiteral("user")).toObject(), "name"); }, {}, {}});
    addColumn({tr("Key"), [](const QJsonObject& k) { return json::text(k, "key"); }, {}, {}});
    addColumn({tr("Reusable"), [](const QJsonObject& k) { return yesNo(k.value(QStringLiteral("reusable")).toBool()); }, {}, {}});
    addColumn({tr("Ephemeral"), [](const QJsonObject& k) { return yesNo(k.value(QStringLiteral("ephemeral")).toBool()); }, {}, {}});
    addColumn({tr("Used"), [](const QJsonObject& k) { return yesNo(k.value(QStringLiteral("used")).toBool()); }, {}, {}});
    addColumn({tr("Expires"), [](const QJsonObject& k) -> QVariant {
                   const QString t = json::shortTime(k.value(QStringLiteral("expiration")));
                   return t.isEmpty() ? tr("never") : t;
               },
               [](const QJsonObject& k) -> QVariant { return json::time(k.value(QStringLiteral("expiration"))); }, {}});
    addColumn({tr("Tags"), [](const QJsonObject& k) { return json::strings(k.value(QStringLiteral("aclTags"))).join(QStringLiteral(", ")); }, {}, {}});
}

} // namespace keel::gui
