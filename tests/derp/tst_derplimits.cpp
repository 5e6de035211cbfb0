// derper's per-client receive limit (spec A.8) and the Health frame (A.5, 0x14) over real
// sockets on loopback, plus the token bucket on its own with a hand-driven clock.
#include "DerpFixture.h"

#include "derp/TokenBucket.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace keel;
using namespace keel::derp;
using keel::derp::test::DerpFixture;
using crypto::NodePrivate;
using crypto::NodePublic;

namespace {

constexpr qint64 Second = 1000 * 1000 * 1000;

// Sends `count` packets of `size` bytes from `from` to `to` and returns the milliseconds until
// all arrived, or -1 after `timeoutMs`.
qint64 relay(DerpClient& from, DerpClient& to, int count, int size, int timeoutMs)
{
    QSignalSpy got(&to, &DerpClient::packetReceived);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; ++i) {
        if (!from.sendPacket(to.publicKey(), QByteArray(size, char(i))))
            return -1;
    }
    while (got.size() < count && t.elapsed() < timeoutMs)
        QTest::qWait(5);
    return got.size() == count ? t.elapsed() : -1;
}

} // namespace

class TestDerpLimits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { qRegisterMetaType<NodePublic>(); }

    void tokenBucketLendsAndCharges()
    {
        TokenBucket bucket(1000, 2000, 0);   // 1000 B/s, burst 2000
        QCOMPARE(bucket.reserve(1500, 0), qint64(0));
        QCOMPARE(bucket.reserve(500, 0), qint64(0));          // the burst is used up exactly
        QCOMPARE(bucket.reserve(1000, 0), qint64(1 * Second));  // 1000 in debt: wait 1 s
        QCOMPARE(bucket.reserve(0, Second), qint64(0));        // debt paid
        QCOMPARE(bucket.reserve(100, Second), qint64(100 * Second / 1000));
        // Idle time refills, but never above the burst.
        QCOMPARE(bucket.reserve(2000, 100 * Second), qint64(0));
        QCOMPARE(bucket.reserve(1, 100 * Second), qint64(Second / 1000));
        // A charge larger than the burst is clamped to it (derper clamps to one frame).
        TokenBucket small(1000, 2000, 0);
        QCOMPARE(small.reserve(1'000'000, 0), qint64(0));
        QCOMPARE(small.reserve(1'000'000, 0), qint64(2 * Second));
    }

    // One client sends far more than its limit: the server reads it at the limit (it is slowed,
    // nothing is dropped), while another client's packets pass straight through meanwhile.
    void rateLimitSlowsOnlyThatClient()
    {
        DerpServer::Options options;
        options.rateLimitBytesPerSec = 400 * 1000;
        options.rateLimitBurstBytes = 0;   // raised to one maximal frame
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error, options), qPrintable(error));
        auto fast = fx.connectClient(NodePrivate::generate());
        auto other = fx.connectClient(NodePrivate::generate());
        auto sink = fx.connectClient(NodePrivate::generate());
        auto sink2 = fx.connectClient(NodePrivate::generate());
        QVERIFY(fast && other && sink && sink2);

        // 1000 x 1,280 bytes (+ 32 key each) = 1.31 MB: at 400 kB/s after a 65.6 kB burst this
        // cannot take less than ~3.1 s.
        QSignalSpy got(sink.get(), &DerpClient::packetReceived);
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 1000; ++i)
            QVERIFY(fast->sendPacket(sink->publicKey(), QByteArray(1280, 'f')));
        QTest::qWait(300);
        // Meanwhile another client relays 20 packets at once.
        QVERIFY(relay(*other, *sink2, 20, 1280, 1000) >= 0);   // well inside the 3 s the limited one needs
        QVERIFY2(got.size() < 1000, "the limited client should still be sending");
        while (got.size() < 1000 && t.elapsed() < 20000)
            QTest::qWait(20);
        const qint64 elapsed = t.elapsed();
        QCOMPARE(got.size(), 1000);   // slowed, not dropped
        const double minimum = (1000.0 * (1280 + 32) - double(DerpServer::MinRateLimitBurst)) / 400000.0 * 1000.0;
        QVERIFY2(elapsed >= qint64(minimum * 0.9), qPrintable(QStringLiteral("%1 ms < %2 ms").arg(elapsed).arg(minimum)));
        QVERIFY2(elapsed < qint64(minimum * 2 + 1000), qPrintable(QStringLiteral("%1 ms, limit %2 ms").arg(elapsed).arg(minimum)));
        QVERIFY(fx.server().stats().rateLimitWaits > 0);
        QCOMPARE(fx.server().stats().totalDropped(), quint64(0));
    }

    void rateLimitOffByDefaultAndLiftedAtRuntime()
    {
        DerpFixture fx;
        QString error;
        DerpServer::Options options;
        options.rateLimitBytesPerSec = 100 * 1000;
        QVERIFY2(fx.start(false, &error, options), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        auto b = fx.connectClient(NodePrivate::generate());
        QVERIFY(a && b);
        // 200 x 1312 = 262 kB at 100 kB/s would take about two seconds...
        QSignalSpy got(b.get(), &DerpClient::packetReceived);
        for (int i = 0; i < 200; ++i)
            QVERIFY(a->sendPacket(b->publicKey(), QByteArray(1280, 'x')));
        QTest::qWait(200);
        QVERIFY(got.size() < 200);
        // ...until the limit is lifted (a config reload): the rest flows at once.
        DerpServer::Options lifted = fx.server().options();
        lifted.rateLimitBytesPerSec = 0;
        fx.server().setOptions(lifted);
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 200, 1500);
        const quint64 waits = fx.server().stats().rateLimitWaits;
        QVERIFY(relay(*a, *b, 100, 1280, 2000) >= 0);
        QCOMPARE(fx.server().stats().rateLimitWaits, waits);
    }

    void meshPeersAreExempt()
    {
        DerpServer::Options options;
        options.rateLimitBytesPerSec = 50 * 1000;
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error, options), qPrintable(error));
        const QString meshKey = QString(64, QLatin1Char('7'));
        QVERIFY(fx.server().setMeshKey(meshKey));
        DerpClient::Options meshOptions;
        meshOptions.meshKey = meshKey;
        auto mesh = fx.connectClient(NodePrivate::generate(), meshOptions);
        auto sink = fx.connectClient(NodePrivate::generate());
        QVERIFY(mesh && sink);
        // 100 x 1312 = 131 kB: more than a second at 50 kB/s, instant for a mesh peer.
        const qint64 ms = relay(*mesh, *sink, 100, 1280, 5000);
        QVERIFY(ms >= 0);
        QVERIFY2(ms < 1000, qPrintable(QString::number(ms)));
        QCOMPARE(fx.server().stats().rateLimitWaits, quint64(0));
    }

    // A second connection with the same node key: both get a Health problem; when one leaves,
    // the other is told it is healthy again (an empty Health frame). Others hear nothing.
    void healthOnDuplicateKey()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        const NodePrivate key = NodePrivate::generate();
        auto first = fx.connectClient(key);
        auto bystander = fx.connectClient(NodePrivate::generate());
        QVERIFY(first && bystander);
        QSignalSpy firstHealth(first.get(), &DerpClient::healthReceived);
        QSignalSpy bystanderHealth(bystander.get(), &DerpClient::healthReceived);
        QTest::qWait(100);
        QVERIFY(firstHealth.isEmpty());   // healthy is the default: nothing is sent

        auto second = fx.connectClient(key);
        QVERIFY(second);
        QTRY_COMPARE(firstHealth.size(), 1);
        QCOMPARE(firstHealth.first().first().toString(), DerpServer::DuplicateKeyProblem);
        // The newcomer may read its Health frame together with ServerInfo: look at its state.
        QTRY_COMPARE(second->health(), DerpServer::DuplicateKeyProblem);

        // A third one with the same key does not repeat the news to the first two.
        auto third = fx.connectClient(key);
        QVERIFY(third);
        QTRY_COMPARE(third->health(), DerpServer::DuplicateKeyProblem);
        QTest::qWait(100);
        QCOMPARE(firstHealth.size(), 1);

        third->close();
        QTest::qWait(100);
        QCOMPARE(firstHealth.size(), 1);   // still two: still a problem
        second->close();
        QTRY_COMPARE(firstHealth.size(), 2);
        QCOMPARE(firstHealth.at(1).first().toString(), QString());
        QCOMPARE(first->health(), QString());
        QVERIFY(bystanderHealth.isEmpty());
        // The survivor is fully usable.
        QSignalSpy got(first.get(), &DerpClient::packetReceived);
        QVERIFY(bystander->sendPacket(first->publicKey(), "after"));
        QTRY_COMPARE(got.size(), 1);
    }
};

QTEST_MAIN(TestDerpLimits)
#include "tst_derplimits.moc"
