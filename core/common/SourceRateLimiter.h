#pragma once

#include <QHash>
#include <QtGlobal>

#include <algorithm>

namespace keel::common {

// Allows each source (an address, or whatever key identifies one sender) `rate` events a second,
// in bursts of up to `burst`: one token bucket per source, created full on first sight. It is for
// unauthenticated work a flood could make expensive (STUN answers, Noise handshakes): what one
// source sends beyond its share is refused before any work is done, and other sources are not
// affected.
//
// Memory is bounded: at most `maxSources` buckets are kept. Buckets that have refilled completely
// carry no state worth keeping and are dropped when room is needed; if every bucket is still
// draining (a flood from many spoofed or distinct sources), a new source is refused until some
// refill. Time is passed in (nanoseconds from any fixed origin), so tests need no clock.
template<typename Key>
class SourceRateLimiter
{
public:
    SourceRateLimiter(double rate, double burst, int maxSources)
        : m_rate(rate), m_burst(std::max(1.0, burst)), m_maxSources(std::max(1, maxSources))
    {
    }

    // Takes one token from `source`'s bucket; false when it has none left.
    bool allow(const Key& source, qint64 nowNs)
    {
        auto it = m_buckets.find(source);
        if (it == m_buckets.end()) {
            if (m_buckets.size() >= m_maxSources)
                forgetRefilled(nowNs);
            if (m_buckets.size() >= m_maxSources)
                return false;
            it = m_buckets.insert(source, Bucket{m_burst, nowNs});
        }
        Bucket& b = *it;
        b.tokens = refilled(b, nowNs);
        b.lastNs = nowNs;
        if (b.tokens < 1)
            return false;
        b.tokens -= 1;
        return true;
    }

    int trackedSources() const { return int(m_buckets.size()); }
    double rate() const { return m_rate; }
    double burst() const { return m_burst; }

private:
    struct Bucket
    {
        double tokens;
        qint64 lastNs;
    };

    double refilled(const Bucket& b, qint64 nowNs) const
    {
        return std::min(m_burst, b.tokens + double(nowNs - b.lastNs) * m_rate / 1e9);
    }

    void forgetRefilled(qint64 nowNs)
    {
        for (auto it = m_buckets.begin(); it != m_buckets.end();)
            it = refilled(*it, nowNs) >= m_burst ? m_buckets.erase(it) : std::next(it);
    }

    double m_rate;
    double m_burst;
    int m_maxSources;
    QHash<Key, Bucket> m_buckets;
};

} // namespace keel::common
