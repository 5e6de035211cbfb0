#pragma once

#include "SimNode.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSocketNotifier>

namespace keel::sim {

// One simulator run: bring up N nodes (bounded concurrency), wait for every first map and for
// every view to converge, then let one more node join and time how long it takes to reach every
// stream. Prints the figures; exits 0 when every view converged.
class SimRun : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 8080;
        QString authKey;
        int nodes = 100;
        int concurrency = 32;
        qint64 serverPid = 0;   // sample the server's RSS and CPU from /proc when set
        int timeoutSec = 600;
        int idleSampleSec = 5;
        // Also build every netmap as QJsonObjects (MapSessionNetmap): deep checks for tests, but
        // O(N^2) objects in all; the peer sets are checked exactly either way.
        bool fullParse = false;
        // After the first join, wait for a line on stdin before each further join (bench/flood:
        // the driving script starts a handshake flood, then asks for a join); EOF ends the run.
        bool joinsOnStdin = false;
    };

    explicit SimRun(Options options, QObject* parent = nullptr);
    void start();

Q_SIGNALS:
    void done(int exitCode);

private:
    void launchMore();
    void onFirstMap(SimNode* node);
    void checkConverged();
    void startJoin();
    void onJoinUpdate(SimNode* node);
    void joinReachedAll();
    void readStdin();
    void finish(bool ok, const QString& why);
    bool viewComplete(const SimNode& node, const QSet<qint64>& all) const;
    qint64 serverRssKb() const;
    qint64 serverCpuTicks() const;

    Options m_options;
    QList<SimNode*> m_nodes;
    int m_launched = 0;
    int m_inFlight = 0;
    int m_firstMaps = 0;
    std::optional<crypto::MachinePublic> m_serverKey;
    QElapsedTimer m_clock;
    qint64 m_allFirstMapMs = -1;
    qint64 m_convergedMs = -1;
    qint64 m_rssBeforeKb = 0;
    qint64 m_cpuStartTicks = 0;
    // The join.
    SimNode* m_joiner = nullptr;
    qint64 m_joinStartMs = 0;
    qint64 m_joinDialMs = 0;
    int m_joinsDone = 0;
    QSocketNotifier* m_stdin = nullptr;
    QHash<SimNode*, qint64> m_joinSeenMs;
    QHash<SimNode*, qint64> m_bytesBeforeJoin;
    bool m_finished = false;
};

} // namespace keel::sim
