// keel serve
#include "Cli.h"

#include "common/Log.h"
#include "server/Server.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <functional>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace keel::cli {

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int signal)
{
    // Only async-signal-safe work here: pass the signal number to the event loop through the pipe.
    const char byte = static_cast<char>(signal);
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &byte, 1);
}

// SIGINT/SIGTERM end the event loop cleanly (listeners closed, database flushed); SIGHUP reloads
// the policy file, as Headscale does, and the dns.* keys of the config file.
void installSignalHandlers(std::function<void()> shutdown, std::function<void()> reload)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, [shutdown, reload] {
        char byte = 0;
        if (::read(g_signalPipe[0], &byte, 1) != 1)
            return;
        if (byte == SIGHUP) {
            qCInfo(lcServer) << "SIGHUP: reloading the policy and the dns.* keys of the config file";
            reload();
            return;
        }
        qCInfo(lcServer) << "shutting down";
        shutdown();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGHUP, &action, nullptr);
}

} // namespace

Command serveCommand(Cli& cli)
{
    return Command{{QStringLiteral("serve")}, QStringLiteral("Runs the Keel server"), {}, 0, 0, {},
        [&cli](Invocation&) {
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
            installSignalHandlers([&server] {
                server.beginShutdown();
                // A moment for the goodbye frames to leave before the listeners close.
                QTimer::singleShot(300, qApp, &QCoreApplication::quit);
            }, [&server] { server.reload(); });
            qCInfo(lcServer).noquote() << "ready: clients log in with `tailscale up --login-server" << config->serverUrl + QStringLiteral("`");
            const int code = QCoreApplication::exec();
            server.stop();
            return code;
        }, {}, {}};
}

} // namespace keel::cli
