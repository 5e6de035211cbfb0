// kill -9 and SIGTERM of a real `keel serve` in the middle of a burst of registrations from
// keel-sim nodes, on SQLite and on a PostgreSQL cluster of the test's own: after the restart
// every acknowledged registration is there with the same keys and addresses, no address is held
// twice, no row is half written, and every node reconnects and sees every other.
// KEEL_CRASH_KILLS and KEEL_CRASH_NODES (kills per run, registrations per burst) scale it up:
// scripts/crash-runs.sh runs the full 20 x 1,000.
#include "Fleet.h"
#include "KeelProcess.h"
#include "PgCluster.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <csignal>
#include <memory>

using keel::test::Fleet;
using keel::test::KeelProcess;
using keel::test::PgCluster;

namespace {

int envInt(const char* name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

QJsonArray listNodes(KeelProcess& keel, QString* error)
{
    const auto r = keel.cli({QStringLiteral("-c"), keel.configPath(), QStringLiteral("nodes"), QStringLiteral("list"),
                             QStringLiteral("-o"), QStringLiteral("json")}, {}, 60000);
    if (r.exitCode != 0)
        *error = QString::fromUtf8(r.err);
    return r.json().array();
}

// Every row is whole and no address is held twice; returns the first problem.
QString checkRows(const QJsonArray& nodes)
{
    QSet<QString> seen;
    for (const QJsonValue& v : nodes) {
        const QJsonObject n = v.toObject();
        const QStringList ips = keel::test::sortedAddresses(n);
        if (n.value(QStringLiteral("nodeKey")).toString().isEmpty() || n.value(QStringLiteral("machineKey")).toString().isEmpty()
            || n.value(QStringLiteral("givenName")).toString().isEmpty() || ips.size() != 2)
            return QStringLiteral("half-written node: ") + QString::fromUtf8(QJsonDocument(n).toJson(QJsonDocument::Compact));
        for (const QString& ip : ips) {
            if (seen.contains(ip))
                return QStringLiteral("address %1 is held twice").arg(ip);
            seen.insert(ip);
        }
    }
    return {};
}

} // namespace

class TestCrashRecovery : public QObject
{
    Q_OBJECT

private:
    // One server (SQLite or its own PostgreSQL) with a user and a reusable key.
    struct Setup
    {
        KeelProcess keel;
        std::unique_ptr<PgCluster> pg;
        QString authKey;
    };

