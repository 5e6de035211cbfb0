#include "store/Store.h"

#include "store/Rows.h"
#include "store/SelectRows.h"
#include "store/SqlValues.h"
#include "store/StoreTx.h"

#include <QSqlQuery>

// Store: the nodes table.

namespace keel::store {

using namespace SqlValues;
using namespace rows;

namespace {

Result<QList<Node>> fetchNodes(QSqlDatabase& db, const QString& where, const QVariantList& values)
{
    QString sql = QStringLiteral("SELECT %1 FROM nodes").arg(NodeColumns);
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where;
    return selectRows(db, sql + QStringLiteral(" ORDER BY id"), values, readNode);
}

Result<Node> fetchNode(QSqlDatabase& db, const QString& where, const QVariant& value)
{
    Result<QList<Node>> r = fetchNodes(db, where + QStringLiteral(" = ?"), {value});
    if (!r.ok())
        return r.error();
    if (r->isEmpty())
        return Error::notFound(QStringLiteral("node not found"));
    return r->first();
}

Result<Node> validate(const Node& n)
{
    if (n.machineKey.isEmpty() || n.nodeKey.isEmpty())
        return Error::invalid(QStringLiteral("a node needs a machine key and a node key"));
    if (n.givenName.isEmpty())
        return Error::invalid(QStringLiteral("a node needs a given name"));
    return n;
}

// Names the first unique field another node already holds, for a clear Conflict message.
Result<void> checkUnique(QSqlDatabase& db, const Node& n)
{
    struct Field
    {
        const char* column;
        QString value;
        const char* what;
    };
    const Field fields[] = {{"node_key", n.nodeKey, "node key"},
                            {"given_name", n.givenName, "given name"},
                            {"ipv4", n.ipv4, "IPv4 address"},
                            {"ipv6", n.ipv6, "IPv6 address"}};
    for (const Field& f : fields) {
        if (f.value.isEmpty())
            continue;
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("SELECT id FROM nodes WHERE %1 = ? AND id <> ?").arg(QLatin1String(f.column)),
                  {f.value, n.id}, &err))
            return err;
        if (q.next())
            return Error::conflict(
                QStringLiteral("%1 %2 is already used by node %3").arg(QLatin1String(f.what), f.value).arg(q.value(0).toLongLong()));
    }
    return {};
}

QVariantList nodeValues(const Node& n, const QDateTime& updatedAt)
{
    return {n.machineKey,
            n.nodeKey,
            n.discoKey,
            n.nlKey,
            nullIfEmpty(n.ipv4),
            nullIfEmpty(n.ipv6),
            n.hostname,
            n.givenName,
            optId(n.userId),
            list(n.tags),
            QString::fromUtf8(n.hostinfoJson),
            list(n.endpoints),
            list(n.announcedRoutes),
            list(n.approvedRoutes),
            optTime(n.expiry),
            optTime(n.lastSeen),
            n.ephemeral ? 1 : 0,
            n.registerMethod,
            optId(n.authKeyId),
            n.authorized ? 1 : 0,
            time(updatedAt)};
}

// Updates one column (or a few) of a node and returns the new record.
Result<Node> updateColumns(QSqlDatabase& db, qint64 id, const QString& assignments, QVariantList values)
{
    QSqlQuery q(db);
    Error err;
    values << time(now()) << QVariant::fromValue<qint64>(id);
    if (!exec(q, QStringLiteral("UPDATE nodes SET %1, updated_at = ? WHERE id = ?").arg(assignments), values, &err))
        return err;
    if (q.numRowsAffected() == 0)
        return Error::notFound(QStringLiteral("node not found"));
    q.finish();
    return fetchNode(db, QStringLiteral("id"), id);
}

} // namespace

namespace {

Result<Node> insertNode(QSqlDatabase& db, const Node& node)
{
    Node n = node;
    n.id = 0;
    if (auto u = checkUnique(db, n); !u.ok())
        return u.error();
    const QDateTime t = now();
    QVariantList values = nodeValues(n, t);
    values << time(t);
    QSqlQuery q(db);
    Error err;
    if (!exec(q,
              QStringLiteral("INSERT INTO nodes (machine_key, node_key, disco_key, nl_key, ipv4, ipv6, hostname, "
                             "given_name, user_id, tags, hostinfo, endpoints, announced_routes, approved_routes, "
                             "expiry, last_seen, ephemeral, register_method, auth_key_id, authorized, updated_at, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
              values, &err))
        return err;
    if (!q.next())
        return Error::database(QStringLiteral("insert returned no id"));
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    return fetchNode(db, QStringLiteral("id"), id);
}

Result<Node> writeNode(QSqlDatabase& db, const Node& node)
{
    if (auto u = checkUnique(db, node); !u.ok())
        return u.error();
    QVariantList values = nodeValues(node, now());
    values << QVariant::fromValue<qint64>(node.id);
    QSqlQuery q(db);
    Error err;
    if (!exec(q,
              QStringLiteral("UPDATE nodes SET machine_key = ?, node_key = ?, disco_key = ?, nl_key = ?, ipv4 = ?, "
                             "ipv6 = ?, hostname = ?, given_name = ?, user_id = ?, tags = ?, hostinfo = ?, "
                             "endpoints = ?, announced_routes = ?, approved_routes = ?, expiry = ?, last_seen = ?, "
                             "ephemeral = ?, register_method = ?, auth_key_id = ?, authorized = ?, updated_at = ? WHERE id = ?"),
              values, &err))
        return err;
    if (q.numRowsAffected() == 0)
        return Error::notFound(QStringLiteral("node not found"));
    q.finish();
    return fetchNode(db, QStringLiteral("id"), node.id);
}

// Spends a pre-auth key inside the caller's transaction: still valid (not expired; a single-use
// key not used yet) and, for a single-use key, marked used by one conditional UPDATE, so of two
// racing registrations exactly one gets past it. Errors are the texts the client shows.
Result<void> spendKey(QSqlDatabase& db, qint64 keyId)
{
    QSqlQuery q(db);
    Error err;
    if (!exec(q, QStringLiteral("SELECT expiration FROM pre_auth_keys WHERE id = ?"), {keyId}, &err))
        return err;
    if (!q.next())
        return Error::invalid(QStringLiteral("invalid authkey"));
    const std::optional<QDateTime> expiration = toOptTime(q.value(0));
    q.finish();
    if (expiration && *expiration < now())
        return Error::invalid(QStringLiteral("authkey expired"));
    if (!exec(q, QStringLiteral("UPDATE pre_auth_keys SET used = 1 WHERE id = ? AND (used = 0 OR reusable = 1)"), {keyId}, &err))
        return err;
    if (q.numRowsAffected() != 1)
        return Error::invalid(QStringLiteral("authkey already used"));
    return {};
}

} // namespace

Result<Node> Store::createNode(const Node& node)
{
    if (auto v = validate(node); !v.ok())
        return v.error();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) { return insertNode(db, node); });
}

