#pragma once

#include <QDateTime>

#include <atomic>
#include <memory>

namespace keel {

// The one source of "now" for the core. Production code asks Clock::now(); tests install a
// MockClock so that expiry, ephemeral GC and keep-alive logic run without sleeping.
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

// A clock that only moves when told to. Thread-safe.
class MockClock final : public Clock
{
public:
    explicit MockClock(const QDateTime& start = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC))
        : m_msecs(start.toMSecsSinceEpoch())
    {
    }

    QDateTime nowUtc() const override { return QDateTime::fromMSecsSinceEpoch(m_msecs.load(), Qt::UTC); }
    void advance(qint64 msecs) { m_msecs.fetch_add(msecs); }
    void set(const QDateTime& t) { m_msecs.store(t.toMSecsSinceEpoch()); }

private:
    std::atomic<qint64> m_msecs;
};

} // namespace keel
