// Windows: Keel as a service of the service control manager (SCM). (Compiled only for Windows.)
//
// `keel service install` registers "<keel.exe> service run <arguments>"; the SCM then starts that
// command, and runUnderServiceManager() connects it to the SCM: the dispatcher runs on a thread of
// its own while the server keeps the main thread (Qt's event loop must run there).
#include "platform/Service.h"

#include "platform/Paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QMetaObject>
#include <QProcessEnvironment>

#include <cstdio>
#include <future>
#include <thread>

#include <windows.h>

namespace keel::platform::service {

namespace {

const wchar_t* serviceName()
{
    static const std::wstring name = QString::fromLatin1(kName).toStdWString();
    return name.c_str();
}

QString systemError(const char* what)
{
    const DWORD code = GetLastError();
    wchar_t* text = nullptr;
    FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, code, 0, reinterpret_cast<LPWSTR>(&text), 0, nullptr);
    QString message = text ? QString::fromWCharArray(text).trimmed() : QString();
    LocalFree(text);
    if (code == ERROR_ACCESS_DENIED)
        message += QStringLiteral(" (run the command from an Administrator prompt)");
    return QStringLiteral("%1: %2 (error %3)").arg(QLatin1String(what), message).arg(code);
}

// Opens the SCM and the Keel service with `access`; both handles closed by the destructor.
struct Handles
{
    SC_HANDLE manager = nullptr;
    SC_HANDLE service = nullptr;
    ~Handles()
    {
        if (service)
            CloseServiceHandle(service);
        if (manager)
            CloseServiceHandle(manager);
    }
    bool open(DWORD access, QString* error)
    {
        manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
        if (!manager) {
            *error = systemError("cannot reach the service control manager");
            return false;
        }
        service = OpenServiceW(manager, serviceName(), access);
        if (!service) {
            *error = GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST
                ? QStringLiteral("the Keel service is not installed (`keel service install`)")
                : systemError("cannot open the Keel service");
            return false;
        }
        return true;
    }
};

QString quoted(const QString& s)
{
    return s.contains(QLatin1Char(' ')) || s.isEmpty() ? QLatin1Char('"') + s + QLatin1Char('"') : s;
}

// The SCM side of a running service; lives while runUnderServiceManager runs.
struct Running
{
    SERVICE_STATUS_HANDLE handle = nullptr;
    SERVICE_STATUS status{};
    std::function<void()> stop;
    HANDLE done = nullptr;
    std::promise<bool> connected;
    bool connectedSet = false;
};
Running* g_running = nullptr;

void report(DWORD state, DWORD exitCode = NO_ERROR)
{
    g_running->status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    g_running->status.dwCurrentState = state;
    g_running->status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    g_running->status.dwWin32ExitCode = exitCode == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
    g_running->status.dwServiceSpecificExitCode = exitCode;
    g_running->status.dwWaitHint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : 10000;
    SetServiceStatus(g_running->handle, &g_running->status);
}

DWORD WINAPI onControl(DWORD control, DWORD, void*, void*)
{
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        report(SERVICE_STOP_PENDING);
        // The server lives on the main thread: ask it there.
        QMetaObject::invokeMethod(QCoreApplication::instance(), [] { g_running->stop(); }, Qt::QueuedConnection);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

void WINAPI serviceMain(DWORD, LPWSTR*)
{
    g_running->handle = RegisterServiceCtrlHandlerExW(serviceName(), onControl, nullptr);
    g_running->connectedSet = true;
    g_running->connected.set_value(g_running->handle != nullptr);
    if (!g_running->handle)
        return;
    report(SERVICE_RUNNING);
    WaitForSingleObject(g_running->done, INFINITE); // the server returned on the main thread
    report(SERVICE_STOPPED, g_running->status.dwServiceSpecificExitCode);
}

} // namespace

QString unsupportedMessage()
{
    return {};
}

bool supported()
{
    return true;
}

bool install(const QStringList& arguments, QString* error)
{
    SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE);
    if (!manager) {
        *error = systemError("cannot reach the service control manager");
        return false;
    }
    QString command = quoted(QDir::toNativeSeparators(QCoreApplication::applicationFilePath())) + QStringLiteral(" service run");
    for (const QString& a : arguments)
        command += QLatin1Char(' ') + quoted(a);
    const std::wstring commandLine = command.toStdWString();
    const std::wstring display = QString::fromLatin1(kDisplayName).toStdWString();
    SC_HANDLE service = CreateServiceW(manager, serviceName(), display.c_str(), SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
        SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, commandLine.c_str(), nullptr, nullptr, nullptr, nullptr /* LocalSystem */, nullptr);
    if (!service) {
        *error = GetLastError() == ERROR_SERVICE_EXISTS ? QStringLiteral("the Keel service is already installed")
                                                        : systemError("cannot create the Keel service");
        CloseServiceHandle(manager);
        return false;
    }
    SERVICE_DESCRIPTIONW description{};
    std::wstring text = L"Self-hosted Tailscale control server";
    description.lpDescription = text.data();
    ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &description);
    CloseServiceHandle(service);
    CloseServiceHandle(manager);
    return true;
}

