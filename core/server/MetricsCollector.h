#pragma once

#include <QByteArray>
#include <functional>

namespace keel::state {
struct Snapshot;
}
namespace keel::derp {
struct DerpStats;
}

namespace keel::server {

// The figures that are state rather than events, read when Prometheus scrapes (so no hot path
// pays for them): nodes by status, OS and client version, map streams, the embedded DERP
// server's clients, bytes and drops, and STUN requests. Rendered in the text format; label sets
// come from the current state, so an OS nobody runs any more disappears from the output.
class MetricsCollector
{
public:
    struct Sources
    {
        const state::Snapshot* snapshot = nullptr;
        std::function<bool(qint64)> isOnline;
        int mapSessions = 0;
        const derp::DerpStats* derp = nullptr;            // null: no embedded DERP server
        bool stun = false;
        quint64 stunSuccess = 0, stunNotStun = 0, stunWriteError = 0;
    };

    static QByteArray render(const Sources& sources);
    // "1.82.5-t0a1b2c3-g..." -> "1.82"; anything unparsable -> "unknown". Minor versions bound the
    // label's values (a few dozen), where full versions would grow without end.
    static QByteArray versionBucket(const QString& ipnVersion);
};

} // namespace keel::server
