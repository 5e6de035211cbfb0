#pragma once

#include "control/ControlClient.h"
#include "control/MapSessionNetmap.h"
#include "PeerSetView.h"
#include "crypto/Keys.h"

#include <QElapsedTimer>
#include <QObject>

namespace keel::sim {

// One virtual node: its own machine, node and disco keys, one ts2021 connection, registration
// with a pre-auth key, and a map stream whose messages it applies like tailscaled does. Every
// message goes through the cheap PeerSetView (the peer set, exact); with `fullParse` (the default) also through
// MapSessionNetmap (the whole netmap as QJsonObjects: deep checks, but O(N) objects per node).
class SimNode : public QObject
{
    Q_OBJECT
public:
    SimNode(int index, const QString& authKey, QObject* parent = nullptr);

    // Off: only the cheap peer set is kept (netmap() stays empty). Set before start().
    void setFullParse(bool on) { m_fullParse = on; }

    void start(const QString& host, quint16 port, std::optional<crypto::MachinePublic> serverKey);
    // After the server went away (crash tests): a new connection with the same keys. A node that
    // was registered opens its map stream at once, as tailscaled does; one that was not registers.
    void reconnect(const QString& host, quint16 port);
    bool isRegistered() const { return m_registered; }
    // Node.Addresses of the first map message of the current stream.
    QStringList selfAddresses() const { return m_selfAddresses; }
    QString machineKey() const { return m_machine.publicKey().toString(); }
    int index() const { return m_index; }
    qint64 nodeId() const { return m_nodeId; }
    const control::MapSessionNetmap& netmap() const { return m_netmap; }
    const PeerSetView& view() const { return m_view; }
    // Whether this node's netmap holds `id` (both views agree when fullParse is on).
    bool knowsPeer(qint64 id) const { return m_view.contains(id) && (!m_fullParse || m_netmap.peers().contains(id)); }
    qint64 bytesReceived() const { return m_bytes; }
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }
    crypto::MachinePublic serverKey() const { return m_client ? m_client->serverKey() : crypto::MachinePublic(); }
    // For requests beside register and map (tests: /machine/set-dns over the same Noise session).
    control::ControlClient* client() const { return m_client; }
    QString nodeKey() const { return m_node.publicKey().toString(); }
    // The node's private key, for a test that speaks DERP as this node.
    const crypto::NodePrivate& nodePrivate() const { return m_node; }

Q_SIGNALS:
    void registered(keel::sim::SimNode* node);
    void firstMap(keel::sim::SimNode* node);
    void updated(keel::sim::SimNode* node);
    void failedSignal(keel::sim::SimNode* node);

private:
    // A new ts2021 connection; a node that is registered opens its map stream on it, one that is
    // not registers. An upgrade refused with 429 (the per-address handshake rate) is dialled again
    // after a short, growing pause, as tailscaled backs off and retries.
    void dial(const QString& host, quint16 port, std::optional<crypto::MachinePublic> serverKey);
    void dropClient();
    void sendRegister();
    void openStream();
    void fail(const QString& error);

    int m_index;
    QString m_authKey;
    crypto::MachinePrivate m_machine;
    crypto::NodePrivate m_node;
    crypto::DiscoPrivate m_disco;
    control::ControlClient* m_client = nullptr;
    bool m_fullParse = true;
    bool m_registered = false;
    QStringList m_selfAddresses;
    control::MapSessionNetmap m_netmap;
    PeerSetView m_view;
    QByteArray m_buffer;
    qint64 m_nodeId = 0;
    qint64 m_bytes = 0;
    QString m_error;
    int m_rateLimitedDials = 0;
};

} // namespace keel::sim
