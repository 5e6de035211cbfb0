#include "control/Batcher.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "control/MapSessionFraming.h"
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
    if (MapSession* old = m_sessions.value(session->nodeId()); old && old != session)
        detach(old);
    m_sessions.insert(session->nodeId(), session);
    const state::SnapshotPtr s = m_state.snapshot();
    const MapMessage full = buildFull(s, *session);
    if (full.isEmpty() || !session->sendJson(full.toJson()))
        return false;
    ++m_messages;
    return true;
}

void Batcher::closeAll()
{
    const QList<MapSession*> sessions = m_sessions.values();   // closing detaches while we iterate
    for (MapSession* session : sessions)
        session->close();
}

void Batcher::detach(MapSession* session)
{
    const auto it = m_sessions.find(session->nodeId());
    if (it != m_sessions.end() && *it == session)
        m_sessions.erase(it);
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
    MapSession::Pending& p = m_batch.pending;
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
            if (MapSession* own = m_sessions.value(c.nodeId)) {
                // A deleted node's stream ends (control.md 4.2); it must log in again.
                detach(own);
                own->close();
            }
            break;
        }
    }
    if (!m_sessions.isEmpty() && !m_batch.isEmpty())
        schedule();
    else if (m_sessions.isEmpty())
        m_batch = Batch(); // nobody to tell; a stream that attaches gets a full map
    metrics::Instruments::batcherQueueDepth(m_batch.pending.size());
}

