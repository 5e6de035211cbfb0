// Keel behind Debian's nginx, configured as the seed guide does: registration, the map stream and
// DERP all pass through the proxy, and the forwarded client address is believed only from an
// address listed in trusted_proxies (also after a reload that empties the list).
#include "KeelProcess.h"
#include "NginxProcess.h"

#include "control/ControlCall.h"
#include "control/ControlClient.h"
#include "crypto/Keys.h"
#include "derp/DerpClient.h"
#include "http/Http2ClientStream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

using namespace keel;

namespace {

// nginx reaches Keel from this address (proxy_bind); clients reach nginx from 127.0.0.1.
const QString kProxyAddress = QStringLiteral("127.0.0.3");

// One plain HTTP/1.1 request; returns the status line's code (0 when nothing came back).
int rawGet(quint16 port, const QByteArray& path, const QByteArray& extraHeaders = {})
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return 0;
    socket.write("GET " + path + " HTTP/1.1\r\nHost: keel.test\r\nConnection: close\r\n" + extraHeaders + "\r\n");
    QByteArray reply;
    while (socket.waitForReadyRead(5000))
        reply += socket.readAll();
    reply += socket.readAll();
    return reply.startsWith("HTTP/1.1 ") ? reply.mid(9, 3).toInt() : 0;
}

// Logs lines that mention `path`, for the failure message.
QByteArray linesWith(const QByteArray& log, const QByteArray& needle)
{
    QByteArray out;
    for (const QByteArray& line : log.split('\n'))
        if (line.contains(needle))
            out += line + '\n';
    return out.isEmpty() ? "(no line mentions " + needle + ")" : out;
}

} // namespace

class TestReverseProxy : public QObject
{
    Q_OBJECT

private slots:
    void keelBehindNginx();
};

