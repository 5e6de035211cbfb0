// Windows: privilege, console, process metrics. (Compiled only for Windows.)
#include "platform/Process.h"

#include <cstdio>
#include <fcntl.h>
#include <io.h>

#include <windows.h>
#include <psapi.h>

namespace keel::platform {

qint64 raiseOpenFileLimit()
{
    return -1; // no per-process descriptor limit to raise for sockets
}

bool isSuperuser()
{
    // The LocalSystem account (S-1-5-18), which services run as.
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return false;
    char buffer[256];
    DWORD size = 0;
    bool system = false;
    if (GetTokenInformation(token, TokenUser, buffer, sizeof buffer, &size))
        system = IsWellKnownSid(reinterpret_cast<TOKEN_USER*>(buffer)->User.Sid, WinLocalSystemSid) != 0;
    CloseHandle(token);
    return system;
}

bool stdinIsTerminal()
{
    return _isatty(_fileno(stdin)) != 0;
}

void writeStandardStreamsUnchanged()
{
    std::fflush(stdout);
    std::fflush(stderr);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
}

namespace {
double seconds(const FILETIME& t)
{
    const quint64 ticks = (quint64(t.dwHighDateTime) << 32) | t.dwLowDateTime; // 100 ns units
    return double(ticks) / 1e7;
}
} // namespace

ProcessStats processStats()
{
    ProcessStats s;
    HANDLE self = GetCurrentProcess();
    FILETIME created{}, exited{}, kernel{}, user{};
    if (GetProcessTimes(self, &created, &exited, &kernel, &user)) {
        s.cpuSeconds = seconds(kernel) + seconds(user);
        // FILETIME counts from 1601-01-01; the Unix epoch is 11644473600 s later.
        s.startTimeSeconds = seconds(created) - 11644473600.0;
    }
    PROCESS_MEMORY_COUNTERS_EX memory{};
    if (GetProcessMemoryInfo(self, reinterpret_cast<PROCESS_MEMORY_COUNTERS*>(&memory), sizeof memory)) {
        s.residentBytes = qint64(memory.WorkingSetSize);
        s.virtualBytes = qint64(memory.PrivateUsage);
    }
    DWORD handles = 0;
    // A process always holds handles: 0 means the system cannot tell (Wine answers 0).
    if (GetProcessHandleCount(self, &handles) && handles > 0)
        s.openDescriptors = qint64(handles);
    return s;
}

} // namespace keel::platform
