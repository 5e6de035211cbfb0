// PostgreSQL stopped under a running `keel serve` (a cluster of the test's own, never the suite's
// shared one) and started again: connected nodes keep their map streams and still get the deltas
// that need no write (a peer going offline); a registration during the outage gets a clear,
// retryable error (503); and the first registration after the database is back succeeds, with no
// restart of Keel. KEEL_OUTAGE_SECS sets the outage (default 5; the figure is 30).
#include "Fleet.h"
#include "KeelProcess.h"
#include "PgCluster.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using keel::test::Fleet;
using keel::test::KeelProcess;
using keel::test::PgCluster;

using keel::test::Answer;
using keel::test::authorized;
using keel::test::registerOnce;

class TestDatabaseOutage : public QObject
{
    Q_OBJECT

private slots:
    void postgresStopsAndComesBack()
    {
        bool ok = false;
        int outageSecs = qEnvironmentVariableIntValue("KEEL_OUTAGE_SECS", &ok);
        if (!ok || outageSecs <= 0)
            outageSecs = 5;
        KeelProcess keel;
        PgCluster pg(keel.dir() + QStringLiteral("/pg"));
        QString error;
        QVERIFY2(pg.start(&error), qPrintable(error));
        keel.writeConfig(pg.configYaml());
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), keel.configPath()};
        QCOMPARE(keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("alice")}).exitCode, 0);
        const auto key = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"),
                                                  QStringLiteral("1"), QStringLiteral("--reusable"), QStringLiteral("-e"), QStringLiteral("24h")});
        QVERIFY2(key.exitCode == 0, key.err.constData());
        const QString authKey = QString::fromUtf8(key.out.trimmed());

        const int n = 20;
        Fleet fleet(authKey, keel.port());
        fleet.launch(n, 8);
        QString why;
        QVERIFY2(QTest::qWaitFor([&] { return fleet.converged(n - 1, &why) && fleet.acknowledged().size() == n; }, 120000), qPrintable(why));

        QVERIFY2(pg.stop(&error), qPrintable(error));
        QElapsedTimer outage;
        outage.start();

        // A registration now: refused at once with a clear, retryable error, not a hang or a 200.
        const Answer refused = registerOnce(keel.port(), authKey);
        QVERIFY2(refused.error.isEmpty(), qPrintable(refused.error));
        QVERIFY2(refused.status == 503, qPrintable(QStringLiteral("%1 %2").arg(refused.status).arg(QString::fromUtf8(refused.body))));
        QVERIFY2(refused.body.contains("database") && refused.body.contains("try again"), refused.body.constData());

        // A change that needs no write: one node goes away. Everyone else still has a stream and
        // is told (its peer is offline) while the database is down.
        keel::sim::SimNode* leaver = fleet.nodes().last();
        QHash<keel::sim::SimNode*, int> before;
        for (auto* node : fleet.nodes())
            before.insert(node, node->view().messages() - node->view().keepAlives());
        leaver->client()->close();
        const auto allTold = [&] {
            for (auto* node : fleet.nodes())
                if (node != leaver && (node->failed() || node->view().messages() - node->view().keepAlives() <= before.value(node)))
                    return false;
            return true;
        };
        QVERIFY2(QTest::qWaitFor(allTold, 60000), "a peer going offline reached every stream during the outage");
        QTest::qWait(qMax(0, int(outageSecs * 1000 - outage.elapsed())));
        for (auto* node : fleet.nodes())
            QVERIFY2(node == leaver || !node->failed(), qPrintable(node->error()));
        QVERIFY2(outage.elapsed() >= outageSecs * 1000, "the outage lasted as long as asked");

        // The database comes back: the very next registration works, without a restart of Keel.
        const qint64 down = outage.elapsed();
        QVERIFY2(pg.start(&error), qPrintable(error));
        QElapsedTimer back;
        back.start();
        const Answer first = registerOnce(keel.port(), authKey);
        QVERIFY2(authorized(first), qPrintable(QStringLiteral("%1 %2 %3").arg(first.status).arg(QString::fromUtf8(first.body), first.error)));
        qInfo("outage %lld ms; first registration after the database came back answered in %lld ms", down, back.elapsed());
        // And the connected nodes learn of it over the streams they kept through the outage.
        for (auto* node : fleet.nodes())
            QVERIFY2(node == leaver || !node->failed(), qPrintable(node->error()));
        QVERIFY2(QTest::qWaitFor([&] {
            for (auto* node : fleet.nodes())
                if (node != leaver && node->view().size() != n)   // n - 1 peers, plus the new node
                    return false;
            return true;
        }, 60000), "the node registered after the outage reached every stream");
        QVERIFY(keel.signal(0));   // the same server process all along

        // A restart of PostgreSQL that no request noticed (the connection broke while idle): the
        // first registration after it works too.
        QVERIFY2(pg.stop(&error), qPrintable(error));
        QVERIFY2(pg.start(&error), qPrintable(error));
        const Answer afterQuietRestart = registerOnce(keel.port(), authKey);
        QVERIFY2(authorized(afterQuietRestart), qPrintable(QStringLiteral("%1 %2 %3\n%4").arg(afterQuietRestart.status)
                                                               .arg(QString::fromUtf8(afterQuietRestart.body), afterQuietRestart.error,
                                                                    QString::fromUtf8(keel.serverLog().right(3000)))));
        QVERIFY(keel.signal(0));
    }
};

QTEST_GUILESS_MAIN(TestDatabaseOutage)
#include "tst_databaseoutage.moc"
