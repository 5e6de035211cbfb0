#pragma once

#include "common/Clock.h"

#include <atomic>

namespace keel {

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
