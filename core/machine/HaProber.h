#pragma once

#include "state/State.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace keel::control {

class Batcher;
class MapSession;

// Headscale 0.29's HA health prober (control.md 5.5, 7.4). Every interval, each HA router (an
// online node serving a prefix that another online node also serves) gets a MapResponse holding
// only a PingRequest whose URL is <server_url>/machine/ping-response?id=<random>; the client
// answers with HEAD on that URL. A router that does not answer within the timeout is marked
// unhealthy in State (left out of the election) until it answers a later probe or reconnects.
//
// Damping, as Headscale does it: a timeout counts only if the same map stream was already probed
// in the previous cycle (a fresh stream gets one cycle of grace), and a cycle during which a probed
// router reconnected is discarded as a whole.
class HaProber : public QObject
{
    Q_OBJECT
public:
    HaProber(state::State& state, Batcher& batcher, QString serverUrl, int intervalMs, int timeoutMs,
             QObject* parent = nullptr);

    // Sends one probe cycle now (the interval timer calls it; tests call it directly).
    void probeOnce();
    // A client's HEAD /machine/ping-response?id=...: true when `id` is an outstanding ping.
    bool answer(const QString& id);
    // Ends the current cycle now, as the timeout would (tests).
    void finishCycle();
    int outstanding() const;
    // The routers a cycle would probe now, ascending.
    static QList<qint64> haRouters(const state::Snapshot& s);

private:
    struct Ping
    {
        qint64 nodeId = 0;
        QPointer<MapSession> session;
        bool stable = false;   // this stream was probed in the previous cycle too
        bool answered = false;
    };

    state::State& m_state;
    Batcher& m_batcher;
    QString m_serverUrl;
    int m_timeoutMs;
    QHash<QString, Ping> m_pings;                    // the current cycle, by ping id
    QHash<qint64, QPointer<MapSession>> m_probed;    // stream probed in the previous cycle, per node
    QTimer m_interval;
    QTimer m_timeout;
};

} // namespace keel::control
