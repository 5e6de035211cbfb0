#include "PendingModel.h"

namespace keel::gui {

PendingModel::PendingModel(QObject* parent)
    : JsonTableModel(QStringLiteral("authId"), parent)
{
    addColumn({tr("Host name"), [](const QJsonObject& r) { return json::text(r, "hostname"); }, {}, {}});
    addColumn({tr("OS"), [](const QJsonObject& r) { return json::text(r, "os"); }, {}, {}});
    addColumn({tr("Client version"), [](const QJsonObject& r) { return json::text(r, "clientVersion"); }, {}, {}});
    addColumn({tr("Requested tags"), [](const QJsonObject& r) { return json::strings(r.value(QStringLiteral("requestedTags"))).join(QStringLiteral(", ")); }, {}, {}});
    addColumn({tr("From"), [](const QJsonObject& r) { return json::text(r, "sourceAddress"); }, {}, {}});
    addColumn({tr("Machine key"), [](const QJsonObject& r) { return json::text(r, "machineKey"); }, {}, {}});
    addColumn({tr("Waiting since"), [](const QJsonObject& r) { return json::shortTime(r.value(QStringLiteral("createdAt"))); },
               [](const QJsonObject& r) -> QVariant { return json::time(r.value(QStringLiteral("createdAt"))); }, {}});
    addColumn({tr("Expires"), [](const QJsonObject& r) { return json::shortTime(r.value(QStringLiteral("expiresAt"))); },
               [](const QJsonObject& r) -> QVariant { return json::time(r.value(QStringLiteral("expiresAt"))); }, {}});
}

} // namespace keel::gui
