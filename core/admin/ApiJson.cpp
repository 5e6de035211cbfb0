#include "admin/ApiJson.h"

#include "state/PrimaryRoutes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace keel::admin {
namespace json {

QString time(const QDateTime& t)
{
    if (!t.isValid())
        return QStringLiteral("0001-01-01T00:00:00Z");
    const QDateTime utc = t.toUTC();
    // Go's RFC3339Nano drops a zero fraction; keep that so output matches what Go tools print.
    return utc.toString(utc.time().msec() ? Qt::ISODateWithMs : Qt::ISODate);
}

QJsonValue optionalTime(const std::optional<QDateTime>& t)
{
    return t ? QJsonValue(time(*t)) : QJsonValue(QJsonValue::Null);
}

QString id(qint64 value)
{
    return QString::number(value);
}

qint64 parseId(const QJsonValue& value)
{
    if (value.isDouble())
        return value.toInteger();
    if (value.isString()) {
        bool ok = false;
        const qint64 v = value.toString().toLongLong(&ok);
        return ok ? v : 0;
    }
    return 0;
}

std::optional<QDateTime> parseTime(const QString& text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        return std::nullopt;
    return t.toUTC();
}

QJsonObject user(const store::User& u)
{
    return {{QStringLiteral("id"), id(u.id)},
            {QStringLiteral("name"), u.name.isEmpty() ? u.email : u.name},
            {QStringLiteral("createdAt"), time(u.createdAt)},
            {QStringLiteral("displayName"), u.displayName},
            {QStringLiteral("email"), u.email},
            {QStringLiteral("providerId"), u.providerId},
            {QStringLiteral("provider"), u.provider},
            {QStringLiteral("profilePicUrl"), u.profilePicUrl},
            // Keel's own: groups from the last OIDC login (oidcgroup:<name> in the policy).
            {QStringLiteral("providerGroups"), QJsonArray::fromStringList(u.providerGroups)}};
}

QJsonObject preAuthKey(const store::PreAuthKey& key, const std::optional<store::User>& owner, const QString& fullKey)
{
    QJsonObject o{{QStringLiteral("user"), owner ? QJsonValue(user(*owner)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("id"), id(key.id)},
            {QStringLiteral("key"), fullKey.isEmpty() ? key.displayKey() : fullKey},
            {QStringLiteral("reusable"), key.reusable},
            {QStringLiteral("ephemeral"), key.ephemeral},
            {QStringLiteral("used"), key.used},
            {QStringLiteral("expiration"), key.expiration ? time(*key.expiration) : time(QDateTime())},
            {QStringLiteral("createdAt"), time(key.createdAt)},
            {QStringLiteral("aclTags"), QJsonArray::fromStringList(key.tags)}};
    if (key.preApproved)
        o.insert(QStringLiteral("preApproved"), true); // Keel's: skips device approval
    return o;
}

QJsonObject apiKey(const store::ApiKey& key)
{
    return {{QStringLiteral("id"), id(key.id)},
            {QStringLiteral("prefix"), key.displayPrefix()},
            {QStringLiteral("expiration"), optionalTime(key.expiration)},
            {QStringLiteral("createdAt"), time(key.createdAt)},
            {QStringLiteral("lastSeen"), optionalTime(key.lastSeen)}};
}

QString registerMethod(const QString& stored)
{
    if (stored == QLatin1String("authkey"))
        return QStringLiteral("REGISTER_METHOD_AUTH_KEY");
    if (stored == QLatin1String("cli"))
        return QStringLiteral("REGISTER_METHOD_CLI");
    if (stored == QLatin1String("oidc"))
        return QStringLiteral("REGISTER_METHOD_OIDC");
    return QStringLiteral("REGISTER_METHOD_UNSPECIFIED");
}

QJsonObject node(const store::Node& n, const NodeExtras& extras)
{
    // Keel's additions to Headscale's shape, from the Hostinfo the client reported: what an
    // operator asks first about a machine (extra fields do not disturb scripts written for Headscale).
    const QJsonObject hostinfo = QJsonDocument::fromJson(n.hostinfoJson).object();
    QJsonArray ips;
    if (!n.ipv4.isEmpty())
        ips.append(n.ipv4);
    if (!n.ipv6.isEmpty())
        ips.append(n.ipv6);
    QJsonValue pak(QJsonValue::Null);
    if (extras.preAuthKey)
        pak = preAuthKey(*extras.preAuthKey, extras.preAuthKeyUser);
    return {{QStringLiteral("id"), id(n.id)},
            {QStringLiteral("machineKey"), n.machineKey},
            {QStringLiteral("nodeKey"), n.nodeKey},
            {QStringLiteral("discoKey"), n.discoKey},
            {QStringLiteral("ipAddresses"), ips},
            {QStringLiteral("name"), n.hostname},
            {QStringLiteral("user"), extras.user ? QJsonValue(user(*extras.user)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("lastSeen"), optionalTime(n.lastSeen)},
            {QStringLiteral("expiry"), optionalTime(n.expiry)},
            {QStringLiteral("preAuthKey"), pak},
            {QStringLiteral("createdAt"), time(n.createdAt)},
            {QStringLiteral("registerMethod"), registerMethod(n.registerMethod)},
            {QStringLiteral("givenName"), n.givenName},
            {QStringLiteral("online"), extras.online},
            {QStringLiteral("approvedRoutes"), QJsonArray::fromStringList(n.approvedRoutes)},
            {QStringLiteral("availableRoutes"), QJsonArray::fromStringList(n.announcedRoutes)},
            {QStringLiteral("subnetRoutes"), QJsonArray::fromStringList(extras.primaryRoutes)},
            {QStringLiteral("tags"), QJsonArray::fromStringList(n.tags)},
            {QStringLiteral("os"), hostinfo.value(QStringLiteral("OS")).toString()},
            {QStringLiteral("clientVersion"), hostinfo.value(QStringLiteral("IPNVersion")).toString()},
            {QStringLiteral("authorized"), n.authorized}};
}

QJsonObject liveNode(const state::Snapshot& s, const state::LiveNode& live, store::Store* store)
{
    const store::Node& n = live.node;
    NodeExtras extras;
    if (n.userId)
        if (const store::User* u = s.user(*n.userId))
            extras.user = *u;
    if (n.authKeyId && store) {
        if (auto k = store->preAuthKeyById(*n.authKeyId)) {
            extras.preAuthKey = *k;
            if (k->userId)
                if (const store::User* ku = s.user(*k->userId))
                    extras.preAuthKeyUser = *ku;
        }
    }
    extras.online = live.online;
    extras.primaryRoutes = s.primaryRoutesOf(n.id);
    if (s.exitNodes.contains(n.id))
        extras.primaryRoutes += state::PrimaryRoutes::servedExitRoutes(n);
    return node(n, extras);
}

} // namespace json

state::EventRenderer eventRenderer(store::Store& store)
{
    state::EventRenderer r;
    // From the snapshot alone: node.online/offline come by the thousand when a fleet reconnects,
    // and the store stays off that path. The pre-auth key is the one field that needs the store;
    // events show its id ({"id": "3"}) and GET /api/v1/node/{id} the whole key.
    r.node = [](const state::Snapshot& s, const state::LiveNode& live) {
        QJsonObject o = json::liveNode(s, live, nullptr);
        if (live.node.authKeyId)
            o.insert(QStringLiteral("preAuthKey"), QJsonObject{{QStringLiteral("id"), json::id(*live.node.authKeyId)}});
        return o;
    };
    r.user = [](const store::User& u) { return json::user(u); };
    r.preAuthKey = [&store](const store::PreAuthKey& k) {
        std::optional<store::User> owner;
        if (k.userId)
            if (auto u = store.userById(*k.userId))
                owner = *u;
        return json::preAuthKey(k, owner);
    };
    r.apiKey = [](const store::ApiKey& k) { return json::apiKey(k); };
    return r;
}

} // namespace keel::admin
