// keel policy get|set|check|explain|history|rollback
#include "Cli.h"

#include "server/Maintenance.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

#include <cstdio>

namespace keel::cli {

namespace {

const Flag kFileFlag{QStringLiteral("file"), QLatin1Char('f'), QStringLiteral("path to a policy file (HuJSON, or YAML by a .yaml/.yml name)"), true, {}, true};

bool readPolicy(Cli& cli, const QString& path, QByteArray* text)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        cli.fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        return false;
    }
    *text = file.readAll();
    return true;
}

// The policy engine names entries ("acls[1]") and values ("\"mallory@\""), not lines. Where a
// quoted value of a problem appears on one line of the file, that line is put in front, so an
// editor can jump to it: "policy.hujson:7: acls[1]: ...".
QString withLineNumbers(const QString& problems, const QByteArray& text, const QString& path)
{
    static const QRegularExpression quoted(QStringLiteral("\"([^\"]{2,})\""));
    const QStringList fileLines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    QStringList out;
    for (const QString& problem : problems.split(QLatin1Char('\n'))) {
        int found = 0;
        for (auto it = quoted.globalMatch(problem); it.hasNext() && found == 0;) {
            const QString token = it.next().captured(1);
            QList<int> hits;
            for (int i = 0; i < fileLines.size(); ++i)
                if (fileLines[i].contains(token))
                    hits << i + 1;
            if (hits.size() == 1)
                found = hits.first();
        }
        if (found == 0) {
            out << problem;
            continue;
        }
        const qsizetype indent = problem.size() - QString(problem).remove(QRegularExpression(QStringLiteral("^\\s+"))).size();
        out << problem.left(indent) + QStringLiteral("%1:%2: ").arg(path).arg(found) + problem.mid(indent);
    }
    return out.join(QLatin1Char('\n'));
}

QString humanExplanation(const QJsonObject& answer)
{
    const QJsonArray pairs = answer.value(QStringLiteral("pairs")).toArray();
    if (pairs.isEmpty())
        return answer.value(QStringLiteral("reason")).toString();
    QStringList lines;
    for (const QJsonValue& p : pairs)
        lines << p.toObject().value(QStringLiteral("reason")).toString();
    lines << answer.value(QStringLiteral("reason")).toString();
    return lines.join(QLatin1Char('\n'));
}

Command checkCommand(Cli& cli)
{
    // Headscale's `policy check` asks the running server; Keel falls back to the database (as
    // Headscale's --bypass does), then to the file alone, and says which it did.
    const Flag offlineFlag{QStringLiteral("offline"), QChar(), QStringLiteral("check the file alone: no server, no database"), false, {}, false};
    return Command{{QStringLiteral("check")}, QStringLiteral("Checks a policy file: against the running server, else its database, else the file alone"), {}, 0, 0,
        {kFileFlag, offlineFlag},
        [&cli](Invocation& inv) {
            const QString path = inv.value(QStringLiteral("file"));
            QByteArray text;
            if (!readPolicy(cli, path, &text))
                return cli.exitCode();
            // The same answer whichever way it is checked: `policy set` refuses an empty policy.
            if (text.trimmed().isEmpty())
                return cli.fail(QStringLiteral("%1 is empty: there is no policy to check").arg(path));
            const auto config = cli.loadConfig();
            if (!config)
                return cli.fail(QStringLiteral("the configuration has errors (listed above)"));
            QString against;
            QString problems;
            if (!inv.isOn(QStringLiteral("offline"))) {
                bool local = false;
                // The file's name tells the server HuJSON from YAML (it also tells by the content).
                const auto reply = cli.tryCall("POST", QStringLiteral("/api/v1/policy/check"),
                                               {{QStringLiteral("policy"), QString::fromUtf8(text)},
                                                {QStringLiteral("fileName"), QFileInfo(path).fileName()}}, &local);
                if (!reply)
                    return cli.exitCode();
                if (reply->status != 0 || !local) {
                    // It answered (or it is a remote server: its database is not ours to open).
                    const QString server = local ? QStringLiteral("the running server (unix socket %1)").arg(config->unixSocket)
                                                 : QStringLiteral("the server at %1").arg(config->cli.address);
                    if (!reply->ok())
                        return cli.fail(QStringLiteral("%1\n(checked against %2)").arg(withLineNumbers(reply->errorMessage(), text, path), server));
                    against = server + QStringLiteral(": ") + reply->json().value(QStringLiteral("checkedAgainst")).toString();
                    cli.print(QJsonObject{{QStringLiteral("valid"), true}, {QStringLiteral("checkedAgainst"), against}},
                              QStringLiteral("Policy is valid (checked against %1)").arg(against));
                    return 0;
                }
                problems = server::Maintenance::checkPolicy(&*config, text, path, &against);
            } else {
                problems = server::Maintenance::checkPolicy(nullptr, text, path, &against);
            }
            if (!problems.isEmpty())
                return cli.fail(QStringLiteral("%1\n(checked against %2)").arg(withLineNumbers(problems, text, path), against));
            cli.print(QJsonObject{{QStringLiteral("valid"), true}, {QStringLiteral("checkedAgainst"), against}},
                      QStringLiteral("Policy is valid (checked against %1)").arg(against));
            return 0;
        }, {}, {}};
}

