// keel nodes list|delete|expire|rename|tag|move|list-routes|approve-routes
#include "Cli.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUrl>
#include <QUrlQuery>

namespace keel::cli {

namespace {

const Flag nodeIdFlag{QStringLiteral("identifier"), QLatin1Char('i'), QStringLiteral("node ID"), true, {}, true};

QStringList strings(const QJsonValue& array)
{
    QStringList out;
    for (const QJsonValue& v : array.toArray())
        out.append(v.toString());
    return out;
}

QString owner(const QJsonObject& node)
{
    const QStringList tags = strings(node.value(QStringLiteral("tags")));
    if (!tags.isEmpty())
        return QStringLiteral("tagged-devices");
    return node.value(QStringLiteral("user")).toObject().value(QStringLiteral("name")).toString();
}

bool isExpired(const QJsonObject& node)
{
    const QJsonValue expiry = node.value(QStringLiteral("expiry"));
    if (!expiry.isString())
        return false;
    const QDateTime t = QDateTime::fromString(expiry.toString(), Qt::ISODateWithMs);
    return t.isValid() && t.date().year() > 1 && t < QDateTime::currentDateTimeUtc();
}

QString nodeTable(const QJsonArray& nodes)
{
    QList<QStringList> rows;
    for (const QJsonValue& v : nodes) {
        const QJsonObject n = v.toObject();
        rows.append({idFrom(n.value(QStringLiteral("id"))), n.value(QStringLiteral("name")).toString(),
                     n.value(QStringLiteral("givenName")).toString(), owner(n),
                     strings(n.value(QStringLiteral("tags"))).join(QLatin1Char(',')),
                     strings(n.value(QStringLiteral("ipAddresses"))).join(QStringLiteral(", ")),
                     n.value(QStringLiteral("online")).toBool() ? QStringLiteral("online") : QStringLiteral("offline"),
                     humanTime(n.value(QStringLiteral("lastSeen"))),
                     n.value(QStringLiteral("expiry")).isNull() ? QStringLiteral("never") : humanTime(n.value(QStringLiteral("expiry"))),
                     isExpired(n) ? QStringLiteral("yes") : QStringLiteral("no"),
                     n.value(QStringLiteral("os")).toString(),
                     // "1.82.5-t1234abcd-g..." -> "1.82.5": the release is what an operator compares.
                     n.value(QStringLiteral("clientVersion")).toString().section(QLatin1Char('-'), 0, 0)});
    }
    return table({QStringLiteral("ID"), QStringLiteral("Hostname"), QStringLiteral("Name"), QStringLiteral("User"), QStringLiteral("Tags"),
                  QStringLiteral("IP addresses"), QStringLiteral("Connected"), QStringLiteral("Last seen"), QStringLiteral("Expiration"),
                  QStringLiteral("Expired"), QStringLiteral("OS"), QStringLiteral("Version")}, rows);
}

// Runs one node call and prints the node it returns.
int nodeCall(Cli& cli, const QByteArray& method, const QString& path, const QJsonObject& body, const QString& done)
{
    const auto reply = cli.call(method, path, body);
    if (!reply)
        return cli.exitCode();
    const QJsonObject node = reply->value(QStringLiteral("node")).toObject();
    cli.print(node, done);
    return 0;
}

QString nodePath(const Invocation& inv, const QString& tail = {})
{
    return QStringLiteral("/api/v1/node/") + QString::fromUtf8(QUrl::toPercentEncoding(inv.value(QStringLiteral("identifier")))) + tail;
}

} // namespace

Command nodesCommand(Cli& cli)
{
    Command list{{QStringLiteral("list"), QStringLiteral("ls"), QStringLiteral("show")}, QStringLiteral("Lists nodes"), {}, 0, 0,
        {{QStringLiteral("user"), QLatin1Char('u'), QStringLiteral("only the nodes of this user")}},
        [&cli](Invocation& inv) {
            QString path = QStringLiteral("/api/v1/node");
            if (inv.has(QStringLiteral("user"))) {
                QUrlQuery q;
                q.addQueryItem(QStringLiteral("user"), inv.value(QStringLiteral("user")));
                path += QStringLiteral("?") + q.toString(QUrl::FullyEncoded);
            }
            const auto reply = cli.call("GET", path);
            if (!reply)
                return cli.exitCode();
            const QJsonArray nodes = reply->value(QStringLiteral("nodes")).toArray();
            cli.print(nodes, nodeTable(nodes));
            return 0;
        }, {}, {}};

    Command remove{{QStringLiteral("delete"), QStringLiteral("del")}, QStringLiteral("Deletes a node (it must log in again)"), {}, 0, 0, {nodeIdFlag},
        [&cli](Invocation& inv) {
            const auto node = cli.call("GET", nodePath(inv));
            if (!node)
                return cli.exitCode();
            const QString name = node->value(QStringLiteral("node")).toObject().value(QStringLiteral("givenName")).toString();
            if (!cli.confirm(QStringLiteral("Do you want to remove the node %1?").arg(name))) {
                if (cli.exitCode() == 0)
                    cli.print(QJsonObject{{QStringLiteral("result"), QStringLiteral("Node not deleted")}}, QStringLiteral("Node not deleted"));
                return cli.exitCode();
            }
            const auto reply = cli.call("DELETE", nodePath(inv));
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("Node deleted"));
            return 0;
        }, {}, {}};

