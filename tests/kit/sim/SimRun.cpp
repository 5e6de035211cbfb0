#include "SimRun.h"

#include <QCoreApplication>
#include <QFile>
#include <QSysInfo>
#include <QThread>
#include <QTimer>

#include "platform/Process.h"

#include <algorithm>
#include <cstring>
#include <cstdio>
#ifndef Q_OS_WIN
#include <unistd.h>
#endif

namespace keel::sim {

namespace {

// The unit of /proc/<pid>/stat's CPU times (the server's CPU is only measured on Linux).
double clockTicksPerSecond()
{
#ifdef Q_OS_WIN
    return 100.0;
#else
    return double(sysconf(_SC_CLK_TCK));
#endif
}

void say(const QString& line)
{
    std::fprintf(stdout, "%s\n", line.toUtf8().constData());
    std::fflush(stdout);
}

qint64 percentile(QList<qint64> v, double p)
{
    if (v.isEmpty())
        return -1;
    std::sort(v.begin(), v.end());
    const qsizetype i = std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size() - 1) + 0.5));
    return v[i];
}

} // namespace

SimRun::SimRun(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
}

qint64 SimRun::serverRssKb() const
{
    if (!m_options.serverPid)
        return 0;
    QFile f(QStringLiteral("/proc/%1/status").arg(m_options.serverPid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

qint64 SimRun::serverCpuTicks() const
{
    if (!m_options.serverPid)
        return 0;
    QFile f(QStringLiteral("/proc/%1/stat").arg(m_options.serverPid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray s = f.readAll();
    const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
    return fields.size() > 12 ? fields[11].toLongLong() + fields[12].toLongLong() : 0;
}

void SimRun::start()
{
    say(QStringLiteral("keel-sim: %1 nodes against %2:%3 (concurrency %4), machine: %5, %6 cores")
            .arg(m_options.nodes).arg(m_options.host).arg(m_options.port).arg(m_options.concurrency)
            .arg(QSysInfo::prettyProductName()).arg(QThread::idealThreadCount()));
    m_rssBeforeKb = serverRssKb();
    m_cpuStartTicks = serverCpuTicks();
    m_clock.start();
    QTimer::singleShot(m_options.timeoutSec * 1000, this, [this] { finish(false, QStringLiteral("timeout")); });
    launchMore();
}

void SimRun::launchMore()
{
    // The first node fetches the server key (GET /key); the others reuse it.
    const int limit = m_serverKey ? m_options.concurrency : 1;
    while (m_inFlight < limit && m_launched < m_options.nodes) {
        auto* node = new SimNode(m_launched++, m_options.authKey, this);
        node->setFullParse(m_options.fullParse);
        m_nodes.append(node);
        ++m_inFlight;
        connect(node, &SimNode::firstMap, this, &SimRun::onFirstMap);
        connect(node, &SimNode::failedSignal, this, [this](SimNode* n) {
            if (!m_finished)
                finish(false, QStringLiteral("node %1 failed: %2").arg(n->index()).arg(n->error()));
        });
        node->start(m_options.host, m_options.port, m_serverKey);
    }
}

void SimRun::onFirstMap(SimNode* node)
{
    if (!m_serverKey)
        m_serverKey = node->serverKey();
    --m_inFlight;
    ++m_firstMaps;
    if (m_firstMaps == m_options.nodes) {
        m_allFirstMapMs = m_clock.elapsed();
        say(QStringLiteral("registered and first map: %1 nodes in %2 ms (%3 ms per node)")
                .arg(m_options.nodes).arg(m_allFirstMapMs).arg(double(m_allFirstMapMs) / m_options.nodes, 0, 'f', 2));
        // Wall time depends on whatever else the machine runs; CPU time does much less.
        const double simCpu = keel::platform::processStats().cpuSeconds.value_or(0.0);
        if (m_options.serverPid)
            say(QStringLiteral("CPU for that: server %1 s, keel-sim %2 s")
                    .arg(double(serverCpuTicks() - m_cpuStartTicks) / clockTicksPerSecond(), 0, 'f', 2).arg(simCpu, 0, 'f', 2));
        // Checking N views costs O(N^2): poll a few times a second instead of on every message.
        auto* poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [this, poll] {
            checkConverged();
            if (m_convergedMs >= 0 || m_finished)
                poll->deleteLater();
        });
        poll->start(100);
        checkConverged();
        return;
    }
    launchMore();
}

bool SimRun::viewComplete(const SimNode& node, const QSet<qint64>& all) const
{
    // The server may know more nodes than this run made (an existing tailnet): every node of the
    // run must be there.
    for (qint64 id : all)
        if (id != node.nodeId() && !node.knowsPeer(id))
            return false;
    return true;
}

void SimRun::checkConverged()
{
    if (m_convergedMs >= 0 || m_finished)
        return;
    QSet<qint64> all;
    for (SimNode* n : std::as_const(m_nodes))
        all.insert(n->nodeId());
    for (SimNode* n : std::as_const(m_nodes))
        if (!viewComplete(*n, all))
            return;
    m_convergedMs = m_clock.elapsed();
    say(QStringLiteral("every view complete (%1 peers each) at %2 ms").arg(m_options.nodes - 1).arg(m_convergedMs));
    // Let the batcher go quiet, then measure memory and idle CPU, then the join.
    QTimer::singleShot(2000, this, [this] {
        const qint64 rss = serverRssKb();
        if (rss) {
            say(QStringLiteral("server RSS: %1 KiB before, %2 KiB with %3 streams: %4 KiB per connected node")
                    .arg(m_rssBeforeKb).arg(rss).arg(m_options.nodes).arg(double(rss - m_rssBeforeKb) / m_options.nodes, 0, 'f', 1));
            const qint64 t0 = serverCpuTicks();
            QTimer::singleShot(m_options.idleSampleSec * 1000, this, [this, t0] {
                const double ticks = double(serverCpuTicks() - t0);
                const double pct = 100.0 * ticks / clockTicksPerSecond() / m_options.idleSampleSec;
                // The kernel counts CPU time in clock ticks (10 ms): over 5 s one tick is 0.20 %.
                const double resolution = 100.0 / clockTicksPerSecond() / m_options.idleSampleSec;
                say(QStringLiteral("server CPU while idle: %1 % of one core over %2 s (%3 ticks; resolution %4 %)")
                        .arg(pct, 0, 'f', 2)
                        .arg(m_options.idleSampleSec)
                        .arg(qint64(ticks))
                        .arg(resolution, 0, 'f', 2));
                startJoin();
            });
        } else {
            startJoin();
        }
    });
}

void SimRun::startJoin()
{
    if (m_joiner)
        return; // one join at a time
    m_joinSeenMs.clear();
    m_bytesBeforeJoin.clear();
    for (SimNode* n : std::as_const(m_nodes)) {
        m_bytesBeforeJoin.insert(n, n->bytesReceived());
        connect(n, &SimNode::updated, this, &SimRun::onJoinUpdate, Qt::UniqueConnection);
    }
    m_joinDialMs = m_clock.elapsed();
    m_joiner = new SimNode(m_options.nodes + m_joinsDone, m_options.authKey, this);
    m_joiner->setFullParse(m_options.fullParse);
    connect(m_joiner, &SimNode::registered, this, [this] { m_joinStartMs = m_clock.elapsed(); });
    connect(m_joiner, &SimNode::firstMap, this, [this](SimNode*) {
        for (SimNode* n : std::as_const(m_nodes))
            onJoinUpdate(n);
    });
    m_joiner->start(m_options.host, m_options.port, m_serverKey);
}

void SimRun::onJoinUpdate(SimNode* node)
{
    if (m_finished || !m_joiner || m_joiner->nodeId() == 0 || m_joinSeenMs.contains(node))
        return;
    if (!node->knowsPeer(m_joiner->nodeId()))
        return;
    m_joinSeenMs.insert(node, m_clock.elapsed() - m_joinStartMs);
    if (m_joinSeenMs.size() < m_nodes.size())
        return;
    // Everyone knows the new node; let the patches of its first report arrive too.
    QTimer::singleShot(1500, this, &SimRun::joinReachedAll);
}

void SimRun::joinReachedAll()
{
    {
        QList<qint64> times = m_joinSeenMs.values();
        QList<qint64> bytes;
        for (SimNode* n : std::as_const(m_nodes))
            bytes << n->bytesReceived() - m_bytesBeforeJoin.value(n);
        say(QStringLiteral("one join reached all %1 streams: median %2 ms, p99 %3 ms, max %4 ms (from its registration reply)")
                .arg(m_nodes.size()).arg(percentile(times, 0.5)).arg(percentile(times, 0.99)).arg(percentile(times, 1.0)));
        // The same from the moment it dialled: its own handshake and registration included.
        say(QStringLiteral("join %1: reached all %2 streams %3 ms after it dialled (registration took %4 ms)")
                .arg(m_joinsDone + 1).arg(m_nodes.size()).arg(percentile(times, 1.0) + m_joinStartMs - m_joinDialMs).arg(m_joinStartMs - m_joinDialMs));
        say(QStringLiteral("bytes per existing node for that join: median %1, max %2 (framed, zstd)")
                .arg(percentile(bytes, 0.5)).arg(percentile(bytes, 1.0)));
        QSet<qint64> all;
        for (SimNode* n : std::as_const(m_nodes))
            all.insert(n->nodeId());
        all.insert(m_joiner->nodeId());
        int incomplete = 0;
        for (SimNode* n : std::as_const(m_nodes))
            incomplete += viewComplete(*n, all) ? 0 : 1;
        incomplete += viewComplete(*m_joiner, all) ? 0 : 1;
        if (incomplete > 0 || !m_options.joinsOnStdin) {
            finish(incomplete == 0, QStringLiteral("%1 of %2 views incomplete").arg(incomplete).arg(m_nodes.size() + 1));
            return;
        }
    }
    // The joiner is a member now: the next join must reach it too.
    m_nodes.append(m_joiner);
    m_joiner = nullptr;
    ++m_joinsDone;
#ifdef Q_OS_WIN
    // A QSocketNotifier watches sockets only there, not a console or pipe.
    finish(false, QStringLiteral("joins on stdin need a POSIX stdin (not available on Windows)"));
#else
    if (!m_stdin) {
        m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
        connect(m_stdin, &QSocketNotifier::activated, this, &SimRun::readStdin);
    }
    say(QStringLiteral("ready for the next join (a line on stdin)"));
#endif
}

void SimRun::readStdin()
{
#ifndef Q_OS_WIN
    char buffer[256];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
        m_stdin->setEnabled(false);
        finish(true, QStringLiteral("%1 joins, every view complete").arg(m_joinsDone));
        return;
    }
    if (std::memchr(buffer, '\n', size_t(n)))
        startJoin();
#endif
}

void SimRun::finish(bool ok, const QString& why)
{
    if (m_finished)
        return;
    m_finished = true;
    say(QStringLiteral("%1: %2").arg(ok ? QStringLiteral("OK") : QStringLiteral("FAILED"), why));
    Q_EMIT done(ok ? 0 : 1);
}

} // namespace keel::sim
