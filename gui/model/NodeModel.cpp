#include "NodeModel.h"

#include <QColor>
#include <QIcon>

namespace keel::gui {

QString NodeModel::displayName(const QJsonObject& node)
{
    const QString given = json::text(node, "givenName");
    return given.isEmpty() ? json::text(node, "name") : given;
}

QString NodeModel::owner(const QJsonObject& node)
{
    const QStringList tags = json::strings(node.value(QStringLiteral("tags")));
    if (!tags.isEmpty())
        return tags.join(QStringLiteral(", "));
    return json::text(node.value(QStringLiteral("user")).toObject(), "name");
}

NodeModel::NodeModel(QObject* parent)
    : JsonTableModel(QStringLiteral("id"), parent)
{
    addColumn({tr("Name"), [](const QJsonObject& n) { return displayName(n); }, {},
               [](const QJsonObject& n, int role) -> QVariant {
                   if (role == Qt::ToolTipRole)
                       return tr("Host name reported by the device: %1").arg(json::text(n, "name"));
                   return {};
               }});
    addColumn({tr("User or tags"), [](const QJsonObject& n) { return owner(n); }, {}, {}});
    addColumn({tr("Addresses"), [](const QJsonObject& n) { return json::strings(n.value(QStringLiteral("ipAddresses"))).join(QStringLiteral(", ")); }, {}, {}});
    addColumn({tr("OS"), [](const QJsonObject& n) { return json::text(n, "os"); }, {}, {}});
    addColumn({tr("Client version"), [](const QJsonObject& n) { return json::text(n, "clientVersion").section(QLatin1Char('-'), 0, 0); }, {},
               [](const QJsonObject& n, int role) -> QVariant { return role == Qt::ToolTipRole ? json::text(n, "clientVersion") : QVariant(); }});
    addColumn({tr("Status"),
               [](const QJsonObject& n) -> QVariant {
                   if (!isAuthorized(n))
                       return tr("Waiting for approval");
                   return isOnline(n) ? tr("Online") : tr("Offline");
               },
               [](const QJsonObject& n) -> QVariant { return isOnline(n) ? 1 : 0; },
               [](const QJsonObject& n, int role) -> QVariant {
                   if (role == Qt::DecorationRole)
                       return QColor(isOnline(n) ? QColor(0x2e, 0xa0, 0x43) : QColor(0x9a, 0x9a, 0x9a));
                   return {};
               }});
    addColumn({tr("Last seen"), [](const QJsonObject& n) { return isOnline(n) ? tr("now") : json::shortTime(n.value(QStringLiteral("lastSeen"))); },
               [](const QJsonObject& n) -> QVariant { return isOnline(n) ? QDateTime::currentDateTimeUtc().addYears(1) : json::time(n.value(QStringLiteral("lastSeen"))); }, {}});
    addColumn({tr("Key expiry"), [](const QJsonObject& n) -> QVariant {
                   const QDateTime t = json::time(n.value(QStringLiteral("expiry")));
                   return t.isValid() ? json::shortTime(n.value(QStringLiteral("expiry"))) : tr("never");
               },
               [](const QJsonObject& n) -> QVariant { return json::time(n.value(QStringLiteral("expiry"))); }, {}});
}

void NodeModel::setOnline(const QString& id, bool online)
{
    QJsonObject node = byKey(id);
    if (node.isEmpty())
        return;
    node.insert(QStringLiteral("online"), online);
    if (!online)
        node.insert(QStringLiteral("lastSeen"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    upsert(node);
}

int NodeModel::onlineCount() const
{
    int n = 0;
    for (const QJsonObject& node : rows())
        n += isOnline(node) ? 1 : 0;
    return n;
}

} // namespace keel::gui
