// `keel auth register --auth-id ID --user U` and the older `keel nodes register --user U --key ID`:
// approve a machine waiting on an interactive registration (its AuthURL page shows the command).
#include "Cli.h"

#include <QDateTime>
#include <QJsonArray>
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
    // Headscale 0.29: decide a pending auth session: a machine registration (needs --user) or a
    // Tailscale SSH check.
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
    const Flag authIdFlag{QStringLiteral("auth-id"), {}, QStringLiteral("the id shown on the login or check page (see: keel auth list)"), true, {}, true};
    Command approveAuth{{QStringLiteral("approve")}, QStringLiteral("Approves a pending registration (with --user) or SSH check"), {}, 0, 0,
        {authIdFlag, {QStringLiteral("user"), QLatin1Char('u'), QStringLiteral("for a machine registration: the user who will own it"), true, {}, false}},
        decide(QStringLiteral("/api/v1/auth/approve"), QStringLiteral("Auth request approved")), {}, {}};
    Command rejectAuth{{QStringLiteral("reject")}, QStringLiteral("Rejects a pending registration or SSH check (the machine is told so)"), {}, 0, 0,
        {authIdFlag}, decide(QStringLiteral("/api/v1/auth/reject"), QStringLiteral("Auth request rejected")), {}, {}};
    Command listAuth{{QStringLiteral("list"), QStringLiteral("ls"), QStringLiteral("pending")}, QStringLiteral("Lists machines waiting for approval"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/auth/pending"));
            if (!reply)
                return cli.exitCode();
            const QJsonArray regs = reply->value(QStringLiteral("registrations")).toArray();
            QList<QStringList> rows;
            for (const QJsonValue& v : regs) {
                const QJsonObject r = v.toObject();
                QStringList tags;
                for (const QJsonValue& t : r.value(QStringLiteral("requestedTags")).toArray())
                    tags << t.toString();
                const QDateTime created = QDateTime::fromString(r.value(QStringLiteral("createdAt")).toString(), Qt::ISODateWithMs);
                const qint64 age = created.isValid() ? created.secsTo(QDateTime::currentDateTimeUtc()) : 0;
                rows.append({r.value(QStringLiteral("authId")).toString(), r.value(QStringLiteral("hostname")).toString(),
                             r.value(QStringLiteral("machineKey")).toString(), r.value(QStringLiteral("os")).toString(),
                             r.value(QStringLiteral("clientVersion")).toString().section(QLatin1Char('-'), 0, 0),
                             tags.join(QLatin1Char(',')), age < 120 ? QStringLiteral("%1s").arg(age) : QStringLiteral("%1m").arg(age / 60)});
            }
            cli.print(regs, table({QStringLiteral("Auth ID"), QStringLiteral("Hostname"), QStringLiteral("Machine key"), QStringLiteral("OS"),
                                   QStringLiteral("Version"), QStringLiteral("Requested tags"), QStringLiteral("Age")}, rows));
            return 0;
        }, {}, {}};
    root.children.append(Command{{QStringLiteral("auth")}, QStringLiteral("Approve machine registrations and SSH checks"), {}, 0, 0, {}, {},
                                 {registerAuth, listAuth, approveAuth, rejectAuth}, {}});

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