Command explainCommand(Cli& cli)
{
    return Command{{QStringLiteral("explain")}, QStringLiteral("Tells whether one node may reach another on a port, and by which rule"), {}, 0, 0,
        {{QStringLiteral("src"), QLatin1Char('s'), QStringLiteral("source: node name, tailnet address, host alias, tag:x, group:x or user@"), true, {}, true},
         {QStringLiteral("dst"), QLatin1Char('d'), QStringLiteral("destination, in the same forms as --src"), true, {}, true},
         {QStringLiteral("port"), QLatin1Char('p'), QStringLiteral("destination port"), true, {}, true},
         {QStringLiteral("proto"), {}, QStringLiteral("tcp, udp, icmp, sctp or a protocol number"), true, QStringLiteral("tcp")},
         {QStringLiteral("file"), QLatin1Char('f'), QStringLiteral("explain this policy file instead of the one in force (reads the server's database)")}},
        [&cli](Invocation& inv) {
            bool ok = false;
            const int port = inv.value(QStringLiteral("port")).toInt(&ok);
            if (!ok || port < 0 || port > 65535)
                return cli.fail(QStringLiteral("--port must be a number from 0 to 65535"));
            const QJsonObject question{{QStringLiteral("src"), inv.value(QStringLiteral("src"))},
                                       {QStringLiteral("dst"), inv.value(QStringLiteral("dst"))},
                                       {QStringLiteral("port"), port},
                                       {QStringLiteral("proto"), inv.value(QStringLiteral("proto"))}};
            std::optional<QJsonObject> answer;
            if (inv.has(QStringLiteral("file"))) {
                const QString path = inv.value(QStringLiteral("file"));
                QByteArray text;
                if (!readPolicy(cli, path, &text))
                    return cli.exitCode();
                const auto config = cli.loadConfig();
                if (!config)
                    return cli.fail(QStringLiteral("the configuration has errors (listed above)"));
                static const QMap<QString, int> names{{QStringLiteral("tcp"), 6}, {QStringLiteral("udp"), 17},
                                                      {QStringLiteral("icmp"), 1}, {QStringLiteral("sctp"), 132}};
                const QString protoText = inv.value(QStringLiteral("proto")).toLower();
                const int proto = names.value(protoText, protoText.toInt(&ok));
                if (!names.contains(protoText) && (!ok || proto < 0 || proto > 255))
                    return cli.fail(QStringLiteral("unknown protocol '%1': use tcp, udp, icmp, sctp or a number").arg(protoText));
                QString against;
                QString error;
                answer = server::Maintenance::explainPolicy(*config, text, path, question.value(QStringLiteral("src")).toString(),
                                                            question.value(QStringLiteral("dst")).toString(), port, proto, &against, &error);
                if (!answer)
                    return cli.fail(withLineNumbers(error, text, path));
                answer->insert(QStringLiteral("checkedAgainst"), against);
            } else {
                answer = cli.call("POST", QStringLiteral("/api/v1/policy/explain"), question);
                if (!answer)
                    return cli.exitCode();
            }
            cli.print(*answer, humanExplanation(*answer));
            return answer->value(QStringLiteral("allowed")).toBool() ? 0 : 2;
        }, {},
        QStringLiteral("Tells whether --src may reach --dst on --port, and by which rule: asks the running server, on the policy\n"
                       "in force, or with -f FILE a policy not yet applied (against the server's database). A tag, user, group or\n"
                       "host alias covering several nodes gives one line per pair. Exit code 0 when allowed, 2 when denied.")};
}

