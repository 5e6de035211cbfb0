#include "derp/TokenBucket.h"

#include <algorithm>
#include <cmath>

namespace keel::derp {

TokenBucket::TokenBucket(double bytesPerSecond, double burstBytes, qint64 nowNs)
    : m_rate(std::max(bytesPerSecond, 1.0))
    , m_burst(std::max(burstBytes, 1.0))
    , m_tokens(m_burst)
    , m_lastNs(nowNs)
{
}

qint64 TokenBucket::reserve(qint64 n, qint64 nowNs)
{
    if (nowNs > m_lastNs) {
        m_tokens = std::min(m_burst, m_tokens + double(nowNs - m_lastNs) * m_rate / 1e9);
        m_lastNs = nowNs;
    }
    m_tokens -= std::min(double(std::max<qint64>(n, 0)), m_burst);
    if (m_tokens >= 0)
        return 0;
    return qint64(std::ceil(-m_tokens / m_rate * 1e9));
}

} // namespace keel::derp
