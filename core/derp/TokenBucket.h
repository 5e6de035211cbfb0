#pragma once

#include <QtGlobal>

namespace keel::derp {

// A token bucket that lends: taking more tokens than are there succeeds and says how long the
// caller must wait until the debt is paid, as golang.org/x/time/rate's ReserveN does. derper's
// per-client receive limit (spec A.8) charges each frame's length and waits rather than drops;
// Keel does the same by not reading that client's socket for the returned time. Time is passed
// in (nanoseconds from any fixed origin), so tests need no clock.
class TokenBucket
{
public:
    TokenBucket(double bytesPerSecond, double burstBytes, qint64 nowNs);

    // Charges `n` tokens (clamped to the burst, as derper clamps a frame to the smallest bucket)
    // and returns the nanoseconds to wait before the charged bytes may be processed; 0 = now.
    qint64 reserve(qint64 n, qint64 nowNs);

    double rate() const { return m_rate; }
    double burst() const { return m_burst; }

private:
    double m_rate;
    double m_burst;
    double m_tokens;
    qint64 m_lastNs;
};

} // namespace keel::derp
