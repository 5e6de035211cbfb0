#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace keel::control {

// One MapResponse as it is assembled for the wire: the small fields as a QJsonObject, the peer
// lists as tailcfg.Node JSON already serialized by the Mapper's cache and spliced in verbatim.
// A peer is serialized once per version of the node, not once per stream that is told about it:
// a full map of N peers is then N memcpys, and a join that reaches N streams costs one
// serialization of the new node.
struct MapMessage
{
    QJsonObject fields;
    QList<QByteArray> peers;        // "Peers" (a non-empty list replaces the client's)
    QList<QByteArray> peersChanged; // "PeersChanged"

    bool isEmpty() const { return fields.isEmpty() && peers.isEmpty() && peersChanged.isEmpty(); }
    // Compact JSON, one object (keys in no particular order: Go's decoder does not care).
    QByteArray toJson() const;
    // The same message as a tree (tests and one-shot callers).
    QJsonObject toObject() const;
};

} // namespace keel::control
