// Mapper: the messages of a running map stream (full map, delta, ping). The batcher decides which
// stream gets one and when; what the message says is decided here.
#include "common/Clock.h"
#include "mapper/Mapper.h"

#include <algorithm>

namespace keel::control {

namespace {
QJsonArray sortedIds(const QSet<qint64>& ids)
{
    QList<qint64> list = ids.values();
    std::sort(list.begin(), list.end());
    QJsonArray a;
    for (qint64 id : list)
        a.append(id);
    return a;
}

QJsonObject emptySshPolicy()
{
    return QJsonObject{{QStringLiteral("rules"), QJsonArray()}};
}
} // namespace

MapMessage Mapper::fullUpdate(const state::SnapshotPtr& s, qint64 nodeId, KnownPeers& known, bool running)
{
    QList<qint64> peers;
    MapMessage full = fullMessage(s, nodeId, &peers);
    if (full.isEmpty())
        return full;
    // `Peers` can only replace a non-empty list; an emptied netmap needs PeersRemoved.
    if (peers.isEmpty() && !known.knowsNone())
        full.fields.insert(QStringLiteral("PeersRemoved"), sortedIds(known.ids()));
    // An absent SSHPolicy leaves the client's previous one in force: a full map sent into a running
    // stream must clear SSH rules the policy no longer has (controlclient/map.go keeps a nil one).
    if (running && !full.fields.contains(QStringLiteral("SSHPolicy")))
        full.fields.insert(QStringLiteral("SSHPolicy"), emptySshPolicy());
    if (s->perViewer())
        known.set(QSet<qint64>(peers.cbegin(), peers.cend()));
    else
        known.setAll(s);
    return full;
}

MapMessage Mapper::delta(const state::SnapshotPtr& s, qint64 self, KnownPeers& known, const PendingChanges& p)
{
    if (!s->node(self))
        return {};

    QSet<qint64> removed;
    QSet<qint64> changed;
    for (qint64 id : std::as_const(p.removed))
        if (id != self && known.knows(id))
            removed.insert(id);
    if (p.policy) {
        // Visibility may have changed in either direction: diff against what the client knows.
        const QSet<qint64>& knownIds = known.ids();
        const QList<qint64> visible = visiblePeers(s, self);
        const QSet<qint64> visibleSet(visible.cbegin(), visible.cend());
        for (qint64 id : knownIds)
            if (!visibleSet.contains(id))
                removed.insert(id);
        for (qint64 id : visible)
            if (!knownIds.contains(id) || p.changed.contains(id))
                changed.insert(id);
    } else {
        for (qint64 id : std::as_const(p.changed)) {
            if (id == self)
                continue;
            if (isVisible(s, self, id))
                changed.insert(id);
            else if (known.knows(id))
                removed.insert(id);
        }
    }
    // What the client will know after this message (patches below go to known peers only).
    QSet<qint64> knownAfter;
    if (s->perViewer()) {
        knownAfter = known.ids();
        for (qint64 id : std::as_const(removed))
            knownAfter.remove(id);
        for (qint64 id : std::as_const(changed))
            knownAfter.insert(id);
    }

    MapMessage out;
    QJsonObject& m = out.fields;
    if (!removed.isEmpty())
        m.insert(QStringLiteral("PeersRemoved"), sortedIds(removed));
    if (!changed.isEmpty()) {
        QList<qint64> ids = changed.values();
        std::sort(ids.begin(), ids.end());
        out.peersChanged.reserve(ids.size());
        for (qint64 id : ids)
            out.peersChanged.append(peerBytes(s, self, *s->node(id)));
        // Profiles are additive on the client: send the owners of the nodes sent.
        m.insert(QStringLiteral("UserProfiles"), userProfiles(s, ids));
    }
    QList<qint64> patchIds = p.patches.keys();
    std::sort(patchIds.begin(), patchIds.end());
    QJsonArray patches;
    for (qint64 id : patchIds) {
        if (id == self)
            continue;
        const bool knownNow = s->perViewer() ? knownAfter.contains(id) : (known.knows(id) && !removed.contains(id));
        if (!knownNow || changed.contains(id))
            continue;
        if (const state::LiveNode* n = s->node(id))
            patches.append(peerChange(*n, p.patches.value(id)));
    }
    if (!patches.isEmpty())
        m.insert(QStringLiteral("PeersChangedPatch"), patches);
    if (p.self || p.policy)
        m.insert(QStringLiteral("Node"), nodeJson(s, *s->node(self), true));
    if (p.policy) {
        m.insert(QStringLiteral("PacketFilter"), packetFilter(s, self));
        const QJsonObject ssh = sshPolicy(s, self);
        m.insert(QStringLiteral("SSHPolicy"), ssh.isEmpty() ? emptySshPolicy() : ssh);
    }
    // The client replaces its DNSConfig whenever the field is present (controlclient/map.go).
    // Like Headscale, a policy change re-sends it too (nodeAttrs may pick a NextDNS profile).
    if (p.dns || p.policy || (p.self && dnsIsPerNode()))
        m.insert(QStringLiteral("DNSConfig"), dnsConfig(s, *s->node(self)));
    if (s->perViewer())
        known.set(std::move(knownAfter));
    else
        known.setAll(s);
    if (out.isEmpty())
        return out;
    m.insert(QStringLiteral("ControlTime"), goTime(Clock::now()));
    return out;
}

QJsonObject Mapper::pingRequest(const QString& url)
{
    const QJsonObject request{{QStringLiteral("URL"), url}, {QStringLiteral("Log"), false}};
    return QJsonObject{{QStringLiteral("PingRequest"), request}};
}

} // namespace keel::control
