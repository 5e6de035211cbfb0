#pragma once

#include <QString>
#include <QStringList>

#include <functional>

namespace keel::platform {

// Running Keel as a system service where the platform's service manager needs code for it: the
// Windows service control manager. On Linux (systemd) and macOS (launchd) the daemon needs no
// code of its own: a unit file or plist runs `keel serve` (installers/).
namespace service {

// The service's name and what the Services console shows.
inline constexpr const char* kName = "Keel";
inline constexpr const char* kDisplayName = "Keel control server";

// True where `keel service ...` is available (Windows).
bool supported();
// Where unsupported: what to do instead (systemd, launchd). Empty on Windows.
QString unsupportedMessage();

// Registers the service to run `<this executable> <arguments>` at boot as LocalSystem; start,
// stop, uninstall. Each returns false with a message in *error.
bool install(const QStringList& arguments, QString* error);
bool start(QString* error);
bool stop(QString* error);
bool uninstall(QString* error);
// "running", "stopped", "not installed", ...
QString state();

// Windows: when the process was started by the service control manager, runs `serve` under it
// (reporting running/stopped; a stop request calls `stop`, which must make `serve` return) and
// returns true with `serve`'s exit code in *exitCode. A service has no console: its log (stderr)
// is appended to %ProgramData%\Keel\keel.log. Returns false at once when started from a
// console (or on any other platform): the caller then just runs `serve`.
bool runUnderServiceManager(const std::function<int()>& serve, const std::function<void()>& stop, int* exitCode);

} // namespace service
} // namespace keel::platform
