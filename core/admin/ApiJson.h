#pragma once

#include "state/State.h"
#include "store/ApiKey.h"
#include "store/Node.h"
#include "store/PreAuthKey.h"
#include "store/User.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace keel::admin {

// The /api/v1 JSON shapes (Headscale 0.30's REST contract, spec D.3): lowerCamelCase names, 64-bit
// ids as decimal strings, RFC 3339 UTC timestamps, zero values emitted, optional times as null.
namespace json {

QString time(const QDateTime& t);                    // "2026-01-02T03:04:05Z" (ms when non-zero)
QJsonValue optionalTime(const std::optional<QDateTime>& t);  // null when absent
QString id(qint64 id);
// Accepts a JSON number or a decimal string (protojson accepts both); 0 when neither.
qint64 parseId(const QJsonValue& value);
std::optional<QDateTime> parseTime(const QString& text);

QJsonObject user(const store::User& user);
QJsonObject preAuthKey(const store::PreAuthKey& key, const std::optional<store::User>& owner, const QString& fullKey = {});
QJsonObject apiKey(const store::ApiKey& key);
QString registerMethod(const QString& stored);  // "authkey" -> "REGISTER_METHOD_AUTH_KEY"

struct NodeExtras
{
    std::optional<store::User> user;
    std::optional<store::PreAuthKey> preAuthKey;
    std::optional<store::User> preAuthKeyUser;
    bool online = false;
    QStringList primaryRoutes;  // the approved routes this node serves as primary
};
QJsonObject node(const store::Node& node, const NodeExtras& extras);
// A node as the admin API shows it, from a snapshot (owner, online, served routes) and, when given,
// the store (its pre-auth key; null without).
QJsonObject liveNode(const state::Snapshot& s, const state::LiveNode& live, store::Store* store);

} // namespace json

// How State's events show objects: the shapes above.
state::EventRenderer eventRenderer(store::Store& store);
} // namespace keel::admin
