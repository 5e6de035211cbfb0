#include "common/FileLimit.h"

#include <algorithm>
#include <limits>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace keel {

qint64 raiseOpenFileLimit()
{
#ifdef Q_OS_UNIX
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
#else
    return -1;
#endif
}

int controlConnectionBudget(qint64 openFileLimit, int fallback)
{
    if (openFileLimit < 0)
        return fallback;
    // A quarter of the descriptors or 256, whichever is less, stays for everything else.
    const qint64 reserve = std::min<qint64>(256, openFileLimit / 4);
    return int(std::clamp<qint64>(openFileLimit - reserve, 1, std::numeric_limits<int>::max()));
}

} // namespace keel
