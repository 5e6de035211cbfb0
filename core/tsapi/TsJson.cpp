#include "tsapi/TsJson.h"

#include "common/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace keel::tsapi::tsjson {

http::HttpResponse error(int status, const QString& message)
{
    return http::HttpResponse::json(status, QJsonDocument(QJsonObject{{QStringLiteral("message"), message}}));
}

http::HttpResponse error(const store::Error& e)
{
    int status = 500;
    switch (e.kind) {
    case store::Error::NotFound:
        status = 404;
        break;
    case store::Error::Invalid:
        status = 400;
        break;
    case store::Error::Conflict:
        status = 409;
        break;
    default:
        break;
    }
    return error(status, e.message);
}

http::HttpResponse ok(const QJsonObject& body)
{
    return http::HttpResponse::json(200, QJsonDocument(body));
}

http::HttpResponse empty()
{
    return http::HttpResponse::text(200, QByteArray());
}

QString time(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QString loginName(const store::User& user)
{
    return user.email.isEmpty() ? user.name : user.email;
}

namespace {

QJsonArray strings(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

QJsonObject device(const state::Snapshot& s, const state::LiveNode& live, const config::Config& config)
{
    const store::Node& n = live.node;
    const QJsonObject hostinfo = QJsonDocument::fromJson(n.hostinfoJson).object();
    QStringList addresses;
    if (!n.ipv4.isEmpty())
        addresses << n.ipv4;
    if (!n.ipv6.isEmpty())
        addresses << n.ipv6;
    QString user = QStringLiteral("tagged-devices");
    if (n.userId) {
        if (const store::User* u = s.user(*n.userId))
            user = loginName(*u);
    }
    const QString base = config.dns.baseDomain;
    // Enabled routes: approved and announced (Tailscale lists what serves).
    QStringList enabled;
    for (const QString& r : n.approvedRoutes) {
        if (n.announcedRoutes.contains(r))
            enabled << r;
    }
    const QString id = QString::number(n.id);
    return {
        {QStringLiteral("addresses"), strings(addresses)},
        {QStringLiteral("id"), id},
        {QStringLiteral("nodeId"), id},
        {QStringLiteral("user"), user},
        {QStringLiteral("name"), base.isEmpty() ? n.givenName : n.givenName + QLatin1Char('.') + base},
        {QStringLiteral("hostname"), n.hostname},
        {QStringLiteral("clientVersion"), hostinfo.value(QStringLiteral("IPNVersion")).toString()},
        {QStringLiteral("updateAvailable"), false},
        {QStringLiteral("os"), hostinfo.value(QStringLiteral("OS")).toString()},
        {QStringLiteral("tags"), strings(n.tags)},
        {QStringLiteral("created"), time(n.createdAt)},
        {QStringLiteral("lastSeen"), live.online ? time(Clock::now()) : (n.lastSeen ? time(*n.lastSeen) : QString())},
        {QStringLiteral("connectedToControl"), live.online},
        // Tailscale's zero time for "never expires"; tagged nodes never expire.
        {QStringLiteral("keyExpiryDisabled"), !n.expiry || live.isTagged()},
        {QStringLiteral("expires"), n.expiry && !live.isTagged() ? time(*n.expiry) : QStringLiteral("0001-01-01T00:00:00Z")},
        {QStringLiteral("authorized"), n.authorized},
        {QStringLiteral("isExternal"), false},
        {QStringLiteral("isEphemeral"), n.ephemeral},
        {QStringLiteral("machineKey"), n.machineKey},
        {QStringLiteral("nodeKey"), n.nodeKey},
        {QStringLiteral("tailnetLockKey"), n.nlKey},
        {QStringLiteral("blocksIncomingConnections"), hostinfo.value(QStringLiteral("ShieldsUp")).toBool()},
        {QStringLiteral("advertisedRoutes"), strings(n.announcedRoutes)},
        {QStringLiteral("enabledRoutes"), strings(enabled)},
    };
}

QJsonObject key(const store::PreAuthKey& k, const QString& secret)
{
    const QDateTime now = Clock::now();
    QJsonObject create{{QStringLiteral("reusable"), k.reusable}, {QStringLiteral("ephemeral"), k.ephemeral},
                       {QStringLiteral("preauthorized"), k.preApproved}, {QStringLiteral("tags"), strings(k.tags)}};
    QJsonObject o{
        {QStringLiteral("id"), QString::number(k.id)},
        {QStringLiteral("keyType"), QStringLiteral("auth")},
        {QStringLiteral("description"), QString()},
        {QStringLiteral("created"), time(k.createdAt)},
        {QStringLiteral("invalid"), k.isExpired(now) || (k.used && !k.reusable)},
        {QStringLiteral("capabilities"), QJsonObject{{QStringLiteral("devices"), QJsonObject{{QStringLiteral("create"), create}}}}},
        {QStringLiteral("tags"), strings(k.tags)},
    };
    if (k.expiration) {
        o.insert(QStringLiteral("expires"), time(*k.expiration));
        // Rounded: the expiry is computed a few milliseconds before the key is stored.
        o.insert(QStringLiteral("expirySeconds"), static_cast<double>(qRound64(k.createdAt.msecsTo(*k.expiration) / 1000.0)));
    }
    if (k.userId)
        o.insert(QStringLiteral("userId"), QString::number(*k.userId));
    if (!secret.isEmpty())
        o.insert(QStringLiteral("key"), secret);
    return o;
}

QJsonObject user(const state::Snapshot& s, const store::User& u, const QString& tailnet)
{
    int devices = 0;
    bool connected = false;
    QDateTime lastSeen;
    for (const auto& live : s.nodes) {
        if (live->node.userId != u.id)
            continue;
        ++devices;
        connected = connected || live->online;
        const QDateTime seen = live->online ? Clock::now() : live->node.lastSeen.value_or(QDateTime());
        if (seen.isValid() && (!lastSeen.isValid() || seen > lastSeen))
            lastSeen = seen;
    }
    return {
        {QStringLiteral("id"), QString::number(u.id)},
        {QStringLiteral("displayName"), u.displayName.isEmpty() ? u.name : u.displayName},
        {QStringLiteral("loginName"), loginName(u)},
        {QStringLiteral("profilePicUrl"), u.profilePicUrl},
        {QStringLiteral("tailnetId"), tailnet},
        {QStringLiteral("created"), time(u.createdAt)},
        {QStringLiteral("type"), QStringLiteral("member")},
        {QStringLiteral("role"), QStringLiteral("member")},
        {QStringLiteral("status"), QStringLiteral("active")},
        {QStringLiteral("deviceCount"), devices},
        {QStringLiteral("lastSeen"), time(lastSeen)},
        {QStringLiteral("currentlyConnected"), connected},
    };
}

} // namespace keel::tsapi::tsjson