void Batcher::mergeInto(MapSession::Pending& into, const Batch& batch, qint64 nodeId)
{
    const MapSession::Pending& b = batch.pending;
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

bool Batcher::shareable(const state::SnapshotPtr& s, const Batch& batch, MapSession& session) const
{
    const MapSession::Pending& p = batch.pending;
    const qint64 id = session.nodeId();
    return !s->perViewer() && !p.full && !p.policy && !p.self && !(p.dns && m_mapper.dnsIsPerNode())
        && session.knownAllSnapshot() && session.pending().isEmpty()
        && !batch.selves.contains(id) && !p.changed.contains(id) && !p.removed.contains(id) && !p.patches.contains(id);
}

MapMessage Batcher::buildFull(const state::SnapshotPtr& s, MapSession& session)
{
    session.markFullMap();
    QList<qint64> peers;
    MapMessage full = m_mapper.fullMessage(s, session.nodeId(), &peers);
    if (full.isEmpty())
        return full;
    // `Peers` can only replace a non-empty list; an emptied netmap needs PeersRemoved.
    if (peers.isEmpty() && !session.knowsNoPeer()) {
        QList<qint64> gone = session.knownPeers().values();
        std::sort(gone.begin(), gone.end());
        QJsonArray removed;
        for (qint64 id : gone)
            removed.append(id);
        full.fields.insert(QStringLiteral("PeersRemoved"), removed);
    }
    // An absent SSHPolicy leaves the client's previous one in force: a full map sent into a running
    // stream must clear SSH rules the policy no longer has (controlclient/map.go keeps a nil one).
    if (session.started() && !full.fields.contains(QStringLiteral("SSHPolicy")))
        full.fields.insert(QStringLiteral("SSHPolicy"), QJsonObject{{QStringLiteral("rules"), QJsonArray()}});
    if (s->perViewer())
        session.setKnown(QSet<qint64>(peers.cbegin(), peers.cend()));
    else
        session.setKnownAll(s);
    session.pending() = MapSession::Pending();
    session.setSentVersion(s->version);
    return full;
}

MapMessage Batcher::buildDelta(const state::SnapshotPtr& s, MapSession& session, const MapSession::Pending& p)
{
    const qint64 self = session.nodeId();
    if (!s->node(self))
        return {};

    QSet<qint64> removed;
    QSet<qint64> changed;
    for (qint64 id : std::as_const(p.removed))
        if (id != self && session.knowsPeer(id))
            removed.insert(id);
    if (p.policy) {
        // Visibility may have changed in either direction: diff against what the client knows.
        const QSet<qint64>& known = session.knownPeers();
        const QList<qint64> visible = m_mapper.visiblePeers(s, self);
        const QSet<qint64> visibleSet(visible.cbegin(), visible.cend());
        for (qint64 id : known)
            if (!visibleSet.contains(id))
                removed.insert(id);
        for (qint64 id : visible)
            if (!known.contains(id) || p.changed.contains(id))
                changed.insert(id);
    } else {
        for (qint64 id : std::as_const(p.changed)) {
            if (id == self)
                continue;
            if (m_mapper.isVisible(s, self, id))
                changed.insert(id);
            else if (session.knowsPeer(id))
                removed.insert(id);
        }
    }
    // What the client will know after this message (patches below go to known peers only).
    QSet<qint64> knownAfter;
    if (s->perViewer()) {
        knownAfter = session.knownPeers();
        for (qint64 id : std::as_const(removed))
            knownAfter.remove(id);
        for (qint64 id : std::as_const(changed))
            knownAfter.insert(id);
    }

    MapMessage out;
    QJsonObject& m = out.fields;
    if (!removed.isEmpty()) {
        QList<qint64> ids = removed.values();
        std::sort(ids.begin(), ids.end());
        QJsonArray a;
        for (qint64 id : ids)
            a.append(id);
        m.insert(QStringLiteral("PeersRemoved"), a);
    }
    if (!changed.isEmpty()) {
        QList<qint64> ids = changed.values();
        std::sort(ids.begin(), ids.end());
        out.peersChanged.reserve(ids.size());
        for (qint64 id : ids)
            out.peersChanged.append(m_mapper.peerBytes(s, self, *s->node(id)));
        // Profiles are additive on the client: send the owners of the nodes sent.
        m.insert(QStringLiteral("UserProfiles"), m_mapper.userProfiles(s, ids));
    }
    QList<qint64> patchIds = p.patches.keys();
    std::sort(patchIds.begin(), patchIds.end());
    QJsonArray patches;
    for (qint64 id : patchIds) {
        if (id == self)
            continue;
        const bool knownNow = s->perViewer() ? knownAfter.contains(id) : (session.knowsPeer(id) && !removed.contains(id));
        if (!knownNow || changed.contains(id))
            continue;
        if (const state::LiveNode* n = s->node(id))
            patches.append(m_mapper.peerChange(*n, p.patches.value(id)));
    }
    if (!patches.isEmpty())
        m.insert(QStringLiteral("PeersChangedPatch"), patches);
    if (p.self || p.policy)
        m.insert(QStringLiteral("Node"), m_mapper.nodeJson(s, *s->node(self), true));
    if (p.policy) {
        m.insert(QStringLiteral("PacketFilter"), m_mapper.packetFilter(s, self));
        const QJsonObject ssh = m_mapper.sshPolicy(s, self);
        m.insert(QStringLiteral("SSHPolicy"), ssh.isEmpty() ? QJsonObject{{QStringLiteral("rules"), QJsonArray()}} : ssh);
    }
    // The client replaces its DNSConfig whenever the field is present (controlclient/map.go).
    // Like Headscale, a policy change re-sends it too (nodeAttrs may pick a NextDNS profile).
    if (p.dns || p.policy || (p.self && m_mapper.dnsIsPerNode()))
        m.insert(QStringLiteral("DNSConfig"), m_mapper.dnsConfig(s, *s->node(self)));
    if (s->perViewer())
        session.setKnown(std::move(knownAfter));
    else
        session.setKnownAll(s);
    if (out.isEmpty())
        return out;
    m.insert(QStringLiteral("ControlTime"), Mapper::goTime(Clock::now()));
    return out;
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
    const QList<MapSession*> sessions = m_sessions.values();
    for (MapSession* session : sessions) {
        // Its last message was built from this very snapshot, so it has every change of the batch
        // that came with a snapshot. Full and Dns changes do not (the DERP map, the DNS config).
        if (!batch.isEmpty() && !batch.pending.full && !batch.pending.dns && session->sentVersion() == s->version
            && session->pending().isEmpty())
            continue;
        const bool slow = session->backlogBytes() > m_options.backlogLimitBytes;
        if (!slow && shareable(s, batch, *session) && !batch.isEmpty()) {
            const SharedKey key{session->knownAllSnapshot(), session->zstd()};
            auto it = std::find_if(shared.begin(), shared.end(), [&key](const auto& e) { return e.first == key; });
            if (it == shared.end()) {
                const MapMessage m = buildDelta(s, *session, batch.pending);
                shared.append({key, m.isEmpty() ? QByteArray() : MapSessionFraming::frame(m.toJson(), key.zstd)});
                it = shared.end() - 1;
            } else {
                session->setKnownAll(s);
                ++m_sharedFrames;
            }
            session->setSentVersion(s->version);
            if (!it->second.isEmpty() && session->sendFrame(it->second))
                ++sent;
            continue;
        }
        MapSession::Pending& p = session->pending();
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
            message = buildFull(s, *session);
        } else {
            const MapSession::Pending mine = std::exchange(p, MapSession::Pending());
            message = buildDelta(s, *session, mine);
        }
        session->setSentVersion(s->version);
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