Result<Node> Store::updateNode(const Node& node)
{
    if (auto v = validate(node); !v.ok())
        return v.error();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) { return writeNode(db, node); });
}

Result<Node> Store::saveNodeSpendingKey(const Node& node, qint64 keyId)
{
    if (auto v = validate(node); !v.ok())
        return v.error();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<Node> {
        if (auto spent = spendKey(db, keyId); !spent.ok())
            return spent.error();
        return node.id == 0 ? insertNode(db, node) : writeNode(db, node);
    });
}

Result<Node> Store::nodeById(qint64 id)
{
    return inTransaction(conn(), Transaction::Read,
                         [&](QSqlDatabase& db) { return fetchNode(db, QStringLiteral("id"), id); });
}

Result<Node> Store::nodeByNodeKey(const QString& nodeKey)
{
    return inTransaction(conn(), Transaction::Read,
                         [&](QSqlDatabase& db) { return fetchNode(db, QStringLiteral("node_key"), nodeKey); });
}

Result<QList<Node>> Store::nodesByMachineKey(const QString& machineKey)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) {
        return fetchNodes(db, QStringLiteral("machine_key = ?"), {machineKey});
    });
}

Result<QList<Node>> Store::listNodes(std::optional<qint64> userId)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) {
        if (userId)
            return fetchNodes(db, QStringLiteral("user_id = ?"), {*userId});
        return fetchNodes(db, QString(), {});
    });
}

Result<void> Store::deleteNode(qint64 id)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        return execOnRow(db, QStringLiteral("DELETE FROM nodes WHERE id = ?"), {id}, QStringLiteral("node not found"));
    });
}

Result<Node> Store::setNodeExpiry(qint64 id, std::optional<QDateTime> expiry)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) {
        return updateColumns(db, id, QStringLiteral("expiry = ?"), {optTime(expiry)});
    });
}

Result<Node> Store::renameNode(qint64 id, const QString& givenName)
{
    if (givenName.isEmpty())
        return Error::invalid(QStringLiteral("a node needs a given name"));
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<Node> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("SELECT id FROM nodes WHERE given_name = ? AND id <> ?"), {givenName, id}, &err))
            return err;
        if (q.next())
            return Error::conflict(QStringLiteral("the name \"%1\" is already in use").arg(givenName));
        q.finish();
        return updateColumns(db, id, QStringLiteral("given_name = ?"), {givenName});
    });
}

Result<Node> Store::setNodeTags(qint64 id, const QStringList& tags)
{
    for (const QString& t : tags)
        if (!t.startsWith(QLatin1String("tag:")) || t.size() <= 4)
            return Error::invalid(QStringLiteral("tag \"%1\" does not begin with \"tag:\"").arg(t));
    QStringList sorted = tags;
    sorted.sort();
    sorted.removeDuplicates();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) {
        return updateColumns(db, id, QStringLiteral("tags = ?"), {list(sorted)});
    });
}

Result<Node> Store::setApprovedRoutes(qint64 id, const QStringList& routes)
{
    QStringList sorted = routes;
    sorted.sort();
    sorted.removeDuplicates();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) {
        return updateColumns(db, id, QStringLiteral("approved_routes = ?"), {list(sorted)});
    });
}

Result<void> Store::touchLastSeen(qint64 id, const QDateTime& when)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        // last_seen is not an edit of the node: updated_at stays.
        return execOnRow(db, QStringLiteral("UPDATE nodes SET last_seen = ? WHERE id = ?"), {time(when), id}, QStringLiteral("node not found"));
    });
}

Result<QStringList> Store::usedIps()
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<QStringList> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("SELECT ipv4, ipv6 FROM nodes"), {}, &err))
            return err;
        QStringList out;
        while (q.next())
            for (int i = 0; i < 2; ++i)
                if (!q.value(i).isNull() && !q.value(i).toString().isEmpty())
                    out << q.value(i).toString();
        return out;
    });
}

} // namespace keel::store
