#include "store/Rows.h"

#include "store/SqlValues.h"

// The row readers of the main tables, shared by the Store and the Exporter so that a column added
// to a table is read in one place.

namespace keel::store::rows {

using namespace SqlValues;

const QString UserColumns = QStringLiteral(
    "id, name, display_name, email, provider_id, provider, profile_pic_url, created_at, updated_at, provider_groups");

User readUser(const QSqlQuery& q)
{
    User u;
    u.id = q.value(0).toLongLong();
    u.name = q.value(1).toString();
    u.displayName = q.value(2).toString();
    u.email = q.value(3).toString();
    u.providerId = q.value(4).toString();
    u.provider = q.value(5).toString();
    u.profilePicUrl = q.value(6).toString();
    u.createdAt = toTime(q.value(7));
    u.updatedAt = toTime(q.value(8));
    u.providerGroups = toList(q.value(9));
    return u;
}

const QString NodeColumns = QStringLiteral(
    "id, machine_key, node_key, disco_key, nl_key, ipv4, ipv6, hostname, given_name, user_id, tags, hostinfo, "
    "endpoints, announced_routes, approved_routes, expiry, last_seen, ephemeral, register_method, auth_key_id, "
    "created_at, updated_at, authorized");

Node readNode(const QSqlQuery& q)
{
    Node n;
    n.id = q.value(0).toLongLong();
    n.machineKey = q.value(1).toString();
    n.nodeKey = q.value(2).toString();
    n.discoKey = q.value(3).toString();
    n.nlKey = q.value(4).toString();
    n.ipv4 = q.value(5).toString();
    n.ipv6 = q.value(6).toString();
    n.hostname = q.value(7).toString();
    n.givenName = q.value(8).toString();
    n.userId = toOptId(q.value(9));
    n.tags = toList(q.value(10));
    n.hostinfoJson = q.value(11).toString().toUtf8();
    n.endpoints = toList(q.value(12));
    n.announcedRoutes = toList(q.value(13));
    n.approvedRoutes = toList(q.value(14));
    n.expiry = toOptTime(q.value(15));
    n.lastSeen = toOptTime(q.value(16));
    n.ephemeral = q.value(17).toInt() != 0;
    n.registerMethod = q.value(18).toString();
    n.authKeyId = toOptId(q.value(19));
    n.createdAt = toTime(q.value(20));
    n.updatedAt = toTime(q.value(21));
    n.authorized = q.value(22).toInt() != 0;
    return n;
}

const QString PakColumns = QStringLiteral(
    "id, prefix, legacy_key, user_id, reusable, ephemeral, used, expiration, created_at, tags, hash_scheme, hash, pre_approved");

PakRow readPak(const QSqlQuery& q)
{
    PakRow r;
    r.key.id = q.value(0).toLongLong();
    r.key.prefix = q.value(1).toString();
    r.key.legacyKey = q.value(2).toString();
    r.key.userId = toOptId(q.value(3));
    r.key.reusable = q.value(4).toInt() != 0;
    r.key.ephemeral = q.value(5).toInt() != 0;
    r.key.used = q.value(6).toInt() != 0;
    r.key.expiration = toOptTime(q.value(7));
    r.key.createdAt = toTime(q.value(8));
    r.key.tags = toList(q.value(9));
    r.scheme = q.value(10).toString();
    r.hash = q.value(11).toString().toLatin1();
    r.key.preApproved = q.value(12).toInt() != 0;
    return r;
}

const QString ApiColumns = QStringLiteral("id, prefix, expiration, created_at, last_seen, hash_scheme, hash");

ApiRow readApi(const QSqlQuery& q)
{
    ApiRow r;
    r.record.id = q.value(0).toLongLong();
    r.record.prefix = q.value(1).toString();
    r.record.expiration = toOptTime(q.value(2));
    r.record.createdAt = toTime(q.value(3));
    r.record.lastSeen = toOptTime(q.value(4));
    r.scheme = q.value(5).toString();
    r.hash = q.value(6).toString().toLatin1();
    return r;
}

const QString OAuthColumns = QStringLiteral("id, client_id, description, scopes, tags, created_at, last_used, hash_scheme, hash");

OAuthRow readOAuth(const QSqlQuery& q)
{
    OAuthRow r;
    r.record.id = q.value(0).toLongLong();
    r.record.clientId = q.value(1).toString();
    r.record.description = q.value(2).toString();
    r.record.scopes = toList(q.value(3));
    r.record.tags = toList(q.value(4));
    r.record.createdAt = toTime(q.value(5));
    r.record.lastUsed = toOptTime(q.value(6));
    r.scheme = q.value(7).toString();
    r.hash = q.value(8).toString().toLatin1();
    return r;
}

} // namespace keel::store::rows
