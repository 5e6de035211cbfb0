// Who may use the embedded DERP relay (derp.server.verify_clients, on): a real `keel serve`, a node
// registered over a real ts2021 session (keel-sim), and real DERP client handshakes
// (ClientInfo sealed with the node key). The registered node is admitted; a node key the control
// plane never saw is refused, and so is the registered node's own key once the node has expired
// (`keel nodes expire`); un-expiring it admits it again.
#include "Fleet.h"
#include "KeelProcess.h"

#include "derp/DerpClient.h"
#include "sim/SimNode.h"

#include <QSignalSpy>
#include <QTest>

using keel::test::Fleet;
using keel::test::KeelProcess;

namespace {

// One DERP handshake with `key`: true when the server accepted the client (ServerInfo came),
// false when it closed the connection instead.
bool admitted(const QUrl& url, const keel::crypto::NodePrivate& key, QString* why)
{
    keel::derp::DerpClient client(key);
    QSignalSpy connected(&client, &keel::derp::DerpClient::connected);
    QSignalSpy gone(&client, &keel::derp::DerpClient::disconnected);
    client.connectToServer(url);
    if (!QTest::qWaitFor([&] { return connected.count() > 0 || gone.count() > 0; }, 20000)) {
        *why = QStringLiteral("no answer from the relay within 20 s");
        return false;
    }
    if (connected.count() > 0) {
        // Admitted clients stay connected: no close follows right after ServerInfo.
        QTest::qWait(200);
        if (gone.count() > 0) {
            *why = QStringLiteral("connected, then dropped");
            return false;
        }
        return true;
    }
    *why = QStringLiteral("refused");
    return false;
}

} // namespace

class TestDerpAuth : public QObject
{
    Q_OBJECT

private slots:
    void onlyKnownUnexpiredNodesMayUseTheRelay()
    {
        KeelProcess keel;
        keel.writeConfig("derp:\n  urls: []\n  server:\n    enabled: true\n    verify_clients: true\n"
                         "    private_key_path: derp_private.key\n    stun_listen_addr: 127.0.0.1:"
                         + QByteArray::number(KeelProcess::freePort()) + "\n");
        QString error;
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), keel.configPath()};
        QCOMPARE(keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("alice")}).exitCode, 0);
        const auto key = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"), QStringLiteral("1")});
        QVERIFY2(key.exitCode == 0, key.err.constData());
        Fleet fleet(QString::fromUtf8(key.out.trimmed()), keel.port());
        fleet.launch(1, 1);
        QString why;
        QVERIFY2(QTest::qWaitFor([&] { return fleet.acknowledged().size() == 1 && fleet.converged(0, &why); }, 60000), qPrintable(why));
        keel::sim::SimNode* node = fleet.nodes().first();
        const QUrl relay(QStringLiteral("http://127.0.0.1:%1/derp").arg(keel.port()));

        // The positive case first: without it, the refusals below would prove nothing.
        QVERIFY2(admitted(relay, node->nodePrivate(), &why), qPrintable(why));

        // A key the control plane does not know.
        QVERIFY(!admitted(relay, keel::crypto::NodePrivate::generate(), &why));
        QCOMPARE(why, QStringLiteral("refused"));

        // The same node once its key has expired.
        const QString id = QString::number(node->nodeId());
        const auto expired = keel.cli(c + QStringList{QStringLiteral("nodes"), QStringLiteral("expire"), QStringLiteral("-i"), id});
        QVERIFY2(expired.exitCode == 0, expired.err.constData());
        QVERIFY(!admitted(relay, node->nodePrivate(), &why));
        QCOMPARE(why, QStringLiteral("refused"));

        // Expiry lifted: admitted again (the refusal was the expiry, not something else).
        const auto revived = keel.cli(c + QStringList{QStringLiteral("nodes"), QStringLiteral("expire"), QStringLiteral("-i"), id,
                                                      QStringLiteral("--disable")});
        QVERIFY2(revived.exitCode == 0, revived.err.constData());
        QVERIFY2(admitted(relay, node->nodePrivate(), &why), qPrintable(why));
    }
};

QTEST_GUILESS_MAIN(TestDerpAuth)
#include "tst_derpauth.moc"
