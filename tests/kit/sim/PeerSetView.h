#pragma once

#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <vector>

namespace keel::sim {

// The cheap client view keel-sim keeps at large N: only the SET of peer ids a node would hold,
// tracked exactly by applying Peers / PeersChanged / PeersRemoved as tailscaled does (a non-empty
// Peers replaces the list, the others add and remove), from a single-pass scan of the message
// bytes instead of a QJsonDocument tree. A full mesh of 10,000 nodes is 10^8 peer entries: as
// QJsonObjects that is tens of GiB, as one bit per (node, peer) it is 12.5 MB.
// Anything that is not a well-formed JSON object is rejected with a reason, never a crash.
class PeerSetView
{
public:
    // Applies one MapResponse. Returns false (with *error) on malformed JSON or a first message
    // without Node.
    bool apply(QByteArrayView json, QString* error = nullptr);

    bool hasSelf() const { return m_selfId != 0; }
    qint64 selfId() const { return m_selfId; }
    bool contains(qint64 id) const
    {
        return id >= 0 && std::size_t(id >> 6) < m_bits.size() && (m_bits[std::size_t(id >> 6)] >> (id & 63) & 1u);
    }
    qint64 size() const { return m_count; }
    int messages() const { return m_messages; }
    int keepAlives() const { return m_keepAlives; }

private:
    void insert(qint64 id);
    void remove(qint64 id);
    void clear();

    std::vector<std::uint64_t> m_bits;
    qint64 m_count = 0;
    qint64 m_selfId = 0;
    int m_messages = 0;
    int m_keepAlives = 0;
};

} // namespace keel::sim
