#pragma once

#include "state/Snapshot.h"

#include <QSet>

#include <memory>

namespace keel::control {

// The peers one client knows, as the mapper left them after the last message it built for it.
// Without a policy that is "every node of the snapshot last sent except itself", kept as that
// snapshot (shared, O(1) per stream) instead of a set of N ids; with a policy, a set.
class KnownPeers
{
public:
    explicit KnownPeers(qint64 self = 0)
        : m_self(self)
    {
    }

    bool knows(qint64 id) const;
    bool knowsNone() const;
    // Materialises the set (needed when a policy makes visibility per node).
    QSet<qint64>& ids();
    void setAll(const std::shared_ptr<const state::Snapshot>& s);
    void set(QSet<qint64> peers);
    // The snapshot the client knows all of, when that is how its peers are kept (else null).
    const state::Snapshot* allOf() const { return m_all.get(); }

private:
    qint64 m_self;
    QSet<qint64> m_ids;
    std::shared_ptr<const state::Snapshot> m_all; // set: the client knows all of it but itself
};

} // namespace keel::control
