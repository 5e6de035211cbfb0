// keel apikeys create|list|expire|delete
#include "Cli.h"

#include <QJsonArray>
#include <QUrl>

namespace keel::cli {

namespace {

const QList<Flag> selectFlags{{QStringLiteral("prefix"), QLatin1Char('p'), QStringLiteral("API key prefix")},
                              {QStringLiteral("id"), QLatin1Char('i'), QStringLiteral("API key ID")}};

// Exactly one of --prefix and --id.
bool checkSelection(Cli& cli, const Invocation& inv)
{
    const bool p = inv.has(QStringLiteral("prefix"));
    const bool i = inv.has(QStringLiteral("id"));
    if (p == i) {
        cli.fail(p ? QStringLiteral("use either --prefix or --id, not both") : QStringLiteral("either --prefix or --id flag is required"));
        return false;
    }
    return true;
}

} // namespace

Command apiKeysCommand(Cli& cli)
{
    Command create{{QStringLiteral("create"), QStringLiteral("c"), QStringLiteral("new")}, QStringLiteral("Creates a new API key (shown once)"), {}, 0, 0,
        {{QStringLiteral("expiration"), QLatin1Char('e'), QStringLiteral("how long the key is valid, e.g. 30d"), true, QStringLiteral("90d")}},
        [&cli](Invocation& inv) {
            QString error;
            const QString expiration = expirationFromFlag(inv.value(QStringLiteral("expiration")), &error);
            if (!error.isEmpty())
                return cli.fail(error);
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/apikey"), {{QStringLiteral("expiration"), expiration}});
            if (!reply)
                return cli.exitCode();
            const QString key = reply->value(QStringLiteral("apiKey")).toString();
            cli.print(key, key);
            return 0;
        }, {}, {}};

    Command list{{QStringLiteral("list"), QStringLiteral("ls"), QStringLiteral("show")}, QStringLiteral("Lists API keys"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/apikey"));
            if (!reply)
                return cli.exitCode();
            const QJsonArray keys = reply->value(QStringLiteral("apiKeys")).toArray();
            QList<QStringList> rows;
            for (const QJsonValue& v : keys) {
                const QJsonObject k = v.toObject();
                rows.append({idFrom(k.value(QStringLiteral("id"))), k.value(QStringLiteral("prefix")).toString(),
                             humanTime(k.value(QStringLiteral("expiration"))), expiredText(k.value(QStringLiteral("expiration"))),
                             humanTime(k.value(QStringLiteral("createdAt"))), humanTime(k.value(QStringLiteral("lastSeen")))});
            }
            cli.print(keys, table({QStringLiteral("ID"), QStringLiteral("Prefix"), QStringLiteral("Expiration"), QStringLiteral("Expired"),
                                   QStringLiteral("Created"), QStringLiteral("Last seen")}, rows));
            return 0;
        }, {}, {}};

    Command expire{{QStringLiteral("expire"), QStringLiteral("revoke"), QStringLiteral("exp"), QStringLiteral("e")}, QStringLiteral("Expires an API key"), {}, 0, 0,
        selectFlags,
        [&cli](Invocation& inv) {
            if (!checkSelection(cli, inv))
                return cli.exitCode();
            const QJsonObject body = inv.has(QStringLiteral("id")) ? QJsonObject{{QStringLiteral("id"), inv.value(QStringLiteral("id"))}}
                                                                   : QJsonObject{{QStringLiteral("prefix"), inv.value(QStringLiteral("prefix"))}};
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/apikey/expire"), body);
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("Key expired"));
            return 0;
        }, {}, {}};

    Command remove{{QStringLiteral("delete"), QStringLiteral("remove"), QStringLiteral("del")}, QStringLiteral("Deletes an API key"), {}, 0, 0,
        selectFlags,
        [&cli](Invocation& inv) {
            if (!checkSelection(cli, inv))
                return cli.exitCode();
            const QString path = inv.has(QStringLiteral("id"))
                ? QStringLiteral("/api/v1/apikey?id=") + inv.value(QStringLiteral("id"))
                : QStringLiteral("/api/v1/apikey/") + QString::fromUtf8(QUrl::toPercentEncoding(inv.value(QStringLiteral("prefix"))));
            const auto reply = cli.call("DELETE", path);
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("Key deleted"));
            return 0;
        }, {}, {}};

    return Command{{QStringLiteral("apikeys"), QStringLiteral("apikey"), QStringLiteral("api")},
                   QStringLiteral("Manage the API keys for remote administration"), {}, 0, 0, {}, {}, {create, list, expire, remove}, {}};
}

} // namespace keel::cli
