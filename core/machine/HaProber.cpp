#include "machine/HaProber.h"

#include "common/Log.h"
#include "mapper/Batcher.h"
#include "mapper/MapSession.h"
#include "mapper/Mapper.h"
#include "state/PrimaryRoutes.h"

#include <QJsonObject>
#include <QRandomGenerator>

#include <algorithm>

namespace keel::control {

HaProber::HaProber(state::State& state, Batcher& batcher, QString serverUrl, int intervalMs, int timeoutMs, QObject* parent)
    : QObject(parent)
    , m_state(state)
    , m_batcher(batcher)
    , m_serverUrl(std::move(serverUrl))
    , m_timeoutMs(timeoutMs)
{
    while (m_serverUrl.endsWith(QLatin1Char('/')))
        m_serverUrl.chop(1);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, &HaProber::finishCycle);
    connect(&m_interval, &QTimer::timeout, this, &HaProber::probeOnce);
    if (intervalMs > 0)
        m_interval.start(intervalMs);
}

QList<qint64> HaProber::haRouters(const state::Snapshot& s)
{
    QHash<QString, QList<qint64>> servers;
    for (auto it = s.servedRoutes.cbegin(); it != s.servedRoutes.cend(); ++it) {
        const state::LiveNode* n = s.node(it.key());
        if (!n || !n->online)
            continue;
        for (const QString& r : it.value())
            if (!state::PrimaryRoutes::isExitRoute(r))
                servers[r].append(it.key());
    }
    QSet<qint64> ha;
    for (const QList<qint64>& ids : std::as_const(servers))
        if (ids.size() > 1)
            ha.unite(QSet<qint64>(ids.cbegin(), ids.cend()));
    QList<qint64> out = ha.values();
    std::sort(out.begin(), out.end());
    return out;
}

void HaProber::probeOnce()
{
    if (!m_pings.isEmpty())
        finishCycle();
    const QList<qint64> routers = haRouters(*m_state.snapshot());
    QHash<qint64, QPointer<MapSession>> probed;
    for (qint64 id : routers) {
        MapSession* session = m_batcher.sessionOf(id);
        if (!session || !session->started())
            continue; // offline (within its grace period) or not yet mapped: nothing to ask
        Ping ping;
        ping.nodeId = id;
        ping.session = session;
        const QPointer<MapSession> before = m_probed.value(id);
        ping.stable = before && before.data() == session;
        probed.insert(id, session);
        const QString pingId = QString::number(QRandomGenerator::system()->generate64(), 16)
                               + QString::number(QRandomGenerator::system()->generate64(), 16);
        if (session->send(Mapper::pingRequest(m_serverUrl + QStringLiteral("/machine/ping-response?id=") + pingId)))
            m_pings.insert(pingId, ping);
    }
    m_probed = probed;
    if (!m_pings.isEmpty())
        m_timeout.start(m_timeoutMs);
}

bool HaProber::answer(const QString& id)
{
    const auto it = m_pings.find(id);
    if (it == m_pings.end() || it->answered)
        return false;
    it->answered = true;
    if (std::all_of(m_pings.cbegin(), m_pings.cend(), [](const Ping& p) { return p.answered; }))
        finishCycle();
    return true;
}

int HaProber::outstanding() const
{
    return int(std::count_if(m_pings.cbegin(), m_pings.cend(), [](const Ping& p) { return !p.answered; }));
}

void HaProber::finishCycle()
{
    m_timeout.stop();
    const QHash<QString, Ping> pings = std::exchange(m_pings, {});
    QHash<qint64, bool> health;
    for (const Ping& p : pings) {
        if (p.answered) {
            health.insert(p.nodeId, true);
            continue;
        }
        MapSession* now = m_batcher.sessionOf(p.nodeId);
        if (!now)
            continue; // went offline meanwhile: the election already leaves it out
        if (now != p.session.data() || !p.stable) {
            // Reconnected during the probe, or a fresh stream's first probe: judge the whole cycle
            // again next time rather than act on a half-known state.
            qCDebug(lcControl) << "HA probe of node" << p.nodeId << "timed out on a fresh stream: cycle discarded";
            return;
        }
        qCWarning(lcControl) << "HA probe: node" << p.nodeId << "did not answer within" << m_timeoutMs << "ms";
        health.insert(p.nodeId, false);
    }
    if (!health.isEmpty())
        m_state.setRouterHealth(health);
}

} // namespace keel::control