    static void setUp(Setup& s, const QString& backend)
    {
        QByteArray extra;
        if (backend == QLatin1String("postgres")) {
            s.pg = std::make_unique<PgCluster>(s.keel.dir() + QStringLiteral("/pg"));
            QString error;
            QVERIFY2(s.pg->start(&error), qPrintable(error));
            extra = s.pg->configYaml();
        }
        // The CLI's 5 s default is for people; a niced run on a busy machine may need longer.
        s.keel.writeConfig(extra + "cli:\n  timeout: 120s\n");
        QString error;
        QVERIFY2(s.keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), s.keel.configPath()};
        QCOMPARE(s.keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("alice")}).exitCode, 0);
        const auto key = s.keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"),
                                                    QStringLiteral("1"), QStringLiteral("--reusable"), QStringLiteral("-e"), QStringLiteral("24h")});
        QVERIFY2(key.exitCode == 0, key.err.constData());
        s.authKey = QString::fromUtf8(key.out.trimmed());
    }

    // After a restart: every acknowledged node is stored as it was told, every row is whole.
    static void verifyStored(KeelProcess& keel, const Fleet& fleet, const QList<keel::sim::SimNode*>& acked)
    {
        QString error;
        const QJsonArray nodes = listNodes(keel, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString rowProblem = checkRows(nodes);
        QVERIFY2(rowProblem.isEmpty(), qPrintable(rowProblem));
        const auto byKey = keel::test::nodesByKey(nodes);
        for (keel::sim::SimNode* n : acked) {
            const auto it = byKey.find(n->nodeKey());
            QVERIFY2(it != byKey.end(), qPrintable(QStringLiteral("acknowledged node %1 was lost").arg(n->index())));
            QCOMPARE(it->value(QStringLiteral("machineKey")).toString(), n->machineKey());
            if (fleet.addresses().contains(n->nodeKey()))
                QCOMPARE(keel::test::sortedAddresses(*it), fleet.addresses().value(n->nodeKey()));
        }
    }

    // Everyone dials again; every node registers (again, if its answer was lost) and every view
    // converges on the stored tailnet, with each node at the addresses it had.
    static void reconnectAndConverge(KeelProcess& keel, Fleet& fleet)
    {
        fleet.reconnectAll(keel.port());
        QString why;
        // KEEL_CRASH_CONVERGE_SECS: 1,000 nodes on a loaded 2-core machine need longer than CI's.
        const int limitMs = envInt("KEEL_CRASH_CONVERGE_SECS", 300) * 1000;
        QVERIFY2(QTest::qWaitFor([&] { return fleet.converged(fleet.nodes().size() - 1, &why); }, limitMs), qPrintable(why));
        QString error;
        const QJsonArray nodes = listNodes(keel, &error);
        QCOMPARE(nodes.size(), fleet.nodes().size());   // a registration retried after a crash is the same node
        for (auto* n : fleet.nodes())
            if (fleet.addresses().contains(n->nodeKey())) {
                QCOMPARE(keel::test::bareAddresses(n->selfAddresses()), fleet.addresses().value(n->nodeKey()));
            }
    }

private slots:
    void killDuringRegistrations_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void killDuringRegistrations()
    {
        QFETCH(QString, backend);
        const int kills = envInt("KEEL_CRASH_KILLS", 3);
        const int burst = envInt("KEEL_CRASH_NODES", 60);
        const quint32 seed = quint32(envInt("KEEL_CRASH_SEED", int(QRandomGenerator::global()->bounded(1 << 30))));
        qInfo("seed %u (KEEL_CRASH_SEED to repeat), %d kills, %d registrations per burst", seed, kills, burst);
        QRandomGenerator random(seed);
        Setup s;
        setUp(s, backend);
        if (QTest::currentTestFailed())
            return;
        Fleet fleet(s.authKey, s.keel.port());
        for (int k = 0; k < kills; ++k) {
            const qsizetype before = fleet.acknowledged().size();
            fleet.launch(burst, 16);
            // A random moment inside the burst: after 10-90 % of it was acknowledged, plus 0-20 ms.
            const qsizetype killAt = before + burst / 10 + random.bounded(qMax(1, burst * 8 / 10));
            QVERIFY2(QTest::qWaitFor([&] { return fleet.acknowledged().size() >= killAt; }, 300000),
                     qPrintable(QStringLiteral("%1 of %2 acknowledged").arg(fleet.acknowledged().size()).arg(killAt)));
            QTest::qWait(int(random.bounded(20)));
            QVERIFY(s.keel.signal(SIGKILL));
            const int inFlight = fleet.inFlight();
            fleet.stopLaunching();
            QVERIFY(s.keel.waitForExit(10000));
            const QList<keel::sim::SimNode*> acked = fleet.acknowledged();   // nothing answers any more
            QString error;
            QVERIFY2(s.keel.start(true, &error), qPrintable(error));
            verifyStored(s.keel, fleet, acked);
            if (QTest::currentTestFailed())
                return;
            qInfo("kill %d: %lld of this burst acknowledged and %d registrations unanswered when killed; all %lld acknowledged stored",
                  k + 1, qlonglong(acked.size() - before), inFlight, qlonglong(acked.size()));
            reconnectAndConverge(s.keel, fleet);
            if (QTest::currentTestFailed())
                return;
        }
        qInfo("%lld nodes in all; every acknowledged registration survived %d kills", qlonglong(fleet.nodes().size()), kills);
    }

    // SIGTERM while registrations are in flight and every node holds a map stream: the server
    // ends each stream cleanly (the client sees the end of its response, not a reset), answers or
    // refuses what is in flight, exits 0, and comes back quickly with everything acknowledged.
    void sigtermUnderLoad()
    {
        Setup s;
        setUp(s, QStringLiteral("sqlite"));
        if (QTest::currentTestFailed())
            return;
        Fleet fleet(s.authKey, s.keel.port());
        const int connected = 40;
        fleet.launch(connected, 16);
        QString why;
        QVERIFY2(QTest::qWaitFor([&] { return fleet.converged(connected - 1, &why) && fleet.acknowledged().size() == connected; }, 120000),
                 qPrintable(why));
        fleet.launch(100, 16);   // the burst in flight at the signal
        QVERIFY(QTest::qWaitFor([&] { return fleet.acknowledged().size() >= connected + 20; }, 120000));
        QElapsedTimer stopping;
        stopping.start();
        QVERIFY(s.keel.signal(SIGTERM));
        const int inFlight = fleet.inFlight();
        QVERIFY2(s.keel.waitForExit(30000), "keel serve exits after SIGTERM");
        const qint64 exitMs = stopping.elapsed();
        QCOMPARE(s.keel.exitCode(), 0);
        fleet.stopLaunching();
        // Every stream was ended by the server, not cut: a clean end of the response.
        QVERIFY(QTest::qWaitFor([&] {
            for (auto* n : fleet.nodes())
                if (n->view().hasSelf() && !n->failed())
                    return false;
            return true;
        }, 30000));
        int clean = 0, cut = 0;
        QString example;
        for (auto* n : fleet.nodes()) {
            if (!n->view().hasSelf())
                continue;
            if (n->error() == QLatin1String("map stream ended"))
                ++clean;
            else if (++cut == 1)
                example = n->error();
        }
        QVERIFY2(cut == 0, qPrintable(QStringLiteral("%1 streams cut, not ended (%2), %3 ended cleanly").arg(cut).arg(example).arg(clean)));
        const QList<keel::sim::SimNode*> acked = fleet.acknowledged();
        QElapsedTimer restart;
        restart.start();
        QString error;
        QVERIFY2(s.keel.start(true, &error), qPrintable(error));
        const qint64 restartMs = restart.elapsed();
        verifyStored(s.keel, fleet, acked);
        if (QTest::currentTestFailed())
            return;
        qInfo("SIGTERM with %d streams and %d registrations in flight: exited 0 after %lld ms, %d streams ended cleanly; "
              "restart to a ready admin socket %lld ms; all %lld acknowledged stored",
              clean, inFlight, exitMs, clean, restartMs, qlonglong(acked.size()));
        reconnectAndConverge(s.keel, fleet);
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
