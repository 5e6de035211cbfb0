#include "common/Clock.h"

#include <mutex>

namespace keel {

namespace {
std::mutex g_mutex;
std::shared_ptr<Clock> g_clock = std::make_shared<SystemClock>();
} // namespace

const Clock& Clock::instance()
{
    std::lock_guard lock(g_mutex);
    return *g_clock;
}

void Clock::install(std::shared_ptr<Clock> clock)
{
    std::lock_guard lock(g_mutex);
    g_clock = clock ? std::move(clock) : std::make_shared<SystemClock>();
}

void Clock::reset()
{
    install(nullptr);
}

} // namespace keel
