#include "mapper/Batcher.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "mapper/MapSessionFraming.h"
#include "metrics/Instruments.h"

#include <QElapsedTimer>

#include <algorithm>
#include <chrono>

namespace keel::control {

using state::Change;

namespace {
qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

Batcher::Batcher(state::State& state, Mapper& mapper, Options options, QObject* parent)
    : QObject(parent)
    , m_state(state)
    , m_mapper(mapper)
    , m_options(options)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Batcher::flush);
}

bool Batcher::attach(MapSession* session)
{
    if (MapSession* old = sessionOf(session->nodeId()); old && old != session)
        detach(old);
    const StreamPtr stream = std::make_shared<Stream>(session);
    m_streams.insert(session->nodeId(), stream);
    const state::SnapshotPtr s = m_state.snapshot();
    const MapMessage full = fullFor(s, *stream);
    if (full.isEmpty() || !session->sendJson(full.toJson()))
        return false;
    ++m_messages;
    return true;
}

void Batcher::detach(MapSession* session)
{
    const auto it = m_streams.find(session->nodeId());
    if (it != m_streams.end() && (*it)->session == session)
        m_streams.erase(it);
}

MapSession* Batcher::sessionOf(qint64 nodeId) const
{
    const auto it = m_streams.constFind(nodeId);
    return it == m_streams.cend() ? nullptr : (*it)->session;
}

void Batcher::schedule()
{
    if (m_timer.isActive())
        return;
    // Quiet for a whole delay: go soon. Otherwise (a burst) at most one batch per delay.
    const int quick = std::min(m_options.quickDelayMs, m_options.delayMs);
    qint64 wait = quick;
    if (m_lastFlushMs >= 0) {
        const qint64 since = steadyMs() - m_lastFlushMs;
        if (since < m_options.delayMs)
            wait = std::max<qint64>(quick, m_options.delayMs - since);
    }
    m_timer.start(int(wait));
}

void Batcher::addChanges(const state::ChangeList& changes)
{
    PendingChanges& p = m_batch.pending;
    for (const Change& c : changes) {
        switch (c.kind) {
        case Change::Kind::Full:
            p.full = true;
            break;
        case Change::Kind::Dns:
            p.dns = true;
            break;
        case Change::Kind::Policy:
            p.policy = true;
            p.self = true;
            break;
        case Change::Kind::PeerAdded:
        case Change::Kind::PeerChanged:
            // Others get the whole node; the node itself its self Node (when it changed).
            if (c.self || c.kind == Change::Kind::PeerAdded)
                m_batch.selves.insert(c.nodeId);
            p.changed.insert(c.nodeId);
            p.patches.remove(c.nodeId); // the whole node supersedes any patch
            // Names, tags, routes and owners feed the policy: filters may change.
            if (m_state.snapshot()->policy)
                p.policy = true;
            break;
        case Change::Kind::PeerPatch:
            if (c.self)
                m_batch.selves.insert(c.nodeId);
            if (!p.changed.contains(c.nodeId))
                p.patches[c.nodeId] |= c.fields;
            break;
        case Change::Kind::PeerRemoved:
            m_mapper.forget(c.nodeId);
            p.removed.insert(c.nodeId);
            p.changed.remove(c.nodeId);
            p.patches.remove(c.nodeId);
            m_batch.selves.remove(c.nodeId);
            if (MapSession* own = sessionOf(c.nodeId)) {
                // A deleted node's stream ends (control.md 4.2); it must log in again.
                detach(own);
                own->close();
            }
            break;
        }
    }
    if (!m_streams.isEmpty() && !m_batch.isEmpty())
        schedule();
    else if (m_streams.isEmpty())
        m_batch = Batch(); // nobody to tell; a stream that attaches gets a full map
    metrics::Instruments::batcherQueueDepth(m_batch.pending.size());
}

void Batcher::mergeInto(PendingChanges& into, const Batch& batch, qint64 nodeId)
{
    const PendingChanges& b = batch.pending;
    into.full = into.full || b.full;
    into.policy = into.policy || b.policy;
    into.dns = into.dns || b.dns;
    into.self = into.self || b.self || batch.selves.contains(nodeId);
    for (qint64 id : b.removed) {
        if (id == nodeId)
            continue;
        into.removed.insert(id);
        into.changed.remove(id);
        into.patches.remove(id);
    }
    for (qint64 id : b.changed) {
        if (id == nodeId)
            continue;
        into.changed.insert(id);
        into.patches.remove(id);
    }
    for (auto it = b.patches.cbegin(); it != b.patches.cend(); ++it)
        if (it.key() != nodeId && !into.changed.contains(it.key()))
            into.patches[it.key()] |= it.value();
}