Command historyCommand(Cli& cli)
{
    return Command{{QStringLiteral("history")}, QStringLiteral("Lists the stored policies, newest first (policy.mode: database)"), {}, 0, 0,
        {{QStringLiteral("limit"), QLatin1Char('n'), QStringLiteral("how many entries"), true, QStringLiteral("20")},
         {QStringLiteral("show"), QChar(), QStringLiteral("print the text of this entry id instead of the list"), true, {}}},
        [&cli](Invocation& inv) {
            bool ok = false;
            const int limit = inv.value(QStringLiteral("limit")).toInt(&ok);
            if (!ok || limit < 1 || limit > 10000)
                return cli.fail(QStringLiteral("--limit must be a number from 1 to 10000"));
            const QString show = inv.value(QStringLiteral("show"));
            // The newest `limit` entries, or all of them when one is asked for by id.
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/policy/history?limit=%1").arg(show.isEmpty() ? limit : 10000));
            if (!reply)
                return cli.exitCode();
            const QJsonArray entries = reply->value(QStringLiteral("entries")).toArray();
            if (!show.isEmpty()) {
                for (const QJsonValue& e : entries)
                    if (e.toObject().value(QStringLiteral("id")).toString() == show) {
                        cli.print(e, e.toObject().value(QStringLiteral("policy")).toString());
                        return 0;
                    }
                return cli.fail(QStringLiteral("no policy with id %1 in the history (see `keel policy history`)").arg(show));
            }
            QList<QStringList> rows;
            for (int i = 0; i < entries.size(); ++i) {
                const QJsonObject e = entries[i].toObject();
                const QString actor = e.value(QStringLiteral("actor")).toString();
                rows << QStringList{e.value(QStringLiteral("id")).toString(), humanTime(e.value(QStringLiteral("updatedAt"))),
                                    actor.isEmpty() ? QStringLiteral("(unknown)") : actor,
                                    QString::number(e.value(QStringLiteral("policy")).toString().toUtf8().size()),
                                    i == 0 ? QStringLiteral("in force") : e.value(QStringLiteral("note")).toString()};
                if (i == 0 && !e.value(QStringLiteral("note")).toString().isEmpty())
                    rows.last()[4] += QStringLiteral(" (") + e.value(QStringLiteral("note")).toString() + QLatin1Char(')');
            }
            cli.print(*reply, table({QStringLiteral("ID"), QStringLiteral("Stored"), QStringLiteral("By"), QStringLiteral("Bytes"), QStringLiteral("Note")}, rows));
            return 0;
        }, {},
        QStringLiteral("Every policy stored with `keel policy set` (or the GUI) is kept. `--show ID` prints one; `keel policy\n"
                       "rollback --id ID` puts it in force again.")};
}

Command rollbackCommand(Cli& cli)
{
    return Command{{QStringLiteral("rollback")}, QStringLiteral("Puts an earlier policy from the history in force again"), {}, 0, 0,
        {{QStringLiteral("id"), QLatin1Char('i'), QStringLiteral("the history entry (see `keel policy history`)"), true, {}, true}},
        [&cli](Invocation& inv) {
            bool ok = false;
            const qint64 id = inv.value(QStringLiteral("id")).toLongLong(&ok);
            if (!ok || id <= 0)
                return cli.fail(QStringLiteral("--id must be a history entry number (see `keel policy history`)"));
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/policy/rollback"), {{QStringLiteral("id"), QString::number(id)}});
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("Policy %1 is in force again (stored as %2).").arg(id).arg(reply->value(QStringLiteral("id")).toString()));
            return 0;
        }, {},
        QStringLiteral("The old text is checked against today's users and nodes and its tests are run, as `policy set` does;\n"
                       "it is stored as a new history entry, so a rollback can itself be rolled back.")};
}

} // namespace

Command policyCommand(Cli& cli)
{
    Command get{{QStringLiteral("get"), QStringLiteral("show"), QStringLiteral("view"), QStringLiteral("fetch")}, QStringLiteral("Prints the current policy"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/policy"));
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, reply->value(QStringLiteral("policy")).toString());
            // File mode after a refused edit: what is shown is not what the file holds.
            if (const QString note = reply->value(QStringLiteral("note")).toString(); !note.isEmpty() && cli.format == Format::Human)
                std::fprintf(stderr, "note: %s\n", qPrintable(note));
            return 0;
        }, {}, {}};
    Command set{{QStringLiteral("set"), QStringLiteral("put"), QStringLiteral("update")}, QStringLiteral("Replaces the policy (policy.mode: database)"), {}, 0, 0, {kFileFlag},
        [&cli](Invocation& inv) {
            QByteArray text;
            if (!readPolicy(cli, inv.value(QStringLiteral("file")), &text))
                return cli.exitCode();
            const auto reply = cli.call("PUT", QStringLiteral("/api/v1/policy"), {{QStringLiteral("policy"), QString::fromUtf8(text)}});
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("Policy updated."));
            return 0;
        }, {}, {}};
    return Command{{QStringLiteral("policy")}, QStringLiteral("Manage the access policy (ACLs)"), {}, 0, 0, {}, {},
                   {get, set, checkCommand(cli), explainCommand(cli), historyCommand(cli), rollbackCommand(cli)}, {}};
}

} // namespace keel::cli
