#pragma once

#include "sim/SimNode.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace keel::test {

// A crowd of keel-sim nodes (real Noise + HTTP/2 clients) for the crash and outage tests: registers
// `count` new nodes with at most `concurrency` registrations in flight, remembers which ones got a
// successful RegisterResponse (an acknowledged registration) and the addresses their first map
// gave them, and reconnects everyone after the server comes back.
class Fleet : public QObject
{
    Q_OBJECT
public:
    Fleet(const QString& authKey, quint16 port, QObject* parent = nullptr);

    // Adds `count` nodes; registrations start at once, at most `concurrency` at a time.
    void launch(int count, int concurrency);
    // No more registrations start (the server is about to go away).
    void stopLaunching() { m_stopped = true; }
    // Nodes still waiting for their turn or for an answer.
    int pending() const { return m_queue.size() + m_inFlight; }
    // Registrations sent and not answered yet.
    int inFlight() const { return m_inFlight; }

    const QList<sim::SimNode*>& nodes() const { return m_nodes; }
    QList<sim::SimNode*> acknowledged() const;
    // Addresses each acknowledged node saw in its first map, by node key (only nodes that got one).
    const QHash<QString, QStringList>& addresses() const { return m_addresses; }

    // Every node, registered or not, dials again (same keys): registered ones open their map
    // stream, the others register. From then on a node whose connection fails dials again after
    // a second, as tailscaled does with its backoff (a burst of 1,000 dials on a busy machine may
    // see some time out).
    void reconnectAll(quint16 port);
    // True when every registered node has a map stream whose view lists exactly `peers` peers.
    bool converged(qint64 peers, QString* why = nullptr) const;

private:
    void startNext();

    QString m_authKey;
    quint16 m_port;
    QList<sim::SimNode*> m_nodes;
    QList<sim::SimNode*> m_queue;
    QHash<QString, QStringList> m_addresses;
    int m_inFlight = 0;
    int m_concurrency = 1;
    bool m_stopped = false;
    QTimer m_redial;
};

// One registration from a brand-new machine (its own ts2021 connection): the HTTP status and body,
// or the transport error.
struct Answer
{
    int status = 0;
    QByteArray body;
    QString error;
};
Answer registerOnce(quint16 port, const QString& authKey);
bool authorized(const Answer& a);

// `keel nodes list -o json` as node key -> node object, with a reason when it cannot be read.
QHash<QString, QJsonObject> nodesByKey(const QJsonArray& list);
// A node's Addresses from its map ("100.64.0.1/32"), sorted and without the prefix length.
QStringList bareAddresses(const QStringList& prefixes);
// Sorted ipAddresses of one node object.
QStringList sortedAddresses(const QJsonObject& node);

} // namespace keel::test
