// keel events (a tail -f of the tailnet), keel audit list, keel nodes approve: the commands of the "door" (docs/events.md, docs/approvals.md).
#include "Cli.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include <cstdio>

namespace keel::cli {

namespace {

// One line for a person: "12:03:04 node.online  laptop (7)".
QString describeEvent(const QJsonObject& e)
{
    const QString type = e.value(QStringLiteral("type")).toString();
    const QDateTime t = QDateTime::fromString(e.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
    QString what;
    if (e.contains(QStringLiteral("node"))) {
        const QJsonObject n = e.value(QStringLiteral("node")).toObject();
        what = QStringLiteral("%1 (%2)").arg(n.value(QStringLiteral("givenName")).toString(), idFrom(n.value(QStringLiteral("id"))));
    } else if (e.contains(QStringLiteral("nodeId")) && !e.contains(QStringLiteral("prefix"))) {
        what = QStringLiteral("node %1").arg(e.value(QStringLiteral("nodeId")).toString());
    } else if (e.contains(QStringLiteral("user"))) {
        what = e.value(QStringLiteral("user")).toObject().value(QStringLiteral("name")).toString();
    } else if (e.contains(QStringLiteral("userId"))) {
        what = QStringLiteral("user %1").arg(e.value(QStringLiteral("userId")).toString());
    } else if (e.contains(QStringLiteral("registration"))) {
        const QJsonObject r = e.value(QStringLiteral("registration")).toObject();
        what = QStringLiteral("%1 %2").arg(r.value(QStringLiteral("authId")).toString(), r.value(QStringLiteral("hostname")).toString());
    } else if (e.contains(QStringLiteral("prefix"))) {
        const QString node = e.value(QStringLiteral("nodeId")).toString();
        what = QStringLiteral("%1 -> %2").arg(e.value(QStringLiteral("prefix")).toString(), node.isEmpty() ? QStringLiteral("none") : QStringLiteral("node ") + node);
    } else if (e.contains(QStringLiteral("entry"))) {
        const QJsonObject a = e.value(QStringLiteral("entry")).toObject();
        what = QStringLiteral("%1 %2 %3 %4").arg(a.value(QStringLiteral("actor")).toString(), a.value(QStringLiteral("action")).toString(),
                                                a.value(QStringLiteral("target")).toString(), a.value(QStringLiteral("detail")).toString()).trimmed();
    } else if (e.contains(QStringLiteral("preAuthKey")) || e.contains(QStringLiteral("apiKey"))) {
        const QJsonObject k = e.value(e.contains(QStringLiteral("preAuthKey")) ? QStringLiteral("preAuthKey") : QStringLiteral("apiKey")).toObject();
        what = QStringLiteral("id %1").arg(idFrom(k.value(QStringLiteral("id"))));
    }
    return QStringLiteral("%1 %2 %3").arg(t.toUTC().toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")), type.leftJustified(22), what).trimmed();
}

// Splits a server-sent event stream into events (the data: lines); keeps partial input.
class SseParser
{
public:
    // Returns the complete events in `bytes` (plus what was buffered), as JSON objects.
    QList<QJsonObject> feed(const QByteArray& bytes)
    {
        m_buffer += bytes;
        QList<QJsonObject> out;
        int end;
        while ((end = int(m_buffer.indexOf("\n\n"))) >= 0) {
            const QByteArray block = m_buffer.left(end);
            m_buffer.remove(0, end + 2);
            QByteArray data;
            for (const QByteArray& line : block.split('\n'))
                if (line.startsWith("data: "))
                    data += line.mid(6);
            if (!data.isEmpty())
                out << QJsonDocument::fromJson(data).object();
        }
        return out;
    }

private:
    QByteArray m_buffer;
};

} // namespace

Command eventsCommand(Cli& cli)
{
    return Command{{QStringLiteral("events")}, QStringLiteral("Follows what happens in the tailnet, live (like tail -f)"), {}, 0, 0,
        {{QStringLiteral("since"), {}, QStringLiteral("resume after this event number (the id of the last event seen)")},
         {QStringLiteral("count"), QLatin1Char('n'), QStringLiteral("stop after this many events (default: follow until interrupted)")}},
        [&cli](Invocation& inv) {
            const auto client = cli.adminClient();
            if (!client)
                return cli.exitCode();
            QString path = QStringLiteral("/api/v1/events");
            if (inv.has(QStringLiteral("since")))
                path += QStringLiteral("?since=") + inv.value(QStringLiteral("since"));
            bool ok = true;
            const int count = inv.has(QStringLiteral("count")) ? inv.value(QStringLiteral("count")).toInt(&ok) : -1;
            if (!ok || count == 0)
                return cli.fail(QStringLiteral("--count must be a positive number"));
            int seen = 0;
            SseParser parser;
            const auto reply = client->stream(path, [&](const QByteArray& bytes) {
                for (const QJsonObject& e : parser.feed(bytes)) {
                    if (cli.format == Format::Human)
                        std::fprintf(stdout, "%s\n", qPrintable(describeEvent(e)));
                    else
                        cli.print(e, {});
                    std::fflush(stdout);
                    if (count > 0 && ++seen >= count)
                        return false;
                }
                return true;
            });
            if (!reply.ok())
                return cli.fail(reply.status == 401 ? QStringLiteral("unauthorized: the API key was refused by %1").arg(client->describe())
                                                    : reply.errorMessage());
            return 0;
        }, {},
        QStringLiteral("Prints one line per event: nodes added, changed, online/offline, removed; users, keys, policy,\n"
                       "registrations and audit entries. -o json-line prints each event as one JSON object per line.\n"
                       "After a restart of the server, events start a new epoch (the \"epoch\" field).")};
}

Command auditCommand(Cli& cli)
{
    Command list{{QStringLiteral("list"), QStringLiteral("ls")}, QStringLiteral("Lists audit log entries, newest first"), {}, 0, 0,
        {{QStringLiteral("since"), {}, QStringLiteral("RFC 3339 time, or a duration back from now (e.g. 24h)")},
         {QStringLiteral("until"), {}, QStringLiteral("RFC 3339 time")},
         {QStringLiteral("actor"), {}, QStringLiteral("only entries by this actor (e.g. unix:0, apikey:PREFIX)")},
         {QStringLiteral("action"), {}, QStringLiteral("only this action (e.g. node.delete), or a group ending in '.' (node.)")},
         {QStringLiteral("target"), {}, QStringLiteral("only this target (e.g. node:7)")},
         {QStringLiteral("limit"), {}, QStringLiteral("at most this many entries"), true, QStringLiteral("100")}},
        [&cli](Invocation& inv) {
            QUrlQuery q;
            for (const char* name : {"until", "actor", "action", "target", "limit"})
                if (inv.has(QLatin1String(name)) || QLatin1String(name) == QLatin1String("limit"))
                    q.addQueryItem(QLatin1String(name), inv.value(QLatin1String(name)));
            if (inv.has(QStringLiteral("since"))) {
                QString since = inv.value(QStringLiteral("since"));
                if (!since.contains(QLatin1Char('T'))) {
                    QString error;
                    const QString future = expirationFromFlag(since, &error);
                    if (!error.isEmpty())
                        return cli.fail(QStringLiteral("--since '%1' is neither an RFC 3339 time nor a duration like 24h").arg(since));
                    const QDateTime ahead = QDateTime::fromString(future, Qt::ISODate);
                    since = QDateTime::currentDateTimeUtc().addSecs(-QDateTime::currentDateTimeUtc().secsTo(ahead)).toString(Qt::ISODate);
                }
                q.addQueryItem(QStringLiteral("since"), since);
            }
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/audit?") + q.toString(QUrl::FullyEncoded));
            if (!reply)
                return cli.exitCode();
            const QJsonArray entries = reply->value(QStringLiteral("entries")).toArray();
            QList<QStringList> rows;
            for (const QJsonValue& v : entries) {
                const QJsonObject e = v.toObject();
                rows.append({idFrom(e.value(QStringLiteral("id"))), humanTime(e.value(QStringLiteral("time"))),
                             e.value(QStringLiteral("actor")).toString(), e.value(QStringLiteral("action")).toString(),
                             e.value(QStringLiteral("target")).toString(), e.value(QStringLiteral("detail")).toString()});
            }
            cli.print(entries, table({QStringLiteral("ID"), QStringLiteral("Time"), QStringLiteral("Actor"), QStringLiteral("Action"),
                                      QStringLiteral("Target"), QStringLiteral("Detail")}, rows));
            return 0;
        }, {}, {}};
    return Command{{QStringLiteral("audit")}, QStringLiteral("Who did what: the audit log"), {}, 0, 0, {}, {}, {list}, {}};
}

void addApprovalCommands(Cli& cli, Command& root)
{
    Command nodeApprove{{QStringLiteral("approve")}, QStringLiteral("Lets a node waiting for device approval in"), {}, 0, 0,
        {{QStringLiteral("identifier"), QLatin1Char('i'), QStringLiteral("node ID"), true, {}, true}},
        [&cli](Invocation& inv) {
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/node/%1/authorize").arg(inv.value(QStringLiteral("identifier"))));
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("Node %1 approved").arg(reply->value(QStringLiteral("node")).toObject().value(QStringLiteral("givenName")).toString()));
            return 0;
        }, {}, {}};
    for (Command& c : root.children)
        if (c.names.contains(QStringLiteral("nodes")))
            c.children << nodeApprove;
}

} // namespace keel::cli
