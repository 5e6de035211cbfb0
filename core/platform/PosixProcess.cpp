// POSIX (Linux, macOS): resource limits, privilege, terminal, process metrics.
#include "platform/Process.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

#include <algorithm>
#include <limits>

#include <sys/resource.h>
#include <unistd.h>

namespace keel::platform {

qint64 raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    rlim_t wanted = limit.rlim_max;
#ifdef Q_OS_MACOS
    // macOS reports RLIM_INFINITY but refuses anything above OPEN_MAX for the soft limit.
    wanted = std::min<rlim_t>(wanted, 10240);
#endif
    if (wanted != RLIM_INFINITY && limit.rlim_cur < wanted) {
        rlimit raised = limit;
        raised.rlim_cur = wanted;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<int>::max() : qint64(limit.rlim_cur);
}

bool isSuperuser()
{
    return ::geteuid() == 0;
}

bool stdinIsTerminal()
{
    return ::isatty(STDIN_FILENO) != 0;
}

void writeStandardStreamsUnchanged()
{
}

ProcessStats processStats()
{
    ProcessStats s;
#ifdef Q_OS_LINUX
    const long ticks = sysconf(_SC_CLK_TCK);
    const long page = sysconf(_SC_PAGESIZE);
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (stat.open(QIODevice::ReadOnly) && ticks > 0) {
        // Fields after the command name, which is in parentheses and may contain spaces.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (f.size() > 22) {
            s.cpuSeconds = (f[11].toDouble() + f[12].toDouble()) / double(ticks); // utime + stime
            s.virtualBytes = f[20].toLongLong();
            s.residentBytes = f[21].toLongLong() * page;
            QFile uptime(QStringLiteral("/proc/uptime"));
            if (uptime.open(QIODevice::ReadOnly)) {
                const double bootAge = uptime.readAll().split(' ').first().toDouble();
                const double startAge = bootAge - f[19].toDouble() / double(ticks);
                s.startTimeSeconds = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0 - startAge;
            }
        }
    }
    s.openDescriptors = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System).size();
#else
    // macOS and other BSDs have no /proc: CPU time from getrusage, the rest stays unreported.
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        s.cpuSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
#endif
    return s;
}

} // namespace keel::platform
