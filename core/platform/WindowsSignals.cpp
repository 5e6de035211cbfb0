// Windows: console control events (Ctrl+C, Ctrl+Break, closing the console) stop the server.
// (Compiled only for Windows.)
#include "platform/Signals.h"

#include <QCoreApplication>
#include <QMetaObject>

#include <atomic>

#include <windows.h>

namespace keel::platform {

namespace {

std::function<void()> g_shutdown;
std::atomic<const char*> g_lastStop{"stop request"};

BOOL WINAPI onConsoleEvent(DWORD event)
{
    // Runs on a thread the system creates: hand the request to the event loop and return.
    switch (event) {
    case CTRL_C_EVENT: g_lastStop = "Ctrl+C"; break;
    case CTRL_BREAK_EVENT: g_lastStop = "Ctrl+Break"; break;
    case CTRL_CLOSE_EVENT: g_lastStop = "console closed"; break;
    case CTRL_SHUTDOWN_EVENT: g_lastStop = "system shutdown"; break;
    default: return FALSE;
    }
    if (auto* app = QCoreApplication::instance())
        QMetaObject::invokeMethod(app, [] { if (g_shutdown) g_shutdown(); }, Qt::QueuedConnection);
    return TRUE;
}

} // namespace

void installStopHandlers(std::function<void()> shutdown, std::function<void()> reload)
{
    Q_UNUSED(reload); // no reload signal on Windows: restart the service to reload
    g_shutdown = std::move(shutdown);
    SetConsoleCtrlHandler(onConsoleEvent, TRUE);
}

const char* lastStopRequest()
{
    return g_lastStop;
}

} // namespace keel::platform
