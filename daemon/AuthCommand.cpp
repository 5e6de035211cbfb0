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
    // Headscale 0.29: decide a pending auth session, such as a Tailscale SSH check (its page shows
    // these commands).
    const auto decide = [&cli](const QString& path, const QString& done) {
        return [&cli, path, done](Invocation& inv) {
            QJsonObject body{{QStringLiteral("authId"), inv.value(QStringLiteral("auth-id"))}};
            if (inv.has(QStringLiteral("user")))
                body.insert(QStringLiteral("user"), inv.value(QStringLiteral("user")));
            const auto reply = cli.call("POST", path, body);
            if (!reply)
                return cli.exitCode();
            if (reply->contains(QStringLiteral("node")))
                return printNode(cli, reply);
            cli.print(*reply, done);
            return 0;
        };
    };
    const Flag authIdFlag{QStringLiteral("auth-id"), {}, QStringLiteral("the id shown on the check or login page"), true, {}, true};
    Command approveAuth{{QStringLiteral("approve")}, QStringLiteral("Approves a pending authentication request (an SSH check)"), {}, 0, 0,
        {authIdFlag, {QStringLiteral("user"), QLatin1Char('u'), QStringLiteral("for a machine registration: the user who will own it"), true, {}, false}},
        decide(QStringLiteral("/api/v1/auth/approve"), QStringLiteral("Auth request approved")), {}, {}};
    Command rejectAuth{{QStringLiteral("reject")}, QStringLiteral("Refuses a pending authentication request (an SSH check)"), {}, 0, 0,
        {authIdFlag}, decide(QStringLiteral("/api/v1/auth/reject"), QStringLiteral("Auth request rejected")), {}, {}};
    root.children.append(Command{{QStringLiteral("auth")}, QStringLiteral("Approve machine registrations and SSH checks"), {}, 0, 0, {}, {},
                                 {registerAuth, approveAuth, rejectAuth}, {}});

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
