// keel version | configtest | generate private-key | health (policy: PolicyCommand.cpp)
#include "Cli.h"

#include "KeelVersion.h"
#include "common/Plural.h"
#include "crypto/Keys.h"
#include "server/AcmeRuntime.h"
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
            const QString source = load && !load->requestedPath.isEmpty() ? load->requestedPath : QStringLiteral("the embedded default (no config file found)");
            if (!config)
                return cli.fail(QStringLiteral("%1: %2, %3").arg(source, plural(errors, QStringLiteral("error")), plural(warnings, QStringLiteral("warning"))));
            // Which login is in force: a wrong issuer or a missing secret shows here, not at the first login.
            const QStringList oidc = server::OidcLogin::describe(*config);
            const QString tls = server::AcmeRuntime::describeTls(*config);
            cli.print(QJsonObject{{QStringLiteral("valid"), true}, {QStringLiteral("source"), source}, {QStringLiteral("warnings"), warnings},
                                  {QStringLiteral("oidc"), QJsonArray::fromStringList(oidc)}, {QStringLiteral("tls"), tls}},
                      QStringLiteral("%1 is valid (%2)\n%3\n%4").arg(source, plural(warnings, QStringLiteral("warning")), tls, oidc.join(QLatin1Char('\n'))));
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

    return {version, configtest, generate, health, policyCommand(cli)};
}

} // namespace keel::cli
