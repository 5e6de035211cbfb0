// keel serve (and the server under `keel service run`, ServiceCommand.cpp)
#include "Cli.h"

#include "common/Log.h"
#include "platform/Signals.h"
#include "server/Server.h"

#include <QCoreApplication>
#include <QTimer>

#include <cstdio>

namespace keel::cli {

int runServer(Cli& cli, std::function<void()>* stop)
{
    const auto config = cli.loadConfig();
    if (!config) {
        std::fprintf(stderr, "Fatal config error: the configuration has errors (listed above); `keel configtest` checks a file without starting.\n");
        return 1;
    }
    log::install(config->log.format == QLatin1String("json") ? log::Format::Json : log::Format::Text);
    log::setLevel(config->log.level);
    qCInfo(lcServer).noquote() << "Keel" << QCoreApplication::applicationVersion() << "starting;"
                               << (config->sourcePath.isEmpty() ? QStringLiteral("no config file found, using the embedded default")
                                                                : QStringLiteral("config %1").arg(config->sourcePath));
    qCInfo(lcServer).noquote() << "data directory:" << config->dataDir;
    server::Server server(*config);
    QString error;
    if (!server.start(&error)) {
        qCCritical(lcServer).noquote() << "cannot start:" << error;
        return 1;
    }
    // SIGINT/SIGTERM (Ctrl+C on Windows) end the event loop cleanly (listeners closed,
    // database flushed); SIGHUP reloads the policy file, as Headscale does, and the dns.*
    // keys of the config file.
    const auto shutdown = [&server] {
        qCInfo(lcServer) << "shutting down:" << platform::lastStopRequest();
        server.beginShutdown();
        // A moment for the goodbye frames to leave before the listeners close.
        QTimer::singleShot(300, qApp, &QCoreApplication::quit);
    };
    platform::installStopHandlers(shutdown, [&server] {
        qCInfo(lcServer) << "SIGHUP: reloading the policy and the dns.* keys of the config file";
        server.reload();
    });
    if (stop)
        *stop = shutdown;
    qCInfo(lcServer).noquote() << "ready: clients log in with `tailscale up --login-server" << config->serverUrl + QStringLiteral("`");
    const int code = QCoreApplication::exec();
    if (stop)
        *stop = nullptr;
    server.stop();
    return code;
}

Command serveCommand(Cli& cli)
{
    return Command{{QStringLiteral("serve")}, QStringLiteral("Runs the Keel server"), {}, 0, 0, {},
        [&cli](Invocation&) { return runServer(cli, nullptr); }, {}, {}};
}

} // namespace keel::cli
