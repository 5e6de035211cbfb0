#pragma once

#include "JsonTableModel.h"

namespace keel::gui {

// The tailnet's nodes (`GET /api/v1/node`, node.* events).
class NodeModel : public JsonTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Owner, Addresses, Os, Version, Status, LastSeen, Expiry };
    explicit NodeModel(QObject* parent = nullptr);

    static QString displayName(const QJsonObject& node);
    static QString owner(const QJsonObject& node);   // the user's name, or the tags of a tagged node
    static bool isOnline(const QJsonObject& node) { return node.value(QStringLiteral("online")).toBool(); }
    // Device approval: a node the admin has not authorized yet (absent field: authorized).
    static bool isAuthorized(const QJsonObject& node) { return node.value(QStringLiteral("authorized")).toBool(true); }

    void setOnline(const QString& id, bool online);
    int onlineCount() const;
};

} // namespace keel::gui