bool Batcher::shareable(const state::SnapshotPtr& s, const Batch& batch, const Stream& stream) const
{
    const PendingChanges& p = batch.pending;
    const qint64 id = stream.session->nodeId();
    return !s->perViewer() && !p.full && !p.policy && !p.self && !(p.dns && m_mapper.dnsIsPerNode())
        && stream.known.allOf() && stream.pending.isEmpty()
        && !batch.selves.contains(id) && !p.changed.contains(id) && !p.removed.contains(id) && !p.patches.contains(id);
}

MapMessage Batcher::fullFor(const state::SnapshotPtr& s, Stream& stream)
{
    stream.session->markFullMap();
    MapMessage full = m_mapper.fullUpdate(s, stream.session->nodeId(), stream.known, stream.session->started());
    if (full.isEmpty())
        return full;
    stream.pending = PendingChanges();
    stream.sentVersion = s->version;
    return full;
}

void Batcher::flush()
{
    QElapsedTimer took;
    took.start();
    m_timer.stop();
    const state::SnapshotPtr s = m_state.snapshot();
    const Batch batch = std::exchange(m_batch, Batch());
    int sent = 0;
    bool leftBehind = false;
    // One frame per (known snapshot, encoding) for the streams whose delta is the same bytes.
    struct SharedKey
    {
        const state::Snapshot* known;
        bool zstd;
        bool operator==(const SharedKey&) const = default;
    };
    QList<std::pair<SharedKey, QByteArray>> shared;
    const QList<StreamPtr> streams = m_streams.values();
    for (const StreamPtr& streamPtr : streams) {
        Stream& stream = *streamPtr;
        MapSession* session = stream.session;
        // Its last message was built from this very snapshot, so it has every change of the batch
        // that came with a snapshot. Full and Dns changes do not (the DERP map, the DNS config).
        if (!batch.isEmpty() && !batch.pending.full && !batch.pending.dns && stream.sentVersion == s->version
            && stream.pending.isEmpty())
            continue;
        const bool slow = session->backlogBytes() > m_options.backlogLimitBytes;
        if (!slow && shareable(s, batch, stream) && !batch.isEmpty()) {
            const SharedKey key{stream.known.allOf(), session->zstd()};
            auto it = std::find_if(shared.begin(), shared.end(), [&key](const auto& e) { return e.first == key; });
            if (it == shared.end()) {
                const MapMessage m = m_mapper.delta(s, session->nodeId(), stream.known, batch.pending);
                shared.append({key, m.isEmpty() ? QByteArray() : MapSessionFraming::frame(m.toJson(), key.zstd)});
                it = shared.end() - 1;
            } else {
                // The same message as the first stream of its group: the client ends up knowing
                // what that one does.
                stream.known.setAll(s);
                ++m_sharedFrames;
            }
            stream.sentVersion = s->version;
            if (!it->second.isEmpty() && session->sendFrame(it->second))
                ++sent;
            continue;
        }
        PendingChanges& p = stream.pending;
        mergeInto(p, batch, session->nodeId());
        if (p.isEmpty())
            continue;
        // A backlog bigger than half the tailnet costs more as a delta than as a full map.
        const bool tooBig = p.size() > m_options.fullMapThreshold && p.size() > s->nodes.size() / 2;
        if (slow) {
            // The client is not reading: keep coalescing for it, nobody else waits.
            leftBehind = true;
            if (tooBig)
                p.full = true;
            continue;
        }
        MapMessage message;
        if (p.full || tooBig) {
            message = fullFor(s, stream);
        } else {
            const PendingChanges mine = std::exchange(p, PendingChanges());
            message = m_mapper.delta(s, session->nodeId(), stream.known, mine);
        }
        stream.sentVersion = s->version;
        if (message.isEmpty())
            continue;
        if (session->sendJson(message.toJson()))
            ++sent;
    }
    m_messages += sent;
    m_lastFlushMs = steadyMs();
    metrics::Instruments::batcherFlush(double(took.nsecsElapsed()) / 1e9, sent);
    metrics::Instruments::batcherQueueDepth(m_batch.pending.size());
    if (leftBehind || !m_batch.isEmpty())
        schedule();
    Q_EMIT flushed(sent);
}

} // namespace keel::control
