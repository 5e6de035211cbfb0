// POSIX: systemd and launchd run `keel serve` from a unit file or plist; no service code needed.
#include "platform/Service.h"

namespace keel::platform::service {

namespace {
QString windowsOnly()
{
    return QStringLiteral("`keel service` manages a Windows service and exists only on Windows; here, run `keel serve` "
                          "under the system's service manager (systemd: the keel.service unit of the .deb; macOS: "
                          "installers/macos/org.keel.keel.plist)");
}
} // namespace

QString unsupportedMessage()
{
    return windowsOnly();
}

bool supported()
{
    return false;
}

bool install(const QStringList&, QString* error)
{
    *error = windowsOnly();
    return false;
}

bool start(QString* error)
{
    *error = windowsOnly();
    return false;
}

bool stop(QString* error)
{
    *error = windowsOnly();
    return false;
}

bool uninstall(QString* error)
{
    *error = windowsOnly();
    return false;
}

QString state()
{
    return QStringLiteral("unsupported");
}

bool runUnderServiceManager(const std::function<int()>&, const std::function<void()>&, int*)
{
    return false;
}

} // namespace keel::platform::service
