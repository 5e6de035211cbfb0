#pragma once

#include <QProcessEnvironment>
#include <QString>

namespace keel::platform {

// Where Keel's files live by each platform's convention. Taken from `env` (not the process's own
// environment) so callers and tests can choose; `home` is the user's home directory.

// The system-wide config directory searched first: /etc/keel; %ProgramData%\Keel on Windows.
QString systemConfigDir(const QProcessEnvironment& env);

// The data directory of a system-wide server (root; LocalSystem on Windows): /var/lib/keel;
// %ProgramData%\Keel on Windows (the installer makes it owner-only).
QString systemDataDir(const QProcessEnvironment& env);

// A user's own data directory: $XDG_DATA_HOME/keel or ~/.local/share/keel; on Windows
// %LOCALAPPDATA%\Keel (or ~/AppData/Local/Keel).
QString userDataDir(const QProcessEnvironment& env, const QString& home);

} // namespace keel::platform
