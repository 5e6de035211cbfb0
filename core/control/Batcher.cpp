#include "control/Batcher.h"

#include "common/Clock.h"
#include "common/Log.h"

#include <algorithm>

namespace keel::control {

using state::Change;

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
    const QJsonObject full = buildFull(s, *session);
    if (full.isEmpty() || !session->send(full))
        return false;
    ++m_messages;
    return true;
}

void Batcher::detach(MapSession* session)
{
    const auto it = m_sessions.find(session->nodeId());
    if (it != m_sessions.end() && *it == session)
        m_sessions.erase(it);
}

void Batcher::schedule()
{
    if (!m_timer.isActive())
        m_timer.start(m_options.delayMs);
}

void Batcher::addChanges(const state::ChangeList& changes)
{
    QList<MapSession*> toClose;
    for (const Change& c : changes) {
        if (c.kind == Change::Kind::PeerRemoved)
            m_mapper.forget(c.nodeId);
        for (MapSession* session : std::as_const(m_sessions)) {
            MapSession::Pending& p = session->pending();
            const bool own = session->nodeId() == c.nodeId;
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
                if (own)
                    p.self = p.self || c.self || c.kind == Change::Kind::PeerAdded;
                else {
                    p.changed.insert(c.nodeId);
                    p.patches.remove(c.nodeId); // the whole node supersedes any patch
                }
                // Names, tags, routes and owners feed the policy: filters may change.
                if (m_state.snapshot()->policy)
                    p.policy = true;
                break;
            case Change::Kind::PeerPatch:
                if (own)
                    p.self = p.self || c.self;
                else if (!p.changed.contains(c.nodeId))
                    p.patches[c.nodeId] |= c.fields;
                break;
            case Change::Kind::PeerRemoved:
                if (own) {
                    toClose << session;
                } else {
                    p.removed.insert(c.nodeId);
                    p.changed.remove(c.nodeId);
                    p.patches.remove(c.nodeId);
                }
                break;
            }
        }
    }
    for (MapSession* s : toClose) {
        // A deleted node's stream ends (control.md 4.2); it must log in again.
        detach(s);
        s->close();
    }
    if (!m_sessions.isEmpty())
        schedule();
}

QJsonObject Batcher::buildFull(const state::SnapshotPtr& s, MapSession& session)
{
    QSet<qint64> peers;
    QJsonObject full = m_mapper.fullMap(s, session.nodeId(), &peers);
    if (full.isEmpty())
        return full;
    // `Peers` can only replace a non-empty list; an emptied netmap needs PeersRemoved.
    if (peers.isEmpty() && !session.knowsNoPeer()) {
        QList<qint64> gone = session.knownPeers().values();
        std::sort(gone.begin(), gone.end());
        QJsonArray removed;
        for (qint64 id : gone)
            removed.append(id);
        full.insert(QStringLiteral("PeersRemoved"), removed);
    }
    // An absent SSHPolicy leaves the client's previous one in force: a full map sent into a running
    // stream must clear SSH rules the policy no longer has (controlclient/map.go keeps a nil one).
    if (session.started() && !full.contains(QStringLiteral("SSHPolicy")))
        full.insert(QStringLiteral("SSHPolicy"), QJsonObject{{QStringLiteral("rules"), QJsonArray()}});
    if (s->policy)
        session.setKnown(std::move(peers));
    else
        session.setKnownAll(s);
    session.pending() = MapSession::Pending();
    return full;
}

QJsonObject Batcher::buildDelta(const state::SnapshotPtr& s, MapSession& session)
{
    MapSession::Pending p = std::move(session.pending());
    session.pending() = MapSession::Pending();
    const qint64 self = session.nodeId();
    if (!s->node(self))
        return {};

    QSet<qint64> removed;
    QSet<qint64> changed;
    for (qint64 id : std::as_const(p.removed))
        if (session.knowsPeer(id))
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
            if (m_mapper.isVisible(s, self, id))
                changed.insert(id);
            else if (session.knowsPeer(id))
                removed.insert(id);
        }
    }
    // What the client will know after this message (patches below go to known peers only).
    QSet<qint64> knownAfter;
    if (s->policy) {
        knownAfter = session.knownPeers();
        for (qint64 id : std::as_const(removed))
            knownAfter.remove(id);
        for (qint64 id : std::as_const(changed))
            knownAfter.insert(id);
    }

    QJsonObject m;
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
        QJsonArray a;
        for (qint64 id : ids)
            a.append(m_mapper.peerJson(s, self, *s->node(id)));
        m.insert(QStringLiteral("PeersChanged"), a);
        // Profiles are additive on the client: send the owners of the nodes sent.
        m.insert(QStringLiteral("UserProfiles"), m_mapper.userProfiles(s, ids));
    }
    QList<qint64> patchIds = p.patches.keys();
    std::sort(patchIds.begin(), patchIds.end());
    QJsonArray patches;
    for (qint64 id : patchIds) {
        const bool knownNow = s->policy ? knownAfter.contains(id) : (session.knowsPeer(id) && !removed.contains(id));
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
    if (s->policy)
        session.setKnown(std::move(knownAfter));
    else
        session.setKnownAll(s);
    if (m.isEmpty())
        return m;
    m.insert(QStringLiteral("ControlTime"), Mapper::goTime(Clock::now()));
    return m;
}

void Batcher::flush()
{
    const state::SnapshotPtr s = m_state.snapshot();
    int sent = 0;
    bool leftBehind = false;
    const QList<MapSession*> sessions = m_sessions.values();
    for (MapSession* session : sessions) {
        MapSession::Pending& p = session->pending();
        if (p.isEmpty())
            continue;
        if (session->backlogBytes() > m_options.backlogLimitBytes) {
            // The client is not reading: keep coalescing for it, nobody else waits.
            leftBehind = true;
            if (p.size() > m_options.fullMapThreshold)
                p.full = true;
            continue;
        }
        const bool full = p.full || p.size() > m_options.fullMapThreshold;
        const QJsonObject message = full ? buildFull(s, *session) : buildDelta(s, *session);
        if (message.isEmpty())
            continue;
        if (session->send(message))
            ++sent;
    }
    m_messages += sent;
    if (leftBehind)
        schedule();
    Q_EMIT flushed(sent);
}

} // namespace keel::control