void TestReverseProxy::keelBehindNginx()
{
    test::KeelProcess keel;
    const QByteArray stun = QByteArray::number(test::KeelProcess::freePort());
    keel.writeConfig("trusted_proxies: [" + kProxyAddress.toUtf8() + "/32]\n"
                     "log:\n  level: debug\n"
                     "derp:\n  urls: []\n  server:\n    enabled: true\n    verify_clients: true\n"
                     "    private_key_path: derp_private.key\n    stun_listen_addr: 127.0.0.1:" + stun + "\n");
    QString error;
    QVERIFY2(keel.start(true, &error), qPrintable(error + '\n' + keel.serverLog()));
    test::NginxProcess nginx;
    QVERIFY2(nginx.start(keel.port(), kProxyAddress, &error), qPrintable(error));
    const QStringList c{QStringLiteral("-c"), keel.configPath()};
    QVERIFY(keel.cli(c + QStringList{"users", "create", "alice"}).exitCode == 0);
    const auto authKey = keel.cli(c + QStringList{"preauthkeys", "create", "-u", "1", "--reusable"});
    QVERIFY2(authKey.exitCode == 0, authKey.err.constData());

    // Two machines register through the proxy (GET /key, POST /ts2021 upgraded by nginx) and
    // open their map streams.
    struct Machine
    {
        control::ControlClient client{crypto::MachinePrivate::generate()};
        crypto::NodePrivate node = crypto::NodePrivate::generate();
    };
    Machine machines[2];
    for (int i = 0; i < 2; ++i) {
        Machine& m = machines[i];
        m.client.connectToServer(QStringLiteral("127.0.0.1"), nginx.port());
        QVERIFY2(QTest::qWaitFor([&] { return m.client.state() == control::ControlClient::State::Connected
                                              || m.client.state() == control::ControlClient::State::Failed; }, 15000),
                 "no ts2021 connection through nginx");
        QVERIFY2(m.client.state() == control::ControlClient::State::Connected, qPrintable(m.client.errorString() + '\n' + nginx.errorLog()));
        const QJsonObject hostinfo{{"Hostname", QStringLiteral("node%1").arg(i)}, {"OS", "linux"}};
        QByteArray reply;
        QCOMPARE(test::callAndWait(m.client, "POST", "/machine/register",
                      {{"Version", 115}, {"NodeKey", m.node.publicKey().toString()}, {"Hostinfo", hostinfo},
                       {"Auth", QJsonObject{{"AuthKey", QString::fromUtf8(authKey.out.trimmed())}}}}, &reply, true), 200);
        QVERIFY2(QJsonDocument::fromJson(reply).object().value("MachineAuthorized").toBool(), reply.constData());
        QByteArray map;
        QCOMPARE(test::callAndWait(m.client, "POST", "/machine/map", {{"Version", 115}, {"NodeKey", m.node.publicKey().toString()}, {"Stream", true},
                                                 {"Hostinfo", hostinfo}}, &map, false), 200);
        QVERIFY2(!map.isEmpty(), "the map stream sent nothing through the proxy");
    }
    const auto listed = keel.cli(c + QStringList{"nodes", "list", "-o", "json"});
    QCOMPARE(listed.json().array().size(), 2);

    // DERP through the proxy: both nodes connect to /derp on nginx and relay a packet.
    derp::DerpClient a(machines[0].node), b(machines[1].node);
    QSignalSpy aUp(&a, &derp::DerpClient::connected), bUp(&b, &derp::DerpClient::connected);
    QSignalSpy received(&b, &derp::DerpClient::packetReceived);
    const QUrl derpUrl(QStringLiteral("http://127.0.0.1:%1/derp").arg(nginx.port()));
    a.connectToServer(derpUrl);
    b.connectToServer(derpUrl);
    QVERIFY2(QTest::qWaitFor([&] { return a.isConnected() && b.isConnected(); }, 10000), nginx.errorLog().right(2000).constData());
    QVERIFY(a.sendPacket(b.publicKey(), "through nginx"));
    QVERIFY(received.wait(5000));
    QCOMPARE(received.first().at(1).toByteArray(), QByteArray("through nginx"));

    // The address Keel believes: the client's (127.0.0.1) via the trusted proxy, never a value a
    // client wrote into X-Forwarded-For itself, and never from a peer that is not a trusted proxy.
    QCOMPARE(rawGet(nginx.port(), "/version?via=proxy", "X-Forwarded-For: 203.0.113.9\r\n"), 200);
    QCOMPARE(rawGet(keel.port(), "/version?via=direct", "X-Forwarded-For: 203.0.113.9\r\nX-Real-IP: 203.0.113.9\r\n"), 200);
    QTest::qWait(200);
    QByteArray log = keel.serverLog();
    QVERIFY2(log.contains("127.0.0.1 via 127.0.0.3 GET /key"), linesWith(log, "/key").constData());
    QVERIFY2(log.contains("127.0.0.1 via 127.0.0.3 GET /version"), linesWith(log, "/version").constData());
    QVERIFY2(log.contains("ts2021 connection from 127.0.0.1 "), linesWith(log, "ts2021").constData());
    QVERIFY2(!log.contains("203.0.113.9"), linesWith(log, "203.0.113.9").constData());
    QVERIFY2(!log.contains("from 127.0.0.3"), linesWith(log, "from 127.0.0.3").constData());

    // A reload that empties trusted_proxies: nginx is now just a peer, its headers are ignored.
    QByteArray config;
    {
        QFile f(keel.configPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        config = f.readAll();
    }
    config.replace("trusted_proxies: [" + kProxyAddress.toUtf8() + "/32]", "trusted_proxies: []");
    {
        QFile f(keel.configPath());
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(config);
    }
    QVERIFY(keel.signal(SIGHUP));
    QVERIFY(QTest::qWaitFor([&] { return keel.serverLog().contains("reload: applied trusted_proxies"); }, 10000));
    QCOMPARE(rawGet(nginx.port(), "/robots.txt"), 200);
    QTest::qWait(200);
    log = keel.serverLog();
    QVERIFY2(log.contains("127.0.0.3 GET /robots.txt"), linesWith(log, "/robots.txt").constData());
    QVERIFY2(!log.contains("via 127.0.0.3 GET /robots.txt"), linesWith(log, "/robots.txt").constData());
    nginx.stop();
    keel.stop();
}

QTEST_GUILESS_MAIN(TestReverseProxy)
#include "tst_reverseproxy.moc"
