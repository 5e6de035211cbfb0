#pragma once

#include <QString>

#include <array>

namespace keel::derp {

// Why a packet was not delivered (derper's derp_packets_dropped{reason} labels).
enum class DropReason {
    UnknownDest,        // no connection or forwarder for the destination
    UnknownDestOnFwd,   // same, for a packet a mesh peer forwarded to us
    GoneDisconnected,   // the destination went away with the packet still queued
    QueueHead,          // the destination's queue was full: its oldest packet was dropped
    QueueTail,          // the new packet itself was dropped
    WriteError,         // the destination's socket failed or stalled past the write deadline
    DupClient,          // duplicate connections of one key, none active
    Count
};

QString dropReasonName(DropReason reason);

// Counters of one DerpServer (monotonic, for metrics and tests).
struct DerpStats
{
    quint64 acceptedConnections = 0;
    quint64 rejectedConnections = 0;   // failed handshake or verification
    quint64 currentConnections = 0;
    quint64 homeConnections = 0;       // sent NotePreferred(true)
    quint64 packetsReceived = 0;       // SendPacket + ForwardPacket frames accepted
    quint64 bytesReceived = 0;
    quint64 packetsDelivered = 0;      // RecvPacket frames queued to a local client
    quint64 bytesDelivered = 0;
    quint64 packetsForwarded = 0;      // handed to a mesh forwarder
    quint64 duplicateConnections = 0;
    quint64 webSocketConnections = 0;  // accepted over WebSocket (derper's derp_websocket_accepts)
    quint64 rateLimitWaits = 0;        // frames a client had to wait for (derper's rate_limit_per_client_waited)
    std::array<quint64, size_t(DropReason::Count)> packetsDropped{};
    std::array<quint64, size_t(DropReason::Count)> discoPacketsDropped{};

    quint64 dropped(DropReason reason) const { return packetsDropped[size_t(reason)]; }
    quint64 totalDropped() const
    {
        quint64 total = 0;
        for (quint64 n : packetsDropped)
            total += n;
        return total;
    }
};

} // namespace keel::derp