bool start(QString* error)
{
    Handles h;
    if (!h.open(SERVICE_START, error))
        return false;
    if (!StartServiceW(h.service, 0, nullptr) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
        *error = systemError("cannot start the Keel service");
        return false;
    }
    return true;
}

bool stop(QString* error)
{
    Handles h;
    if (!h.open(SERVICE_STOP | SERVICE_QUERY_STATUS, error))
        return false;
    SERVICE_STATUS status{};
    if (!ControlService(h.service, SERVICE_CONTROL_STOP, &status) && GetLastError() != ERROR_SERVICE_NOT_ACTIVE) {
        *error = systemError("cannot stop the Keel service");
        return false;
    }
    // Wait (up to 30 s) for the server to close its listeners and database.
    for (int i = 0; i < 300 && QueryServiceStatus(h.service, &status) && status.dwCurrentState != SERVICE_STOPPED; ++i)
        Sleep(100);
    return true;
}

bool uninstall(QString* error)
{
    Handles h;
    if (!h.open(DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS, error))
        return false;
    // The uninstaller deletes keel.exe and its DLLs next: wait (up to 30 s) until the service's
    // process has exited, not only until it reports "stopped", or files still in use are left
    // behind (the NSIS uninstall under Wine left keel.exe and 17 DLLs in Program Files).
    SERVICE_STATUS_PROCESS process{};
    DWORD needed = 0;
    HANDLE running = nullptr;
    if (QueryServiceStatusEx(h.service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&process), sizeof process, &needed)
        && process.dwCurrentState != SERVICE_STOPPED && process.dwProcessId != 0)
        running = OpenProcess(SYNCHRONIZE, FALSE, process.dwProcessId);
    SERVICE_STATUS status{};
    ControlService(h.service, SERVICE_CONTROL_STOP, &status);
    if (running) {
        WaitForSingleObject(running, 30000);
        CloseHandle(running);
    }
    if (!DeleteService(h.service)) {
        *error = systemError("cannot remove the Keel service");
        return false;
    }
    return true;
}

QString state()
{
    Handles h;
    QString ignored;
    if (!h.open(SERVICE_QUERY_STATUS, &ignored))
        return QStringLiteral("not installed");
    SERVICE_STATUS status{};
    if (!QueryServiceStatus(h.service, &status))
        return QStringLiteral("unknown");
    switch (status.dwCurrentState) {
    case SERVICE_RUNNING: return QStringLiteral("running");
    case SERVICE_STOPPED: return QStringLiteral("stopped");
    case SERVICE_START_PENDING: return QStringLiteral("starting");
    case SERVICE_STOP_PENDING: return QStringLiteral("stopping");
    default: return QStringLiteral("state %1").arg(status.dwCurrentState);
    }
}

bool runUnderServiceManager(const std::function<int()>& serve, const std::function<void()>& stopServer, int* exitCode)
{
    Running running;
    running.stop = stopServer;
    running.done = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    g_running = &running;
    std::future<bool> connected = running.connected.get_future();
    std::thread dispatcher([&running] {
        SERVICE_TABLE_ENTRYW table[] = {{const_cast<LPWSTR>(serviceName()), serviceMain}, {nullptr, nullptr}};
        // Blocks until the service stops; fails at once when not started by the SCM.
        if (!StartServiceCtrlDispatcherW(table) && !running.connectedSet)
            running.connected.set_value(false);
    });
    if (!connected.get()) {
        dispatcher.join();
        CloseHandle(running.done);
        g_running = nullptr;
        return false;
    }
    // A service has no console: its log (stderr) goes to %ProgramData%\Keel\keel.log, appended.
    const QString logDir = systemDataDir(QProcessEnvironment::systemEnvironment());
    QDir().mkpath(logDir);
    const std::wstring logPath = QDir::toNativeSeparators(logDir + QStringLiteral("/keel.log")).toStdWString();
    _wfreopen(logPath.c_str(), L"a", stderr);
    const int code = serve();
    running.status.dwServiceSpecificExitCode = DWORD(code);
    SetEvent(running.done);
    dispatcher.join();
    CloseHandle(running.done);
    g_running = nullptr;
    *exitCode = code;
    return true;
}

} // namespace keel::platform::service
