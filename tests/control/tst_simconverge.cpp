// keel-sim against an in-process Keel server over real loopback sockets: N nodes (each its own
// Noise + HTTP/2 client) register with a pre-auth key, hold their streams, and every view must
// converge; then one more node joins and must reach everyone. KEEL_SIM_NODES scales it (default 100).
#include "sim/SimRun.h"
#include "server/Server.h"

#include <QTemporaryDir>
#include <QTest>

using namespace keel;

class TestSimConverge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void convergesThroughTheWholeStack()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        config::Config c = config::Config::embeddedDefault(dir.path());
        c.listenAddr = QStringLiteral("127.0.0.1:0");
        c.serverUrl = QStringLiteral("http://127.0.0.1");
        c.metricsListenAddr.clear();
        c.unixSocket.clear();
        c.prefixes.v4 = QStringLiteral("100.64.0.0/10");
        c.prefixes.v6 = QStringLiteral("fd7a:115c:a1e0::/48");
        c.tuning.batchChangeDelayMs = 100;
        // Loopback only: no DERP map fetched from the internet (the default points at Tailscale's).
        c.derp.urls.clear();
        c.derp.paths.clear();
        server::Server server(c);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        store::User u;
        u.name = QStringLiteral("sim");
        auto user = server.store().createUser(u);
        QVERIFY(user);
        store::NewPreAuthKey k;
        k.userId = user->id;
        k.reusable = true;
        auto key = server.store().createPreAuthKey(k);
        QVERIFY(key);

        sim::SimRun::Options o;
        o.port = server.httpPort();
        o.authKey = key->fullKey;
        o.nodes = qEnvironmentVariableIntValue("KEEL_SIM_NODES") > 0 ? qEnvironmentVariableIntValue("KEEL_SIM_NODES") : 100;
        o.timeoutSec = 240;
        // The 100-node run also checks every netmap deeply; the big one checks the peer sets.
        o.fullParse = o.nodes <= 100;
        sim::SimRun run(o);
        int code = -1;
        connect(&run, &sim::SimRun::done, this, [&](int c2) { code = c2; });
        run.start();
        QVERIFY(QTest::qWaitFor([&] { return code >= 0; }, (o.timeoutSec + 10) * 1000));
        QCOMPARE(code, 0);
        QCOMPARE(server.store().listNodes()->size(), o.nodes + 1);
    }
};

QTEST_GUILESS_MAIN(TestSimConverge)
#include "tst_simconverge.moc"
