#include "common/FileLimit.h"

#include "platform/Process.h"

#include <algorithm>
#include <limits>

namespace keel {

qint64 raiseOpenFileLimit()
{
    return platform::raiseOpenFileLimit();
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
