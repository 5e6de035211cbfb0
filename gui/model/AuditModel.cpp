#include "AuditModel.h"

#include <QJsonDocument>

namespace keel::gui {

AuditModel::AuditModel(QObject* parent)
    : JsonTableModel(QStringLiteral("id"), parent)
{
    addColumn({tr("Time"), [](const QJsonObject& e) { return json::shortTime(e.value(QStringLiteral("time"))); },
               [](const QJsonObject& e) -> QVariant { return json::time(e.value(QStringLiteral("time"))); }, {}});
    addColumn({tr("Actor"), [](const QJsonObject& e) { return json::text(e, "actor"); }, {}, {}});
    addColumn({tr("Action"), [](const QJsonObject& e) { return json::text(e, "action"); }, {}, {}});
    addColumn({tr("Target"), [](const QJsonObject& e) { return json::text(e, "target"); }, {}, {}});
    addColumn({tr("Detail"), [](const QJsonObject& e) {
                   const QJsonValue d = e.value(QStringLiteral("detail"));
                   return d.isString() ? d.toString() : QString::fromUtf8(QJsonDocument(d.toObject()).toJson(QJsonDocument::Compact));
               }, {}, {}});
}

} // namespace keel::gui
