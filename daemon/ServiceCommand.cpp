// keel service install|start|stop|uninstall|status|run: Keel as a Windows service. On Linux and
// macOS every verb says it is Windows-only (systemd and launchd run `keel serve` directly).
#include "Cli.h"

#include "platform/Service.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcessEnvironment>

namespace keel::cli {

namespace {

// The config the service reads: -c when given, else config.yaml in %ProgramData%\Keel, where
// the installer writes it.
QString serviceConfigPath(const Cli& cli)
{
    if (!cli.configPath.isEmpty())
        return QFileInfo(cli.configPath).absoluteFilePath();
    const QString programData = QProcessEnvironment::systemEnvironment().value(QStringLiteral("ProgramData"), QStringLiteral("C:/ProgramData"));
    return QDir(programData).filePath(QStringLiteral("Keel/config.yaml"));
}

Command verb(Cli& cli, const QString& name, const QString& summary, std::function<bool(QString*)> action, const QString& done)
{
    return Command{{name}, summary, {}, 0, 0, {},
        [&cli, action, done](Invocation&) {
            QString error;
            if (!action(&error))
                return cli.fail(error);
            cli.print(QJsonObject{{QStringLiteral("service"), QString::fromLatin1(platform::service::kName)},
                                  {QStringLiteral("state"), platform::service::state()}}, done);
            return 0;
        }, {}, {}};
}

} // namespace

Command serviceCommand(Cli& cli)
{
    namespace svc = platform::service;
    Command install = verb(cli, QStringLiteral("install"), QStringLiteral("Registers Keel as a Windows service (starts at boot)"),
        [&cli](QString* error) {
            if (!svc::supported())
                return svc::install({}, error);
            const QString config = serviceConfigPath(cli);
            if (!QFileInfo::exists(config)) {
                *error = QStringLiteral("%1 does not exist: the service needs a config file (create one with "
                                        "`keel config init \"%1\"`, or name yours with -c)").arg(QDir::toNativeSeparators(config));
                return false;
            }
            return svc::install({QStringLiteral("-c"), QDir::toNativeSeparators(config)}, error);
        }, QStringLiteral("Keel service installed; start it with `keel service start`."));
    install.description = QStringLiteral("Registers the Keel service with the Windows service control manager: it runs "
                                         "`keel service run -c CONFIG` as LocalSystem and starts at boot. CONFIG is -c, or "
                                         "%ProgramData%\\Keel\\config.yaml. Needs an Administrator prompt. Windows only.");
    Command start = verb(cli, QStringLiteral("start"), QStringLiteral("Starts the Keel service"), svc::start,
        QStringLiteral("Keel service started."));
    Command stop = verb(cli, QStringLiteral("stop"), QStringLiteral("Stops the Keel service"), svc::stop,
        QStringLiteral("Keel service stopped."));
    Command uninstall = verb(cli, QStringLiteral("uninstall"), QStringLiteral("Stops and removes the Keel service"), svc::uninstall,
        QStringLiteral("Keel service removed (its config and data directory stay)."));
    Command status{{QStringLiteral("status")}, QStringLiteral("Shows whether the Keel service is installed and running"), {}, 0, 0, {},
        [&cli](Invocation&) {
            if (!svc::supported())
                return cli.fail(svc::unsupportedMessage());
            const QString state = svc::state();
            cli.print(QJsonObject{{QStringLiteral("service"), QString::fromLatin1(svc::kName)}, {QStringLiteral("state"), state}},
                      QStringLiteral("Keel service: %1").arg(state));
            return 0;
        }, {}, {}};
    Command run{{QStringLiteral("run")}, QStringLiteral("Runs the server under the Windows service manager (used by the service)"), {}, 0, 0, {},
        [&cli](Invocation&) {
            std::function<void()> stopServer;
            int code = 0;
            if (svc::runUnderServiceManager([&cli, &stopServer] { return runServer(cli, &stopServer); },
                                            [&stopServer] { if (stopServer) stopServer(); }, &code))
                return code;
            if (!svc::supported())
                return cli.fail(svc::unsupportedMessage());
            return cli.fail(QStringLiteral("`keel service run` is what the Windows service manager starts; in a console, run `keel serve`"));
        }, {}, {}};
    return Command{{QStringLiteral("service")}, QStringLiteral("Manages the Keel Windows service (Windows only)"), {}, 0, 0, {}, {},
        {install, start, stop, uninstall, status, run},
        QStringLiteral("Installs, starts, stops and removes Keel as a Windows service. On Linux and macOS the system's "
                       "service manager runs `keel serve` (systemd unit, launchd plist): these verbs only say so.")};
}

} // namespace keel::cli
