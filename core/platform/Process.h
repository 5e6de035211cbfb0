#pragma once

#include <QtGlobal>

#include <optional>

namespace keel::platform {

// Raises the soft open-file limit to the hard one and returns the limit now in force, or -1 where
// the platform has no such limit (Windows: handles are not limited per process in that way).
qint64 raiseOpenFileLimit();

// True when the process runs with the system's highest privilege (uid 0 on POSIX; on Windows the
// LocalSystem account a service runs as). Decides the default system-wide paths.
bool isSuperuser();

// True when standard input is an interactive terminal (a console on Windows).
bool stdinIsTerminal();

// Makes standard output and error carry exactly the bytes written. On Windows the C runtime would
// otherwise turn each "\n" into "\r\n", so `-o json` and `-o yaml` would differ from Linux's (and
// from Headscale's, whose Go runtime writes "\n" everywhere). Nothing to do on POSIX.
void writeStandardStreamsUnchanged();

// What the process metrics report; a field the platform cannot tell stays empty.
struct ProcessStats
{
    std::optional<double> cpuSeconds;          // user + system
    std::optional<qint64> virtualBytes;
    std::optional<qint64> residentBytes;
    std::optional<double> startTimeSeconds;    // since the Unix epoch
    std::optional<qint64> openDescriptors;     // file descriptors; handles on Windows
};
ProcessStats processStats();

} // namespace keel::platform
