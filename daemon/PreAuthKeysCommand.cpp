// keel preauthkeys create|list|expire|delete
#include "Cli.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace keel::cli {

namespace {

// -u takes a numeric id (Headscale >= 0.26) or, as older Headscale did, a user name.
std::optional<QString> resolveUserId(Cli& cli, const QString& user)
{
    bool numeric = false;
    user.toLongLong(&numeric);
    if (numeric)
        return user;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("name"), user);
    const auto reply = cli.call("GET", QStringLiteral("/api/v1/user?") + query.toString(QUrl::FullyEncoded));
    if (!reply)
        return std::nullopt;
    const QJsonArray users = reply->value(QStringLiteral("users")).toArray();
    if (users.size() != 1) {
        cli.fail(users.isEmpty() ? QStringLiteral("user '%1' not found").arg(user) : QStringLiteral("multiple users match query, specify an ID"));
        return std::nullopt;
    }
    return idFrom(users.first().toObject().value(QStringLiteral("id")));
}

QString yesNo(const QJsonValue& v)
{
    return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
}

const Flag idFlag{QStringLiteral("id"), QLatin1Char('i'), QStringLiteral("pre-auth key ID"), true, {}, true};

} // namespace

Command preAuthKeysCommand(Cli& cli)
{
    Command create{{QStringLiteral("create"), QStringLiteral("c"), QStringLiteral("new")}, QStringLiteral("Creates a new pre-auth key"), {}, 0, 0,
        {{QStringLiteral("user"), QLatin1Char('u'), QStringLiteral("user ID (or name) that owns the key; optional for tagged keys")},
         {QStringLiteral("reusable"), {}, QStringLiteral("the key can register several nodes"), false},
         {QStringLiteral("ephemeral"), {}, QStringLiteral("nodes registered with it are removed when they go offline"), false},
         {QStringLiteral("pre-approved"), {}, QStringLiteral("nodes registered with it skip device approval (node.device_approval)"), false},
         {QStringLiteral("expiration"), QLatin1Char('e'), QStringLiteral("how long the key is valid, e.g. 30m, 24h, 90d"), true, QStringLiteral("1h")},
         {QStringLiteral("tags"), {}, QStringLiteral("comma-separated tags for nodes registered with the key, e.g. tag:server,tag:db")}},
        [&cli](Invocation& inv) {
            QJsonObject body;
            if (inv.has(QStringLiteral("user"))) {
                const auto id = resolveUserId(cli, inv.value(QStringLiteral("user")));
                if (!id)
                    return cli.exitCode();
                body.insert(QStringLiteral("user"), *id);
            }
            QString error;
            const QString expiration = expirationFromFlag(inv.value(QStringLiteral("expiration")), &error);
            if (!error.isEmpty())
                return cli.fail(error);
            body.insert(QStringLiteral("expiration"), expiration);
            body.insert(QStringLiteral("reusable"), inv.isOn(QStringLiteral("reusable")));
            body.insert(QStringLiteral("ephemeral"), inv.isOn(QStringLiteral("ephemeral")));
            if (inv.isOn(QStringLiteral("pre-approved")))
                body.insert(QStringLiteral("preApproved"), true);
            QJsonArray tags;
            for (const QString& t : inv.value(QStringLiteral("tags")).split(QLatin1Char(','), Qt::SkipEmptyParts))
                tags.append(t.trimmed());
            body.insert(QStringLiteral("aclTags"), tags);
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/preauthkey"), body);
            if (!reply)
                return cli.exitCode();
            const QJsonObject key = reply->value(QStringLiteral("preAuthKey")).toObject();
            cli.print(key, key.value(QStringLiteral("key")).toString());
            return 0;
        }, {}, {}};

    Command list{{QStringLiteral("list"), QStringLiteral("ls"), QStringLiteral("show")}, QStringLiteral("Lists pre-auth keys"), {}, 0, 0,
        {{QStringLiteral("user"), QLatin1Char('u'), QStringLiteral("only the keys of this user (ID or name)")}},
        [&cli](Invocation& inv) {
            QString path = QStringLiteral("/api/v1/preauthkey");
            if (inv.has(QStringLiteral("user"))) {
                const auto id = resolveUserId(cli, inv.value(QStringLiteral("user")));
                if (!id)
                    return cli.exitCode();
                path += QStringLiteral("?user=") + *id;
            }
            const auto reply = cli.call("GET", path);
            if (!reply)
                return cli.exitCode();
            const QJsonArray keys = reply->value(QStringLiteral("preAuthKeys")).toArray();
            QList<QStringList> rows;
            for (const QJsonValue& v : keys) {
                const QJsonObject k = v.toObject();
                QStringList tags;
                for (const QJsonValue& t : k.value(QStringLiteral("aclTags")).toArray())
                    tags.append(t.toString());
                const QString owner = !tags.isEmpty() ? tags.join(QLatin1Char(','))
                                                      : k.value(QStringLiteral("user")).toObject().value(QStringLiteral("name")).toString();
                rows.append({idFrom(k.value(QStringLiteral("id"))), k.value(QStringLiteral("key")).toString(),
                             yesNo(k.value(QStringLiteral("reusable"))), yesNo(k.value(QStringLiteral("ephemeral"))),
                             yesNo(k.value(QStringLiteral("used"))), humanTime(k.value(QStringLiteral("expiration"))),
                             expiredText(k.value(QStringLiteral("expiration"))), humanTime(k.value(QStringLiteral("createdAt"))), owner});
            }
            cli.print(keys, table({QStringLiteral("ID"), QStringLiteral("Key/Prefix"), QStringLiteral("Reusable"), QStringLiteral("Ephemeral"),
                                   QStringLiteral("Used"), QStringLiteral("Expiration"), QStringLiteral("Expired"), QStringLiteral("Created"),
                                   QStringLiteral("Owner")}, rows));
            return 0;
        }, {}, {}};

    const auto byId = [&cli](const QByteArray& method, const QString& path, const QString& done) {
        return [&cli, method, path, done](Invocation& inv) {
            const QString id = inv.value(QStringLiteral("id"));
            bool ok = false;
            if (id.toLongLong(&ok) <= 0 || !ok)
                return cli.fail(QStringLiteral("--id must be a pre-auth key ID (see: keel preauthkeys list)"));
            const auto reply = method == "DELETE" ? cli.call(method, path + QStringLiteral("?id=") + id)
                                                  : cli.call(method, path, {{QStringLiteral("id"), id}});
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, done);
            return 0;
        };
    };
    Command expire{{QStringLiteral("expire"), QStringLiteral("revoke"), QStringLiteral("exp"), QStringLiteral("e")},
                   QStringLiteral("Expires a pre-auth key"), {}, 0, 0, {idFlag},
                   byId("POST", QStringLiteral("/api/v1/preauthkey/expire"), QStringLiteral("Key expired")), {}, {}};
    Command remove{{QStringLiteral("delete"), QStringLiteral("del"), QStringLiteral("rm"), QStringLiteral("d")},
                   QStringLiteral("Deletes a pre-auth key"), {}, 0, 0, {idFlag},
                   byId("DELETE", QStringLiteral("/api/v1/preauthkey"), QStringLiteral("Key deleted")), {}, {}};

    return Command{{QStringLiteral("preauthkeys"), QStringLiteral("preauthkey"), QStringLiteral("authkey"), QStringLiteral("pre")},
                   QStringLiteral("Manage the pre-auth keys nodes register with"), {}, 0, 0, {}, {}, {create, list, expire, remove}, {}};
}

} // namespace keel::cli
