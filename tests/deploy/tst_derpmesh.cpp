// The DERP mesh turned on from the config: two `keel serve` processes on loopback share a mesh
// key (one from the key, one from a key file) and name each other in derp.server.mesh_with; a
// client homed on each relays to the other through both servers.
#include "KeelProcess.h"

#include "crypto/Keys.h"
#include "derp/DerpClient.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace keel;

namespace {

QByteArray derpConfig(quint16 stunPort, const QByteArray& meshKeyLine, quint16 peerPort)
{
    return "derp:\n  urls: []\n  server:\n    enabled: true\n    verify_clients: false\n"
           "    private_key_path: derp_private.key\n    stun_listen_addr: 127.0.0.1:" + QByteArray::number(stunPort) + "\n"
           "    " + meshKeyLine + "\n"
           "    mesh_with: [\"http://127.0.0.1:" + QByteArray::number(peerPort) + "/derp\"]\n";
}

} // namespace

class TestDerpMesh : public QObject
{
    Q_OBJECT

private slots:
    void twoServersRelayForEachOther();
    void meshWithoutAKeyIsRefused();
};

void TestDerpMesh::twoServersRelayForEachOther()
{
    const QByteArray meshKey = QByteArray(64, 'a').replace(10, 6, "0b1c2d");
    test::KeelProcess one, two;
    one.writeConfig(derpConfig(test::KeelProcess::freePort(), "mesh_key: \"" + meshKey + '"', two.port()));
    {
        QFile keyFile(two.dir() + QStringLiteral("/mesh.key"));
        QVERIFY(keyFile.open(QIODevice::WriteOnly));
        keyFile.write(meshKey + '\n');
    }
    two.writeConfig(derpConfig(test::KeelProcess::freePort(), "mesh_key_path: mesh.key", one.port()));
    QString error;
    QVERIFY2(one.start(true, &error), qPrintable(error));
    QVERIFY2(two.start(true, &error), qPrintable(error));

    // Alice is homed on the first server, Bob on the second.
    derp::DerpClient alice(crypto::NodePrivate::generate()), bob(crypto::NodePrivate::generate());
    alice.connectToServer(QUrl(QStringLiteral("http://127.0.0.1:%1/derp").arg(one.port())));
    bob.connectToServer(QUrl(QStringLiteral("http://127.0.0.1:%1/derp").arg(two.port())));
    QVERIFY(QTest::qWaitFor([&] { return alice.isConnected() && bob.isConnected(); }, 10000));
    alice.notePreferred(true);
    bob.notePreferred(true);

    QSignalSpy toBob(&bob, &derp::DerpClient::packetReceived), toAlice(&alice, &derp::DerpClient::packetReceived);
    // Until the mesh links are up and each server has heard of the other's client, a packet is
    // dropped as unknown_dest: keep sending until one arrives.
    QVERIFY2(QTest::qWaitFor([&] {
        alice.sendPacket(bob.publicKey(), "hello bob");
        return toBob.wait(200);
    }, 15000), (one.serverLog() + two.serverLog()).right(3000).constData());
    QCOMPARE(toBob.last().at(0).value<crypto::NodePublic>(), alice.publicKey());
    QCOMPARE(toBob.last().at(1).toByteArray(), QByteArray("hello bob"));
    QVERIFY(bob.sendPacket(alice.publicKey(), "hello alice"));
    QVERIFY(toAlice.wait(5000));
    QCOMPARE(toAlice.last().at(1).toByteArray(), QByteArray("hello alice"));
    QVERIFY(one.serverLog().contains("DERP mesh: forwarding with http://127.0.0.1:" + QByteArray::number(two.port())));

    alice.close();
    bob.close();
    one.stop();
    two.stop();
}

void TestDerpMesh::meshWithoutAKeyIsRefused()
{
    test::KeelProcess keel;
    keel.writeConfig("derp:\n  urls: []\n  server:\n    enabled: true\n    private_key_path: derp_private.key\n"
                     "    stun_listen_addr: 127.0.0.1:0\n    mesh_with: [\"http://127.0.0.1:1/derp\"]\n");
    auto r = keel.cli({QStringLiteral("-c"), keel.configPath(), QStringLiteral("configtest")});
    QVERIFY(r.exitCode != 0);
    QVERIFY2((r.out + r.err).contains("needs a mesh key"), (r.out + r.err).constData());
    keel.writeConfig("derp:\n  urls: []\n  server:\n    enabled: true\n    private_key_path: derp_private.key\n"
                     "    stun_listen_addr: 127.0.0.1:0\n    mesh_key: short\n");
    r = keel.cli({QStringLiteral("-c"), keel.configPath(), QStringLiteral("configtest")});
    QVERIFY(r.exitCode != 0);
    QVERIFY2((r.out + r.err).contains("64 hex digits"), (r.out + r.err).constData());
}

QTEST_GUILESS_MAIN(TestDerpMesh)
#include "tst_derpmesh.moc"
