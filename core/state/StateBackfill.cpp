// State::backfillIps: `keel nodes backfillips` (Headscale's semantics). Part of State.
#include "state/State.h"

namespace keel::state {

using store::Error;
using store::Result;

// Each node gets an address of every family whose prefix is configured and loses the one whose
// prefix is not (after prefixes.v4/v6 changed). One node at a time: each is stored and published
// on its own, so a failure part way keeps what was done.
Result<QStringList> State::backfillIps(const Actor& by)
{
    QStringList changes;
    const SnapshotPtr before = snapshot();
    for (const auto& live : before->nodes) {
        store::Node n = live->node;
        QStringList what;
        QString error;
        std::optional<QHostAddress> v4;
        std::optional<QHostAddress> v6;
        if (m_v4.enabled() && n.ipv4.isEmpty()) {
            v4 = m_v4.allocate(&error);
            if (!v4)
                return Error::conflict(error);
            n.ipv4 = v4->toString();
            what << QStringLiteral("assigned IPv4 %1").arg(n.ipv4);
        }
        if (m_v6.enabled() && n.ipv6.isEmpty()) {
            v6 = m_v6.allocate(&error);
            if (!v6) {
                if (v4)
                    m_v4.release(*v4);
                return Error::conflict(error);
            }
            n.ipv6 = v6->toString();
            what << QStringLiteral("assigned IPv6 %1").arg(n.ipv6);
        }
        if (!m_v4.enabled() && !n.ipv4.isEmpty()) {
            what << QStringLiteral("removed IPv4 %1 (prefixes.v4 is not set)").arg(n.ipv4);
            n.ipv4.clear();
        }
        if (!m_v6.enabled() && !n.ipv6.isEmpty()) {
            what << QStringLiteral("removed IPv6 %1 (prefixes.v6 is not set)").arg(n.ipv6);
            n.ipv6.clear();
        }
        if (what.isEmpty())
            continue;
        const auto saved = replaceNode(n, false, {by, QStringLiteral("node.backfillips"), QStringLiteral("node:%1").arg(n.id), what.join(QStringLiteral(", "))});
        if (!saved) {
            if (v4)
                m_v4.release(*v4);
            if (v6)
                m_v6.release(*v6);
            return saved.error();
        }
        const QString line = QStringLiteral("node %1 (%2): %3").arg(n.id).arg(n.givenName, what.join(QStringLiteral(", ")));
        changes << line;
    }
    // Best effort: a lost cursor only means a freed address comes back sooner.
    if (!changes.isEmpty())
        (void)saveCursors();
    return changes;
}

} // namespace keel::state
