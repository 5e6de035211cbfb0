// keel-sim's cheap view (tests/kit/sim/PeerSetView): the peer set it tracks from raw MapResponse bytes
// must equal the one MapSessionNetmap (the full, QJsonObject client model) tracks, and garbage is
// rejected without a crash.
#include "sim/PeerSetView.h"
#include "control/MapSessionNetmap.h"

#include <QJsonDocument>
#include <QTest>

using namespace keel;

namespace {
// Nested objects and strings with escaped quotes and an "ID" inside Hostinfo must not confuse it.
QByteArray peer(qint64 id)
{
    return "{\"Hostinfo\":{\"ID\":999,\"Hostname\":\"a\\\"b\\\\\"},\"ID\":" + QByteArray::number(id)
        + ",\"Name\":\"n\",\"Endpoints\":[\"1.2.3.4:5\"]}";
}
} // namespace

class TestPeerSetView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void agreesWithTheFullNetmap()
    {
        const QList<QByteArray> messages{
            "{\"Node\":{\"ID\":1,\"Name\":\"self\"},\"Peers\":[" + peer(2) + "," + peer(3) + "," + peer(70) + "],\"DNSConfig\":{}}",
            "{\"PeersChanged\":[" + peer(4) + "],\"PeersRemoved\":[3],\"ControlTime\":\"x\"}",
            "{\"KeepAlive\":true}",
            "{\"PeersChangedPatch\":[{\"NodeID\":2,\"Online\":true}],\"PeersRemoved\":[12345]}",
            // A non-empty Peers replaces the set; the deltas in the same message are ignored.
            "{\"Peers\":[" + peer(5) + "," + peer(2) + "],\"PeersRemoved\":[5],\"PeersChanged\":[" + peer(9) + "]}",
            "{\"Peers\":[],\"PeersChanged\":[" + peer(130) + "]}",
        };
        sim::PeerSetView view;
        control::MapSessionNetmap full;
        for (const QByteArray& m : messages) {
            QString e1, e2;
            QVERIFY2(view.apply(m, &e1), qPrintable(e1 + QLatin1Char(' ') + QString::fromUtf8(m)));
            QVERIFY2(full.apply(QJsonDocument::fromJson(m).object(), &e2), qPrintable(e2));
            QCOMPARE(view.size(), qint64(full.peers().size()));
            for (qint64 id : full.peers().keys())
                QVERIFY(view.contains(id));
        }
        QCOMPARE(view.selfId(), qint64(1));
        QCOMPARE(view.keepAlives(), 1);
        QVERIFY(view.contains(130) && view.contains(2) && !view.contains(9) && !view.contains(999));
    }

    void firstMessageNeedsNode()
    {
        sim::PeerSetView view;
        QString error;
        QVERIFY(!view.apply("{\"Peers\":[" + peer(2) + "]}", &error));
        QCOMPARE(error, QStringLiteral("initial MapResponse lacked node"));
    }

    void rejectsGarbage_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("array") << QByteArray("[1,2]");
        QTest::newRow("unterminated") << QByteArray("{\"Node\":{\"ID\":1}");
        QTest::newRow("open string") << QByteArray("{\"Node\":{\"ID\":1,\"x\":\"abc}}");
        QTest::newRow("escaped end quote") << QByteArray("{\"Node\":{\"ID\":1,\"x\":\"abc\\\"}}");
        QTest::newRow("id not a number") << QByteArray("{\"Node\":{\"ID\":\"1\"}}");
        QTest::newRow("fractional id") << QByteArray("{\"Node\":{\"ID\":1.5}}");
        QTest::newRow("huge id") << QByteArray("{\"Node\":{\"ID\":123456789012345678901}}");
        QTest::newRow("removed not ints") << QByteArray("{\"Node\":{\"ID\":1},\"PeersRemoved\":[{}]}");
        QTest::newRow("missing colon") << QByteArray("{\"Node\"{\"ID\":1}}");
        QTest::newRow("trailing") << QByteArray("{\"Node\":{\"ID\":1}} x");
        QTest::newRow("deep") << QByteArray("{\"Node\":{\"ID\":1},\"x\":" + QByteArray(5000, '[') + QByteArray(5000, ']') + "}");
        QTest::newRow("binary") << QByteArray("\x00\xff{\x01", 4);
    }
    void rejectsGarbage()
    {
        QFETCH(QByteArray, bytes);
        sim::PeerSetView view;
        QString error;
        QVERIFY(!view.apply(bytes, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!view.hasSelf());
    }
};

QTEST_GUILESS_MAIN(TestPeerSetView)
#include "tst_peersetview.moc"