    Command expire{{QStringLiteral("expire"), QStringLiteral("logout"), QStringLiteral("exp"), QStringLiteral("e")},
        QStringLiteral("Expires a node's key (logs it out), or sets when it expires"), {}, 0, 0,
        {nodeIdFlag,
         {QStringLiteral("expiry"), QLatin1Char('e'), QStringLiteral("RFC 3339 time to expire at (default: now)")},
         {QStringLiteral("disable"), QLatin1Char('d'), QStringLiteral("never expire this node's key"), false}},
        [&cli](Invocation& inv) {
            QJsonObject body;
            if (inv.isOn(QStringLiteral("disable")))
                body.insert(QStringLiteral("disableExpiry"), true);
            else if (inv.has(QStringLiteral("expiry"))) {
                const QDateTime t = QDateTime::fromString(inv.value(QStringLiteral("expiry")), Qt::ISODateWithMs);
                if (!t.isValid())
                    return cli.fail(QStringLiteral("--expiry '%1' is not an RFC 3339 time like 2026-12-31T23:59:00Z").arg(inv.value(QStringLiteral("expiry"))));
                body.insert(QStringLiteral("expiry"), t.toUTC().toString(Qt::ISODate));
            }
            return nodeCall(cli, "POST", nodePath(inv, QStringLiteral("/expire")), body, QStringLiteral("Node expired"));
        }, {}, {}};

    Command rename{{QStringLiteral("rename")}, QStringLiteral("Renames a node (its MagicDNS name)"), QStringLiteral("NEW_NAME"), 1, 1, {nodeIdFlag},
        [&cli](Invocation& inv) {
            return nodeCall(cli, "POST", nodePath(inv, QStringLiteral("/rename/") + QString::fromUtf8(QUrl::toPercentEncoding(inv.arguments.first()))), {}, QStringLiteral("Node renamed"));
        }, {}, {}};

    Command tag{{QStringLiteral("tag"), QStringLiteral("tags"), QStringLiteral("t")}, QStringLiteral("Sets a node's tags (replaces them)"), {}, 0, 0,
        {nodeIdFlag, {QStringLiteral("tags"), QLatin1Char('t'), QStringLiteral("comma-separated tags, e.g. tag:server,tag:db")}},
        [&cli](Invocation& inv) {
            QJsonArray tags;
            for (const QString& t : inv.value(QStringLiteral("tags")).split(QLatin1Char(','), Qt::SkipEmptyParts))
                tags.append(t.trimmed());
            return nodeCall(cli, "POST", nodePath(inv, QStringLiteral("/tags")), {{QStringLiteral("tags"), tags}}, QStringLiteral("Node updated"));
        }, {}, {}};

    Command move{{QStringLiteral("move"), QStringLiteral("mv")}, QStringLiteral("Moves a user-owned node to another user"), {}, 0, 0,
        {nodeIdFlag, {QStringLiteral("user"), QLatin1Char('u'), QStringLiteral("ID of the new owner"), true, {}, true}},
        [&cli](Invocation& inv) {
            return nodeCall(cli, "POST", nodePath(inv, QStringLiteral("/user")), {{QStringLiteral("user"), inv.value(QStringLiteral("user"))}}, QStringLiteral("Node moved"));
        }, {}, {}};

