// `keel auth register --auth-id ID --user U` and the older `keel nodes register --user U --key ID`:
// approve a machine waiting on an interactive registration (its AuthURL page shows the command).
#include "Cli.h"

#include <QJsonObject>
#include <QUrlQuery>

namespace keel::cli {

namespace {

int printNode(Cli& cli, const std::optional<QJsonObject>& reply)
{
    if (!reply)
        return cli.exitCode();
    const QJsonObject node = reply->value(QStringLiteral("node")).toObject();
    const QString name = node.value(QStringLiteral("givenName")).toString();
    cli.print(node, QStringLiteral("Node %1 registered").arg(name.isEmpty() ? idFrom(node.value(QStringLiteral("id"))) : name));
    return 0;
}

Flag userFlag()
{
    return {QStringLiteral("user"), QLatin1Char('u'), QStringLiteral("the user who will own the machine"), true, {}, true};
}

} // namespace

void addAuthCommands(Cli& cli, Command& root)
{
    Command registerAuth{{QStringLiteral("register")}, QStringLiteral("Approves a pending machine registration"), {}, 0, 0,
        {{QStringLiteral("auth-id"), {}, QStringLiteral("the registration id shown on the machine's login page"), true, {}, true}, userFlag()},
        [&cli](Invocation& inv) {
            return printNode(cli, cli.call("POST", QStringLiteral("/api/v1/auth/register"),
                                           {{QStringLiteral("authId"), inv.value(QStringLiteral("auth-id"))},
                                            {QStringLiteral("user"), inv.value(QStringLiteral("user"))}}));
        }, {}, {}};
    root.children.append(Command{{QStringLiteral("auth")}, QStringLiteral("Approve interactive machine registrations"), {}, 0, 0, {}, {},
                                 {registerAuth}, {}});

    Command registerNode{{QStringLiteral("register")}, QStringLiteral("Registers a machine waiting on its login page"), {}, 0, 0,
        {userFlag(), {QStringLiteral("key"), QLatin1Char('k'), QStringLiteral("the registration id (hskey-authreq-...)"), true, {}, true}},
        [&cli](Invocation& inv) {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("user"), inv.value(QStringLiteral("user")));
            q.addQueryItem(QStringLiteral("key"), inv.value(QStringLiteral("key")));
            return printNode(cli, cli.call("POST", QStringLiteral("/api/v1/node/register?") + q.toString(QUrl::FullyEncoded)));
        }, {}, {}};
    for (Command& c : root.children)
        if (c.names.contains(QStringLiteral("nodes")))
            c.children.append(registerNode);
}

} // namespace keel::cli
