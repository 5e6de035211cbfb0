#pragma once

#include "control/MapSession.h"
#include "control/Mapper.h"
#include "state/Change.h"
#include "state/State.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace keel::control {

// Distributes state changes to the map streams (control.md 9.4), coalesced: changes are recorded
// per stream as "which nodes, which fields" and turned into one message per stream when the batch
// delay ends, from the snapshot current at that moment. Nothing is ever dropped: a stream whose
// client does not keep up keeps accumulating its own coalesced backlog (other streams do not wait),
// and when that backlog grows past a threshold it gets one fresh full map instead.
class Batcher : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int delayMs = 800;                      // tuning.batch_change_delay
        qint64 backlogLimitBytes = 256 * 1024;  // unsent bytes that make a stream "slow"
        int fullMapThreshold = 512;             // pending entries beyond which a full map is cheaper
    };

    Batcher(state::State& state, Mapper& mapper, Options options, QObject* parent = nullptr);

    // Registers a stream and sends its first full map at once.
    bool attach(MapSession* session);
    void detach(MapSession* session);
    MapSession* sessionOf(qint64 nodeId) const { return m_sessions.value(nodeId); }
    int sessionCount() const { return int(m_sessions.size()); }

    // From State's change handler.
    void addChanges(const state::ChangeList& changes);
    // Sends what is pending now (the timer calls it; tests call it directly).
    void flush();

    qint64 messagesSent() const { return m_messages; }

Q_SIGNALS:
    // A batch went out (for benches: when a change reached every stream).
    void flushed(int messages);

private:
    void schedule();
    // The delta for one stream, or an empty object when there is nothing to say.
    QJsonObject buildDelta(const state::SnapshotPtr& s, MapSession& session);
    QJsonObject buildFull(const state::SnapshotPtr& s, MapSession& session);

    state::State& m_state;
    Mapper& m_mapper;
    Options m_options;
    QHash<qint64, MapSession*> m_sessions;
    QTimer m_timer;
    qint64 m_messages = 0;
};

} // namespace keel::control