    Command listRoutes{{QStringLiteral("list-routes"), QStringLiteral("lsr"), QStringLiteral("routes")}, QStringLiteral("Lists the routes nodes announce and serve"), {}, 0, 0,
        {{QStringLiteral("identifier"), QLatin1Char('i'), QStringLiteral("only this node")}},
        [&cli](Invocation& inv) {
            QJsonArray nodes;
            if (inv.has(QStringLiteral("identifier"))) {
                const auto reply = cli.call("GET", nodePath(inv));
                if (!reply)
                    return cli.exitCode();
                nodes.append(reply->value(QStringLiteral("node")));
            } else {
                const auto reply = cli.call("GET", QStringLiteral("/api/v1/node"));
                if (!reply)
                    return cli.exitCode();
                for (const QJsonValue& v : reply->value(QStringLiteral("nodes")).toArray()) {
                    const QJsonObject n = v.toObject();
                    if (!n.value(QStringLiteral("availableRoutes")).toArray().isEmpty() || !n.value(QStringLiteral("approvedRoutes")).toArray().isEmpty()
                        || !n.value(QStringLiteral("subnetRoutes")).toArray().isEmpty())
                        nodes.append(n);
                }
            }
            QList<QStringList> rows;
            for (const QJsonValue& v : nodes) {
                const QJsonObject n = v.toObject();
                rows.append({idFrom(n.value(QStringLiteral("id"))), n.value(QStringLiteral("givenName")).toString(),
                             strings(n.value(QStringLiteral("approvedRoutes"))).join(QStringLiteral(", ")),
                             strings(n.value(QStringLiteral("availableRoutes"))).join(QStringLiteral(", ")),
                             strings(n.value(QStringLiteral("subnetRoutes"))).join(QStringLiteral(", "))});
            }
            cli.print(nodes, table({QStringLiteral("ID"), QStringLiteral("Hostname"), QStringLiteral("Approved"), QStringLiteral("Available"), QStringLiteral("Serving (Primary)")}, rows));
            return 0;
        }, {}, {}};

    Command approveRoutes{{QStringLiteral("approve-routes")}, QStringLiteral("Sets the routes a node may serve (replaces the approved set)"), {}, 0, 0,
        {nodeIdFlag, {QStringLiteral("routes"), QLatin1Char('r'), QStringLiteral("comma-separated prefixes; an empty string clears them")}},
        [&cli](Invocation& inv) {
            QJsonArray routes;
            for (const QString& r : inv.value(QStringLiteral("routes")).split(QLatin1Char(','), Qt::SkipEmptyParts))
                routes.append(r.trimmed());
            return nodeCall(cli, "POST", nodePath(inv, QStringLiteral("/approve_routes")), {{QStringLiteral("routes"), routes}}, QStringLiteral("Node updated"));
        }, {}, {}};

    Command backfill{{QStringLiteral("backfillips")}, QStringLiteral("Gives nodes missing an address family an address from the prefixes"), {}, 0, 0, {},
        [&cli](Invocation&) {
            if (!cli.confirm(QStringLiteral("Are you sure that you want to assign/remove IPs? (nodes missing an address of a configured "
                                            "prefix get one; addresses of an unconfigured family are removed)"))) {
                if (cli.exitCode() == 0)
                    cli.print(QJsonObject{{QStringLiteral("result"), QStringLiteral("Nothing changed")}}, QStringLiteral("Nothing changed"));
                return cli.exitCode();
            }
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/node/backfillips?confirmed=true"));
            if (!reply)
                return cli.exitCode();
            QStringList lines;
            for (const QJsonValue& v : reply->value(QStringLiteral("changes")).toArray())
                lines << v.toString();
            cli.print(*reply, lines.isEmpty() ? QStringLiteral("Every node has its addresses; nothing changed") : lines.join(QLatin1Char('\n')));
            return 0;
        }, {}, QStringLiteral("Headscale's `nodes backfillips`: after prefixes.v4 or prefixes.v6 was added, every node gets an address "
                              "from it; after one was removed, the nodes' addresses of that family are removed. Asks first (--force skips).")};

    return Command{{QStringLiteral("nodes"), QStringLiteral("node"), QStringLiteral("machines"), QStringLiteral("machine")},
                   QStringLiteral("Manage the nodes of Keel"), {}, 0, 0, {}, {},
                   {list, remove, expire, rename, tag, move, listRoutes, approveRoutes, backfill}, {}};
}

} // namespace keel::cli
