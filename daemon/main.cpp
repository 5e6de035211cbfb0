// keel: the Keel daemon (`keel serve`) and its admin CLI, invoked like Headscale's `headscale`.
#include "Cli.h"

#include "KeelVersion.h"
#include "LegacyForms.h"
#include "platform/Process.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>

using namespace keel::cli;

int main(int argc, char** argv)
{
    keel::platform::writeStandardStreamsUnchanged();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("keel"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KEEL_VERSION));

    Cli cli;
    Command root{{QStringLiteral("keel")},
                 QStringLiteral("Keel: a self-hosted control server for Tailscale clients.\n"
                                "Clients join with: tailscale up --login-server <server_url>"),
                 {}, 0, 0,
                 {{QStringLiteral("config"), QLatin1Char('c'), QStringLiteral("config file (default: search /etc/keel, ~/.keel, ., /etc/headscale)")},
                  {QStringLiteral("output"), QLatin1Char('o'), QStringLiteral("output format: json, json-line or yaml (default: human-readable)")},
                  {QStringLiteral("force"), {}, QStringLiteral("do not ask for confirmation"), false}},
                 {}, {}, {}};
    root.children = {serveCommand(cli), usersCommand(cli), nodesCommand(cli), preAuthKeysCommand(cli), apiKeysCommand(cli), oauthClientsCommand(cli)};
    root.children += miscCommands(cli);
    root.children += configCommand(cli);
    root.children += dumpConfigCommand(cli);
    root.children += migrateCommands(cli);
    addAuthCommands(cli, root);
    addApprovalCommands(cli, root);
    root.children << eventsCommand(cli) << auditCommand(cli) << serviceCommand(cli);

    const CommandLine commandLine(root);
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    // Older Headscale command forms: rewritten with a note, or refused naming today's form.
    const LegacyRewrite legacy = rewriteLegacyForms(args);
    for (const QString& note : legacy.notes)
        std::fprintf(stderr, "keel: deprecated: %s\n", qPrintable(note));
    if (!legacy.refusal.isEmpty()) {
        printError(Format::Human, legacy.refusal);
        return 1;
    }
    args = legacy.args;
    Invocation inv;
    QString error;
    bool help = false;
    // -o is read before anything can fail, so even usage errors come out in the asked format.
    for (int i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("-o") || args[i] == QLatin1String("--output"))
            parseFormat(args[i + 1], &cli.format, &error);
        else if (args[i].startsWith(QLatin1String("--output=")))
            parseFormat(args[i].mid(9), &cli.format, &error);
    }
    error.clear();
    // `keel --version`, as cobra gives Headscale: the same as `keel version`.
    if (!args.isEmpty() && args.first() == QLatin1String("--version"))
        args.first() = QStringLiteral("version");
    if (!commandLine.parse(args, &inv, &error, &help)) {
        printError(cli.format, error + QStringLiteral("\nRun '%1 --help' for usage.").arg(inv.commandLine()));
        return 1;
    }
    if (!parseFormat(inv.value(QStringLiteral("output")), &cli.format, &error)) {
        printError(Format::Human, error);
        return 1;
    }
    if (help) {
        std::fputs(commandLine.helpText(inv).toUtf8().constData(), stdout);
        return 0;
    }
    // The server's own log is for `keel serve`; a CLI command that opens the database (policy
    // check, export, ...) prints its result, not the store's "database open" chatter. Warnings stay.
    if (inv.commandLine() != QLatin1String("keel serve") && inv.commandLine() != QLatin1String("keel service run"))
        QLoggingCategory::setFilterRules(QStringLiteral("keel.*.info=false\nkeel.*.debug=false"));
    cli.force = inv.isOn(QStringLiteral("force"));
    cli.configPath = inv.value(QStringLiteral("config"));
    return inv.command().run(inv);
}
