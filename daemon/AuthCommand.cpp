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

QString age(const QString& iso)
{
    const QDateTime created = QDateTime::fromString(iso, Qt::ISODateWithMs);
    const qint64 secs = created.isValid() ? created.secsTo(QDateTime::currentDateTimeUtc()) : 0;
    return secs < 120 ? QStringLiteral("%1s").arg(secs) : QStringLiteral("%1m").arg(secs / 60);
}

QString when(const QString& iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : iso;
}

QString nodeLabel(const QJsonObject& o, const QString& prefix)
{
    return QStringLiteral("%1 (%2)").arg(o.value(prefix).toString(), o.value(prefix + QStringLiteral("Id")).toString());
}

// One JSON array for `-o json` (registrations as before; SSH entries carry "kind"), and up to
// three tables for people.
int printAuthList(Cli& cli, const QJsonObject& reply)
{
    const QJsonArray regs = reply.value(QStringLiteral("registrations")).toArray();
    const QJsonArray checks = reply.value(QStringLiteral("sshChecks")).toArray();
    const QJsonArray approvals = reply.value(QStringLiteral("sshApprovals")).toArray();
    QList<QStringList> rows;
    for (const QJsonValue& v : regs) {
        const QJsonObject r = v.toObject();
        QStringList tags;
        for (const QJsonValue& t : r.value(QStringLiteral("requestedTags")).toArray())
            tags << t.toString();
        rows.append({r.value(QStringLiteral("authId")).toString(), r.value(QStringLiteral("hostname")).toString(),
                     r.value(QStringLiteral("machineKey")).toString(), r.value(QStringLiteral("os")).toString(),
                     r.value(QStringLiteral("clientVersion")).toString().section(QLatin1Char('-'), 0, 0),
                     tags.join(QLatin1Char(',')), age(r.value(QStringLiteral("createdAt")).toString())});
    }
    QString human = table({QStringLiteral("Auth ID"), QStringLiteral("Hostname"), QStringLiteral("Machine key"), QStringLiteral("OS"),
                           QStringLiteral("Version"), QStringLiteral("Requested tags"), QStringLiteral("Age")}, rows);
    if (!checks.isEmpty()) {
        QList<QStringList> c;
        for (const QJsonValue& v : checks) {
            const QJsonObject o = v.toObject();
            c.append({o.value(QStringLiteral("authId")).toString(), nodeLabel(o, QStringLiteral("srcNode")),
                      nodeLabel(o, QStringLiteral("dstNode")), o.value(QStringLiteral("localUser")).toString(),
                      age(o.value(QStringLiteral("createdAt")).toString()), when(o.value(QStringLiteral("expiresAt")).toString())});
        }
        human += QStringLiteral("\n\nPending SSH checks:\n")
                 + table({QStringLiteral("Auth ID"), QStringLiteral("From"), QStringLiteral("To"), QStringLiteral("User"),
                          QStringLiteral("Age"), QStringLiteral("Expires (UTC)")}, c);
    }
    if (!approvals.isEmpty()) {
        QList<QStringList> a;
        for (const QJsonValue& v : approvals) {
            const QJsonObject o = v.toObject();
            a.append({nodeLabel(o, QStringLiteral("srcNode")), nodeLabel(o, QStringLiteral("dstNode")),
                      o.value(QStringLiteral("localUser")).toString(), when(o.value(QStringLiteral("approvedAt")).toString()),
                      o.value(QStringLiteral("approvedBy")).toString(), when(o.value(QStringLiteral("expiresAt")).toString())});
        }
        human += QStringLiteral("\n\nSSH check approvals in force:\n")
                 + table({QStringLiteral("From"), QStringLiteral("To"), QStringLiteral("User"), QStringLiteral("Approved (UTC)"),
                          QStringLiteral("By"), QStringLiteral("Until (UTC)")}, a);
    }
    QJsonArray all = regs;
    for (const QJsonValue& v : checks)
        all.append(v);
    for (const QJsonValue& v : approvals)
        all.append(v);
    cli.print(all, human);
    return 0;
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
    Command listAuth{{QStringLiteral("list"), QStringLiteral("ls"), QStringLiteral("pending")},
        QStringLiteral("Lists machines waiting for approval, pending SSH checks and SSH check approvals in force"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/auth/pending"));
            if (!reply)
                return cli.exitCode();
            return printAuthList(cli, *reply);
        }, {}, {}};
    root.children.append(Command{{QStringLiteral("auth")}, QStringLiteral("Approve machine registrations and SSH checks"), {}, 0, 0, {}, {},
                                 {registerAuth, listAuth, approveAuth, rejectAuth}, {}});

    // Headscale's `debug create-node --name N --user U --key hskey-authreq-... [--route CIDR]...`.
    Command createNode{{QStringLiteral("create-node")},
        QStringLiteral("Creates a pending registration for a made-up machine (register it with `keel auth register`)"), {}, 0, 0,
        {{QStringLiteral("name"), {}, QStringLiteral("the machine's hostname"), true, {}, true},
         {QStringLiteral("user"), QLatin1Char('u'), QStringLiteral("the user it is meant for (must exist)"), true, {}, true},
         {QStringLiteral("key"), QLatin1Char('k'), QStringLiteral("the registration id to use: hskey-authreq- and 24 characters"), true, {}, true},
         {QStringLiteral("route"), QLatin1Char('r'), QStringLiteral("a route it announces (repeat the flag or separate with commas)"), true, {}, false, true}},
        [&cli](Invocation& inv) {
            QJsonArray routes;
            for (const QString& r : inv.value(QStringLiteral("route")).split(QLatin1Char(','), Qt::SkipEmptyParts))
                routes.append(r.trimmed());
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/debug/node"),
                                        {{QStringLiteral("name"), inv.value(QStringLiteral("name"))},
                                         {QStringLiteral("user"), inv.value(QStringLiteral("user"))},
                                         {QStringLiteral("key"), inv.value(QStringLiteral("key"))},
                                         {QStringLiteral("routes"), routes}});
            if (!reply)
                return cli.exitCode();
            const QJsonObject node = reply->value(QStringLiteral("node")).toObject();
            cli.print(node, QStringLiteral("Node %1 is waiting for registration; register it with:\n  keel auth register --auth-id %2 --user %3")
                                .arg(node.value(QStringLiteral("hostname")).toString(), node.value(QStringLiteral("authId")).toString(),
                                     node.value(QStringLiteral("user")).toString()));
            return 0;
        }, {}, {}};
    root.children.append(Command{{QStringLiteral("debug")}, QStringLiteral("Debugging and testing commands"), {}, 0, 0, {}, {}, {createNode}, {}});

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
