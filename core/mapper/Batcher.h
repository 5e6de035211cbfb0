#pragma once

#include "mapper/MapSession.h"
#include "mapper/Mapper.h"
#include "state/Change.h"
#include "state/State.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

namespace keel::control {

// Distributes state changes to the map streams (control.md 9.4), coalesced: changes are recorded
// once for the whole batch as "which nodes, which fields" (O(1) per change, not per stream) and
// turned into one message per stream when the batch ends, from the snapshot current at that
// moment. Streams that would get the same bytes (no policy, same last-sent snapshot, not named in
// the batch) share one serialized, compressed frame.
//
// Timing is adaptive: the first change after a quiet period goes out after quickDelayMs; while
// changes keep coming, batches are at least delayMs apart (tuning.batch_change_delay), so a burst
// costs one message per stream per delayMs.
//
// Nothing is ever dropped: a stream whose client does not keep up gets its own coalesced backlog
// (other streams do not wait), and when that backlog grows past a threshold, one fresh full map.
//
// The batcher decides who gets what and when; the Mapper builds every message; a MapSession only
// carries it. What the batcher remembers per stream is its own Stream record.
class Batcher : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int delayMs = 800;                      // tuning.batch_change_delay: the most a change waits
        int quickDelayMs = 20;                  // after a quiet period of delayMs
        qint64 backlogLimitBytes = 256 * 1024;  // unsent bytes that make a stream "slow"
        int fullMapThreshold = 512;             // pending entries beyond which a full map is cheaper
    };

    Batcher(state::State& state, Mapper& mapper, Options options, QObject* parent = nullptr);

    // Registers a stream and sends its first full map at once.
    bool attach(MapSession* session);
    void detach(MapSession* session);
    MapSession* sessionOf(qint64 nodeId) const;
    int sessionCount() const { return int(m_streams.size()); }

    // From State's change handler.
    void addChanges(const state::ChangeList& changes);
    // Sends what is pending now (the timer calls it; tests call it directly).
    void flush();

    qint64 messagesSent() const { return m_messages; }
    // Frames serialized and compressed once and sent to several streams (for tests and benches).
    qint64 sharedFrames() const { return m_sharedFrames; }

Q_SIGNALS:
    // A batch went out (for benches: when a change reached every stream).
    void flushed(int messages);

private:
    // The changes of the current batch, for every stream.
    struct Batch
    {
        PendingChanges pending; // pending.self: every stream's self Node changed
        QSet<qint64> selves;    // nodes whose own self Node changed
        bool isEmpty() const { return pending.isEmpty() && selves.isEmpty(); }
    };
    // What the batcher keeps per stream: the peers its client knows, the changes not yet sent
    // (coalesced), and the snapshot version its last message was built from. Shared so that a
    // flush can hold it while a failed send detaches the stream.
    struct Stream
    {
        explicit Stream(MapSession* s)
            : session(s)
            , known(s->nodeId())
        {
        }
        MapSession* session;
        KnownPeers known;
        PendingChanges pending;
        quint64 sentVersion = 0;
    };
    using StreamPtr = std::shared_ptr<Stream>;

    void schedule();
    // Folds the batch into a stream's own backlog.
    static void mergeInto(PendingChanges& into, const Batch& batch, qint64 nodeId);
    // Whether a stream's delta for `batch` is the same bytes as any other's with the same known
    // snapshot: no policy, nothing about itself, nothing per node (self, policy, full, a per-node
    // DNSConfig).
    bool shareable(const state::SnapshotPtr& s, const Batch& batch, const Stream& stream) const;
    // The full map the stream is to get now (its backlog is then empty).
    MapMessage fullFor(const state::SnapshotPtr& s, Stream& stream);

    state::State& m_state;
    Mapper& m_mapper;
    Options m_options;
    QHash<qint64, StreamPtr> m_streams;
    Batch m_batch;
    QTimer m_timer;
    qint64 m_lastFlushMs = -1; // steady clock, end of the last flush
    qint64 m_messages = 0;
    qint64 m_sharedFrames = 0;
};

} // namespace keel::control
