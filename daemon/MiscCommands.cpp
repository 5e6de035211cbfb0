// keel version | configtest | generate private-key | health | policy get|set|check
#include "Cli.h"

#include "KeelVersion.h"
#include "crypto/Keys.h"
#include "server/Maintenance.h"
#include "server/OidcLogin.h"

#include <QJsonArray>

#include <QFile>

namespace keel::cli {

QList<Command> miscCommands(Cli& cli)
{
    Command version{{QStringLiteral("version")}, QStringLiteral("Prints the version"), {}, 0, 0, {},
        [&cli](Invocation&) {
            cli.print(QJsonObject{{QStringLiteral("version"), QStringLiteral(KEEL_VERSION)}}, QStringLiteral(KEEL_VERSION));
            return 0;
        }, {}, {}};

    Command configtest{{QStringLiteral("configtest")}, QStringLiteral("Checks the configuration and reports every problem"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const auto config = cli.loadConfig();  // prints each problem with its key and line
            const auto* load = cli.lastLoad();
            const int errors = load ? int(load->errors().size()) : 0;
            const int warnings = load ? int(load->warnings().size()) : 0;
            const QString source = load && !load->config.sourcePath.isEmpty() ? load->config.sourcePath : QStringLiteral("the embedded default (no config file found)");
            if (!config)
                return cli.fail(QStringLiteral("%1: %2 error(s), %3 warning(s)").arg(source).arg(errors).arg(warnings));
            // Which login is in force: a wrong issuer or a missing secret shows here, not at the first login.
            const QStringList oidc = server::OidcLogin::describe(*config);
            cli.print(QJsonObject{{QStringLiteral("valid"), true}, {QStringLiteral("source"), source}, {QStringLiteral("warnings"), warnings},
                                  {QStringLiteral("oidc"), QJsonArray::fromStringList(oidc)}},
                      QStringLiteral("%1 is valid (%2 warning(s))\n%3").arg(source).arg(warnings).arg(oidc.join(QLatin1Char('\n'))));
            return 0;
        }, {}, {}};

    Command privateKey{{QStringLiteral("private-key")}, QStringLiteral("Generates a private key (privkey:<hex>) for noise.private_key_path"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const QString key = crypto::MachinePrivate::generate().toString();
            cli.print(QJsonObject{{QStringLiteral("private_key"), key}}, key);
            return 0;
        }, {}, {}};
    Command generate{{QStringLiteral("generate"), QStringLiteral("gen")}, QStringLiteral("Generates keys"), {}, 0, 0, {}, {}, {privateKey}, {}};

    Command health{{QStringLiteral("health")}, QStringLiteral("Checks that the server and its database answer"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/health"));
            if (!reply)
                return cli.exitCode();
            const bool healthy = reply->value(QStringLiteral("databaseConnectivity")).toBool();
            cli.print(*reply, healthy ? QStringLiteral("healthy") : QStringLiteral("unhealthy: the database does not answer"));
            return healthy ? 0 : 1;
        }, {}, {}};

    const Flag fileFlag{QStringLiteral("file"), QLatin1Char('f'), QStringLiteral("path to a policy file (HuJSON)"), true, {}, true};
    const auto readPolicy = [&cli](const Invocation& inv, QString* text) {
        QFile file(inv.value(QStringLiteral("file")));
        if (!file.open(QIODevice::ReadOnly)) {
            cli.fail(QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
            return false;
        }
        *text = QString::fromUtf8(file.readAll());
        return true;
    };
    Command policyGet{{QStringLiteral("get"), QStringLiteral("show"), QStringLiteral("view"), QStringLiteral("fetch")}, QStringLiteral("Prints the current policy"), {}, 0, 0, {},
        [&cli](Invocation&) {
            const auto reply = cli.call("GET", QStringLiteral("/api/v1/policy"));
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, reply->value(QStringLiteral("policy")).toString());
            return 0;
        }, {}, {}};
    Command policySet{{QStringLiteral("set"), QStringLiteral("put"), QStringLiteral("update")}, QStringLiteral("Replaces the policy (policy.mode: database)"), {}, 0, 0, {fileFlag},
        [&cli, readPolicy](Invocation& inv) {
            QString text;
            if (!readPolicy(inv, &text))
                return cli.exitCode();
            const auto reply = cli.call("PUT", QStringLiteral("/api/v1/policy"), {{QStringLiteral("policy"), text}});
            if (!reply)
                return cli.exitCode();
            cli.print(*reply, QStringLiteral("Policy updated."));
            return 0;
        }, {}, {}};
    // Headscale's `policy check` asks the running server; Keel falls back to the database (as
    // Headscale's --bypass does), then to the file alone, and says which it did.
    const Flag offlineFlag{QStringLiteral("offline"), QChar(), QStringLiteral("check the file alone: no server, no database"), false, {}, false};
    Command policyCheck{{QStringLiteral("check")}, QStringLiteral("Checks a policy file: against the running server, else its database, else the file alone"), {}, 0, 0,
        {fileFlag, offlineFlag},
        [&cli, readPolicy](Invocation& inv) {
            QString text;
            if (!readPolicy(inv, &text))
                return cli.exitCode();
            const auto config = cli.loadConfig();
            if (!config)
                return cli.fail(QStringLiteral("the configuration has errors (listed above)"));
            QString against;
            QString problems;
            if (!inv.isOn(QStringLiteral("offline"))) {
                bool local = false;
                const auto reply = cli.tryCall("POST", QStringLiteral("/api/v1/policy/check"), {{QStringLiteral("policy"), text}}, &local);
                if (!reply)
                    return cli.exitCode();
                if (reply->status != 0 || !local) {
                    // It answered (or it is a remote server: its database is not ours to open).
                    if (!reply->ok())
                        return cli.fail(reply->errorMessage());
                    against = QStringLiteral("the running server: ") + reply->json().value(QStringLiteral("checkedAgainst")).toString();
                    cli.print(QJsonObject{{QStringLiteral("valid"), true}, {QStringLiteral("checkedAgainst"), against}},
                              QStringLiteral("Policy is valid (checked against %1)").arg(against));
                    return 0;
                }
                problems = server::Maintenance::checkPolicy(&*config, text.toUtf8(), inv.value(QStringLiteral("file")), &against);
            } else {
                problems = server::Maintenance::checkPolicy(nullptr, text.toUtf8(), inv.value(QStringLiteral("file")), &against);
            }
            if (!problems.isEmpty())
                return cli.fail(QStringLiteral("%1\n(checked against %2)").arg(problems, against));
            cli.print(QJsonObject{{QStringLiteral("valid"), true}, {QStringLiteral("checkedAgainst"), against}},
                      QStringLiteral("Policy is valid (checked against %1)").arg(against));
            return 0;
        }, {}, {}};
    Command policyExplain{{QStringLiteral("explain")}, QStringLiteral("Tells whether one node may reach another on a port, and by which rule"), {}, 0, 0,
        {{QStringLiteral("src"), QLatin1Char('s'), QStringLiteral("source node (name or tailnet address)"), true, {}, true},
         {QStringLiteral("dst"), QLatin1Char('d'), QStringLiteral("destination node (name or tailnet address)"), true, {}, true},
         {QStringLiteral("port"), QLatin1Char('p'), QStringLiteral("destination port"), true, {}, true},
         {QStringLiteral("proto"), {}, QStringLiteral("tcp, udp, icmp, sctp or a protocol number"), true, QStringLiteral("tcp")}},
        [&cli](Invocation& inv) {
            bool ok = false;
            const int port = inv.value(QStringLiteral("port")).toInt(&ok);
            if (!ok)
                return cli.fail(QStringLiteral("--port must be a number"));
            const auto reply = cli.call("POST", QStringLiteral("/api/v1/policy/explain"),
                                        {{QStringLiteral("src"), inv.value(QStringLiteral("src"))},
                                         {QStringLiteral("dst"), inv.value(QStringLiteral("dst"))},
                                         {QStringLiteral("port"), port},
                                         {QStringLiteral("proto"), inv.value(QStringLiteral("proto"))}});
            if (!reply)
                return cli.exitCode();
            QStringList rules;
            for (const QJsonValue& r : reply->value(QStringLiteral("rules")).toArray())
                rules.append(r.toString());
            QString human = reply->value(QStringLiteral("allowed")).toBool() ? QStringLiteral("allowed") : QStringLiteral("denied");
            if (!rules.isEmpty())
                human += QStringLiteral(" by ") + rules.join(QStringLiteral(", "));
            human += QStringLiteral(": ") + reply->value(QStringLiteral("reason")).toString();
            cli.print(*reply, human);
            return reply->value(QStringLiteral("allowed")).toBool() ? 0 : 2;
        }, {},
        QStringLiteral("Asks the running server, on the policy in force. Exit code 0 when allowed, 2 when denied.")};
    Command policy{{QStringLiteral("policy")}, QStringLiteral("Manage the access policy (ACLs)"), {}, 0, 0, {}, {}, {policyGet, policySet, policyCheck, policyExplain}, {}};

    return {version, configtest, generate, health, policy};
}

} // namespace keel::cli
