// keel users create|list|rename|destroy
#include "Cli.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace keel::cli {

namespace {

const Flag idFlag{QStringLiteral("identifier"), QLatin1Char('i'), QStringLiteral("user ID")};
const Flag nameFlag{QStringLiteral("name"), QLatin1Char('n'), QStringLiteral("user name")};

QString userTable(const QJsonArray& users)
{
    QList<QStringList> rows;
    bool anyGroups = false;
    for (const QJsonValue& v : users) {
        const QJsonObject u = v.toObject();
        QStringList groups;
        for (const QJsonValue& g : u.value(QStringLiteral("providerGroups")).toArray())
            groups << g.toString();
        anyGroups = anyGroups || !groups.isEmpty();
        rows.append({idFrom(u.value(QStringLiteral("id"))), u.value(QStringLiteral("displayName")).toString(),
                     u.value(QStringLiteral("name")).toString(), u.value(QStringLiteral("email")).toString(),
                     humanTime(u.value(QStringLiteral("createdAt"))), groups.join(QStringLiteral(", "))});
    }
    QStringList header{QStringLiteral("ID"), QStringLiteral("Name"), QStringLiteral("Username"), QStringLiteral("Email"), QStringLiteral("Created")};
    // Headscale's columns, plus the OIDC groups (policy: oidcgroup:<name>) once any user has some.
    if (anyGroups)
        header << QStringLiteral("Provider groups");
    else
        for (QStringList& row : rows)
            row.removeLast();
    return table(header, rows);
}

// -i or -n picks exactly one user; returns its JSON, or nullopt after printing why.
std::optional<QJsonObject> selectUser(Cli& cli, const Invocation& inv)
{
    QUrlQuery query;
    if (inv.has(QStringLiteral("identifier")))
        query.addQueryItem(QStringLiteral("id"), inv.value(QStringLiteral("identifier")));
    if (inv.has(QStringLiteral("name")))
        query.addQueryItem(QStringLiteral("name"), inv.value(QStringLiteral("name")));
    if (query.isEmpty()) {
        cli.fail(QStringLiteral("--name or --identifier flag is required"));
        return std::nullopt;
    }
    const auto reply = cli.call("GET", QStringLiteral("/api/v1/user?") + query.toString(QUrl::FullyEncoded));
    if (!reply)
        return std::nullopt;
    const QJsonArray users = reply->value(QStringLiteral("users")).toArray();
    if (users.isEmpty()) {
        QStringList asked;
        if (inv.has(QStringLiteral("identifier")))
            asked << QStringLiteral("ID %1").arg(inv.value(QStringLiteral("identifier")));
        if (inv.has(QStringLiteral("name")))
            asked << QStringLiteral("name '%1'").arg(inv.value(QStringLiteral("name")));
        cli.fail(QStringLiteral("user not found: no user with %1 (see: keel users list)").arg(asked.join(QStringLiteral(" and "))));
        return std::nullopt;
    }
    if (users.size() > 1) {
        cli.fail(QStringLiteral("multiple users match query, specify an ID"));
        return std::nullopt;
    }
    return users.first().toObject();
}

} // namespace

Command usersCommand(Cli& cli)
{
    Command create{{QStringLiteral("create"), QStringLiteral("c"), QStringLiteral("new")}, QStringLiteral("Creates a new user"), QStringLiteral("NAME"), 1, 1,
        {{QStringLiteral("display-name"), QLatin1Char('d'), QStringLiteral("display name")},
         {QStringLiteral("email"), QLatin1Char('e'), QStringLiteral("email address")},
         {QStringLiteral("picture-url"), QLatin1Char('p'), QStringLiteral("profile picture URL")}},
        [&cli](Invocation& inv) {
            const QJsonObject body{{QStringLiteral("name"), inv.arguments.first()},
                                   {QStringLiteral("displayName"), inv.value(QStringLiteral("display-name"))},
                                   {QStringLiteral("email"), inv.value(QStringLiteral("email"))},
                                   {QStringLiteral("pictureUrl"), inv.value(QStringLiteral("picture-url"))}};
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/user"), body);
            if (!reply)
                return cli.exitCode();
            cli.print(reply->value(QStringLiteral("user")), QStringLiteral("User created"));
            return 0;
        }, {}, {}};

    Command list{{QStringLiteral("list"), QStringLiteral("ls"), QStringLiteral("show")}, QStringLiteral("Lists users"), {}, 0, 0,
        {idFlag, nameFlag, {QStringLiteral("email"), QLatin1Char('e'), QStringLiteral("filter by email")}},
        [&cli](Invocation& inv) {
            QUrlQuery query;
            for (const auto& [flag, param] : {std::pair{"identifier", "id"}, std::pair{"name", "name"}, std::pair{"email", "email"}}) {
                if (inv.has(QLatin1String(flag)))
                    query.addQueryItem(QLatin1String(param), inv.value(QLatin1String(flag)));
            }
            const QString q = query.isEmpty() ? QString() : QStringLiteral("?") + query.toString(QUrl::FullyEncoded);
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/user") + q);
            if (!reply)
                return cli.exitCode();
            const QJsonArray users = reply->value(QStringLiteral("users")).toArray();
            cli.print(users, userTable(users));
            return 0;
        }, {}, {}};

    Command rename{{QStringLiteral("rename"), QStringLiteral("mv")}, QStringLiteral("Renames a user"), {}, 0, 0,
        {idFlag, nameFlag, {QStringLiteral("new-name"), QLatin1Char('r'), QStringLiteral("new user name"), true, {}, true}},
        [&cli](Invocation& inv) {
            const auto user = selectUser(cli, inv);
            if (!user)
                return cli.exitCode();
            const QString path = QStringLiteral("/api/v1/user/%1/rename/%2")
                                     .arg(idFrom(user->value(QStringLiteral("id"))),
                                          QString::fromUtf8(QUrl::toPercentEncoding(inv.value(QStringLiteral("new-name")))));
            const auto reply = cli.call("POST", path);
            if (!reply)
                return cli.exitCode();
            cli.print(reply->value(QStringLiteral("user")), QStringLiteral("User renamed"));
            return 0;
        }, {}, {}};

    Command destroy{{QStringLiteral("destroy"), QStringLiteral("delete")}, QStringLiteral("Destroys a user and their pre-auth keys"), {}, 0, 0,
        {idFlag, nameFlag},
        [&cli](Invocation& inv) {
            const auto user = selectUser(cli, inv);
            if (!user)
                return cli.exitCode();
            const QString name = user->value(QStringLiteral("name")).toString();
            if (!cli.confirm(QStringLiteral("Do you want to remove the user \"%1\" (%2) and any associated preauthkeys?").arg(name, idFrom(user->value(QStringLiteral("id")))))) {
                if (cli.exitCode() == 0)
                    cli.print(QJsonObject{{QStringLiteral("result"), QStringLiteral("User not destroyed")}}, QStringLiteral("User not destroyed"));
                return cli.exitCode();
            }
            const auto reply = cli.call("DELETE", QStringLiteral("/api/v1/user/") + idFrom(user->value(QStringLiteral("id"))));
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("User destroyed"));
            return 0;
        }, {}, {}};

    return Command{{QStringLiteral("users"), QStringLiteral("user"), QStringLiteral("namespaces"), QStringLiteral("namespace")},
                   QStringLiteral("Manage the users of Keel"), {}, 0, 0, {}, {}, {create, list, rename, destroy}, {}};
}

} // namespace keel::cli
