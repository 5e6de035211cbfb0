#pragma once

#include <QDateTime>

#include <memory>

namespace keel {

// The one source of "now" for the core. Production code asks Clock::now(); tests install a
// MockClock (tests/kit/common/MockClock.h) so that expiry, ephemeral GC and keep-alive logic run
// without sleeping.
class Clock
{
public:
    virtual ~Clock() = default;

    virtual QDateTime nowUtc() const = 0;

    // The process-wide clock (a SystemClock unless a test installed another).
    static const Clock& instance();
    static QDateTime now() { return instance().nowUtc(); }
    static qint64 nowMSecs() { return instance().nowUtc().toMSecsSinceEpoch(); }

    // Installs a clock for the rest of the process (or until reset). Not thread-safe against
    // concurrent now() callers on purpose: tests install before they start anything.
    static void install(std::shared_ptr<Clock> clock);
    static void reset();
};

class SystemClock final : public Clock
{
public:
    QDateTime nowUtc() const override { return QDateTime::currentDateTimeUtc(); }
};

} // namespace keel
