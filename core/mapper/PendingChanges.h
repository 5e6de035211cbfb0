#pragma once

#include <QHash>
#include <QSet>

namespace keel::control {

// What one map stream has not been told yet, coalesced: a later change of the same node merges
// into the earlier one. The batcher keeps one per stream (and one for the batch in progress); the
// mapper turns one into a delta.
struct PendingChanges
{
    bool full = false;      // send a fresh full map
    bool self = false;      // the self Node changed
    bool policy = false;    // filters / visibility / SSH may have changed
    bool dns = false;       // DNSConfig changed
    QSet<qint64> changed;   // PeersChanged
    QSet<qint64> removed;   // PeersRemoved
    QHash<qint64, unsigned> patches; // PeersChangedPatch fields

    bool isEmpty() const
    {
        return !full && !self && !policy && !dns && changed.isEmpty() && removed.isEmpty() && patches.isEmpty();
    }
    int size() const { return int(changed.size() + removed.size() + patches.size()); }
};

} // namespace keel::control
