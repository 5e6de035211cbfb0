#pragma once

#include <QList>
#include <QtGlobal>

namespace keel::state {

// What one state mutation changed, so the batcher knows whom to tell and what (control.md 9.4).
// Changes name nodes, never carry data: the mapper reads the current snapshot when it sends,
// so coalescing never loses the latest value.
struct Change
{
    enum class Kind {
        PeerAdded,    // new node: PeersChanged for others, full map for itself when it connects
        PeerChanged,  // the whole node changed (Hostinfo, name, tags, routes): PeersChanged
        PeerPatch,    // small fields changed: PeersChangedPatch
        PeerRemoved,  // deleted: PeersRemoved (and its own stream ends)
        Policy,       // filters/visibility may have changed for everyone
        Full,         // users or anything else: every node (or only nodeId, when set) gets a fresh full map
        Dns,          // the DNS config changed (extra records, config reload): DNSConfig only
    };
    // Fields of a PeerPatch.
    enum Field : unsigned {
        Online = 1u << 0,
        Endpoints = 1u << 1,
        Derp = 1u << 2,
        Key = 1u << 3,
        Disco = 1u << 4,
        KeyExpiry = 1u << 5,
        LastSeen = 1u << 6,
        Cap = 1u << 7,
    };

    Kind kind = Kind::Full;
    qint64 nodeId = 0;
    unsigned fields = 0;
    // The node itself must get its new self Node (expiry, key, name ...).
    bool self = false;

    static Change added(qint64 id) { return {Kind::PeerAdded, id, 0, true}; }
    static Change changed(qint64 id, bool self = true) { return {Kind::PeerChanged, id, 0, self}; }
    static Change patch(qint64 id, unsigned fields, bool self = false) { return {Kind::PeerPatch, id, fields, self}; }
    static Change removed(qint64 id) { return {Kind::PeerRemoved, id, 0, false}; }
    static Change policy() { return {Kind::Policy, 0, 0, true}; }
    static Change full() { return {Kind::Full, 0, 0, true}; }
    // Only this node needs a fresh full map (it was let in by device approval: its peers appear).
    static Change fullFor(qint64 id) { return {Kind::Full, id, 0, true}; }
    static Change dns() { return {Kind::Dns, 0, 0, false}; }
};

using ChangeList = QList<Change>;

} // namespace keel::state
