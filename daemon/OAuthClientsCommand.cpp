// keel oauth-clients create|list|delete: the OAuth clients of the Tailscale-compatible /api/v2
#include "Cli.h"

#include <QJsonArray>

namespace keel::cli {

Command oauthClientsCommand(Cli& cli)
{
    Command create{{QStringLiteral("create"), QStringLiteral("c"), QStringLiteral("new")},
        QStringLiteral("Creates an OAuth client (its secret is shown once)"), {}, 0, 0,
        {{QStringLiteral("scopes"), QLatin1Char('s'), QStringLiteral("Tailscale scopes, comma-separated, e.g. devices:core,auth_keys or all:read"), true, {}, true},
         {QStringLiteral("tags"), QLatin1Char('t'), QStringLiteral("tags the client's auth keys and devices may carry (needed with devices:core or auth_keys)")},
         {QStringLiteral("description"), QLatin1Char('d'), QStringLiteral("what the client is for")}},
        [&cli](Invocation& inv) {
            const QJsonObject body{{QStringLiteral("scopes"), inv.value(QStringLiteral("scopes"))},
                                   {QStringLiteral("tags"), inv.value(QStringLiteral("tags"))},
                                   {QStringLiteral("description"), inv.value(QStringLiteral("description"))}};
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/oauthclient"), body);
            if (!reply)
                return cli.exitCode();
            const QJsonObject client = reply->value(QStringLiteral("oauthClient")).toObject();
            const QString secret = reply->value(QStringLiteral("clientSecret")).toString();
            cli.print(*reply, QStringLiteral("Client ID:     %1\nClient secret: %2\n(the secret is shown only now; token endpoint: POST /api/v2/oauth/token)")
                                  .arg(client.value(QStringLiteral("clientId")).toString(), secret));
            return 0;
        }, {}, {}};

    Command list{{QStringLiteral("list"), QStringLiteral("ls"), QStringLiteral("show")}, QStringLiteral("Lists OAuth clients"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/oauthclient"));
            if (!reply)
                return cli.exitCode();
            const QJsonArray clients = reply->value(QStringLiteral("oauthClients")).toArray();
            QList<QStringList> rows;
            const auto joined = [](const QJsonValue& v) {
                QStringList out;
                for (const QJsonValue& e : v.toArray())
                    out << e.toString();
                return out.join(QLatin1Char(','));
            };
            for (const QJsonValue& v : clients) {
                const QJsonObject c = v.toObject();
                rows.append({idFrom(c.value(QStringLiteral("id"))), c.value(QStringLiteral("clientId")).toString(),
                             joined(c.value(QStringLiteral("scopes"))), joined(c.value(QStringLiteral("tags"))),
                             c.value(QStringLiteral("description")).toString(), humanTime(c.value(QStringLiteral("createdAt"))),
                             humanTime(c.value(QStringLiteral("lastUsed")))});
            }
            cli.print(clients, table({QStringLiteral("ID"), QStringLiteral("Client ID"), QStringLiteral("Scopes"), QStringLiteral("Tags"),
                                      QStringLiteral("Description"), QStringLiteral("Created"), QStringLiteral("Last used")}, rows));
            return 0;
        }, {}, {}};

    Command remove{{QStringLiteral("delete"), QStringLiteral("remove"), QStringLiteral("del")},
        QStringLiteral("Deletes an OAuth client; the access tokens it issued stop working"), {}, 0, 0,
        {{QStringLiteral("id"), QLatin1Char('i'), QStringLiteral("OAuth client ID (the number `oauth-clients list` shows)"), true, {}, true}},
        [&cli](Invocation& inv) {
            const auto reply = cli.call("DELETE", QStringLiteral("/api/v1/oauthclient/") + inv.value(QStringLiteral("id")));
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("OAuth client deleted"));
            return 0;
        }, {}, {}};

    return Command{{QStringLiteral("oauth-clients"), QStringLiteral("oauthclients"), QStringLiteral("oauth")},
                   QStringLiteral("Manage the OAuth clients of the Tailscale-compatible API (/api/v2)"), {}, 0, 0, {}, {}, {create, list, remove}, {}};
}

} // namespace keel::cli
