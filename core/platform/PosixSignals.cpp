// POSIX: SIGINT/SIGTERM/SIGHUP through a self-pipe into the event loop.
#include "platform/Signals.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace keel::platform {

namespace {

int g_signalPipe[2] = {-1, -1};
const char* g_lastStop = "stop request";
std::function<void()> g_shutdown;

void onSignal(int signal)
{
    // Only async-signal-safe work here: pass the signal number to the event loop through the pipe.
    const char byte = static_cast<char>(signal);
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &byte, 1);
}

} // namespace

void installStopHandlers(std::function<void()> shutdown, std::function<void()> reload)
{
    if (g_signalPipe[0] >= 0 || ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    g_shutdown = shutdown;
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, [shutdown, reload] {
        char byte = 0;
        if (::read(g_signalPipe[0], &byte, 1) != 1)
            return;
        if (byte == SIGHUP) {
            reload();
            return;
        }
        g_lastStop = byte == SIGINT ? "SIGINT" : "SIGTERM";
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

const char* lastStopRequest()
{
    return g_lastStop;
}

} // namespace keel::platform
