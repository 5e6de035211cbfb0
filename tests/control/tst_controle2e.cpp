// Our ControlClient against a real `keel serve` process over loopback TCP: /key, the upgrade,
// the Noise handshake, EarlyNoise, and HTTP/2 requests answered by the server's control handler.
#include "KeelProcess.h"

#include "sim/SimNode.h"
#include "control/ControlCall.h"
#include "control/ControlClient.h"
#include "http/Http2ClientStream.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <csignal>

using namespace keel;

class TestControlE2e : public QObject
{
    Q_OBJECT

private slots:
    void clientAgainstKeelServe();
    void sighupReloadsDnsForConnectedNodes();
    void routesThroughTheCliAndThePingEndpoint();
};

// SIGHUP re-reads the config file: the dns.* keys reach a node connected over real Noise as a
// DNSConfig update, and a changed key that needs a restart is named in the log.
void TestControlE2e::sighupReloadsDnsForConnectedNodes()
{
    test::KeelProcess keel;
    keel.writeConfig();
    QFile file(keel.configPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray original = file.readAll();
    file.close();
    const QByteArray defaultDns = "dns:\n  magic_dns: true\n  base_domain: tailnet.test\n  nameservers:\n    global: [1.1.1.1]\n";
    QVERIFY(original.contains(defaultDns));
    QString error;
    QVERIFY2(keel.start(true, &error), qPrintable(error + '\n' + keel.serverLog()));
    QCOMPARE(keel.cli({"-c", keel.configPath(), "users", "create", "e2e"}).exitCode, 0);
    const auto created = keel.cli({"-c", keel.configPath(), "preauthkeys", "create", "-u", "1", "--reusable"});
    QCOMPARE(created.exitCode, 0);
    const QString authKey = QString::fromUtf8(created.out.trimmed());

    sim::SimNode node(1, authKey);
    node.start(QStringLiteral("127.0.0.1"), keel.port(), std::nullopt);
    QVERIFY(QTest::qWaitFor([&] { return node.netmap().hasSelf() || node.failed(); }, 20000));
    QVERIFY2(!node.failed(), qPrintable(node.error()));
    QCOMPARE(node.netmap().dnsConfig()["Resolvers"].toArray(), (QJsonArray{QJsonObject{{"Addr", "1.1.1.1"}}}));

    QByteArray edited = original;
    edited.replace(defaultDns, "dns:\n  magic_dns: true\n  base_domain: tailnet.test\n  nameservers:\n    global: [9.9.9.9]\n"
                               "  extra_records:\n    - name: grafana.tailnet.test\n      type: A\n      value: 100.64.0.9\n");
    edited.replace("prefixes:\n", "prefixes:\n  allocation: random\n");
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(edited);
    file.close();
#ifdef Q_OS_WIN
    QSKIP("a config reload is asked for with SIGHUP, which Windows has not (restart the service there)");
#else
    QVERIFY(keel.signal(SIGHUP));
    QVERIFY2(QTest::qWaitFor([&] { return node.netmap().dnsConfig()["ExtraRecords"].toArray().size() == 1; }, 15000),
             keel.serverLog().constData());
    QCOMPARE(node.netmap().dnsConfig()["Resolvers"].toArray(), (QJsonArray{QJsonObject{{"Addr", "9.9.9.9"}}}));
    QCOMPARE(node.netmap().dnsConfig()["ExtraRecords"].toArray().at(0)["Value"].toString(), QString("100.64.0.9"));
    // The node may see the update before the server's log line reaches our pipe: wait for it.
    QTRY_VERIFY_WITH_TIMEOUT(keel.serverLog().contains("need a restart"), 10000);
    const QByteArray log = keel.serverLog();
    QVERIFY2(log.contains("reload: applied dns.nameservers.global, dns.extra_records"), log.constData());
    QVERIFY2(log.contains("need a restart") && log.contains("prefixes.allocation"), log.constData());
    keel.stop();
#endif
}

namespace {

// One request over the client's Noise channel; returns the status (0 on timeout).
QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        out << x.toString();
    return out;
}

} // namespace

void TestControlE2e::routesThroughTheCliAndThePingEndpoint()
{
    test::KeelProcess keel;
    keel.writeConfig();
    QString error;
    QVERIFY2(keel.start(true, &error), qPrintable(error + '\n' + keel.serverLog()));
    const QStringList c{QStringLiteral("-c"), keel.configPath()};
    QVERIFY(keel.cli(c + QStringList{"users", "create", "alice"}).exitCode == 0);
    const auto key = keel.cli(c + QStringList{"preauthkeys", "create", "-u", "1"});
    QVERIFY2(key.exitCode == 0, key.err.constData());

    control::ControlClient client(crypto::MachinePrivate::generate());
    client.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] { return client.state() == control::ControlClient::State::Connected; }, 15000));
    const QString nodeKey = QStringLiteral("nodekey:") + QString(64, QLatin1Char('a'));
    const QJsonObject hostinfo{{"Hostname", "router"}, {"OS", "linux"},
                               {"RoutableIPs", QJsonArray{"0.0.0.0/0", "10.0.0.0/24", "::/0"}}};
    QByteArray reply;
    QCOMPARE(test::callAndWait(client, "POST", "/machine/register",
                  {{"Version", 115}, {"NodeKey", nodeKey}, {"Hostinfo", hostinfo},
                   {"Auth", QJsonObject{{"AuthKey", QString::fromUtf8(key.out.trimmed())}}}}, &reply), 200);
    QVERIFY2(QJsonDocument::fromJson(reply).object().value("MachineAuthorized").toBool(), reply.constData());
    // A streaming map: the router is online, so it can be elected.
    QCOMPARE(test::callAndWait(client, "POST", "/machine/map", {{"Version", 115}, {"NodeKey", nodeKey}, {"Stream", true}, {"Hostinfo", hostinfo}}, nullptr, false), 200);

    auto r = keel.cli(c + QStringList{"nodes", "list-routes", "-o", "json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QJsonObject node = r.json().array().first().toObject();
    QCOMPARE(strings(node["availableRoutes"]), (QStringList{"0.0.0.0/0", "10.0.0.0/24", "::/0"}));
    QVERIFY(strings(node["approvedRoutes"]).isEmpty());
    QVERIFY(strings(node["subnetRoutes"]).isEmpty());

    // approve-routes answers with the primary subnet routes only, as Headscale's handler does.
    r = keel.cli(c + QStringList{"nodes", "approve-routes", "-i", "1", "-r", "10.0.0.0/24,0.0.0.0/0,::/0", "-o", "json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(strings(r.json().object()["subnetRoutes"]), QStringList{"10.0.0.0/24"});
    // Listing: primaries and exit routes, as Headscale's list.
    r = keel.cli(c + QStringList{"nodes", "list-routes", "-o", "json"});
    node = r.json().array().first().toObject();
    QCOMPARE(strings(node["approvedRoutes"]), (QStringList{"0.0.0.0/0", "10.0.0.0/24", "::/0"}));
    QCOMPARE(strings(node["subnetRoutes"]), (QStringList{"10.0.0.0/24", "0.0.0.0/0", "::/0"}));
    r = keel.cli(c + QStringList{"nodes", "list-routes"});
    QVERIFY2(r.out.contains("Serving (Primary)") && r.out.contains("10.0.0.0/24"), r.out.constData());

    // The prober's callback: an unknown id is 404 over Noise and on the public listener, no id 400.
    QCOMPARE(test::callAndWait(client, "HEAD", "/machine/ping-response?id=0123456789abcdef", {}), 404);
    QCOMPARE(test::callAndWait(client, "HEAD", "/machine/ping-response", {}), 400);
    QNetworkAccessManager nam;
    QNetworkReply* head = nam.head(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/machine/ping-response?id=nope").arg(keel.port()))));
    QVERIFY(QTest::qWaitFor([&] { return head->isFinished(); }, 10000));
    QCOMPARE(head->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
    delete head;
    keel.stop();
}

void TestControlE2e::clientAgainstKeelServe()
{
    test::KeelProcess keel;
    keel.writeConfig();
    QString error;
    QVERIFY2(keel.start(true, &error), qPrintable(error + '\n' + keel.serverLog()));

    const crypto::MachinePrivate machine = crypto::MachinePrivate::generate();
    control::ControlClient client(machine);
    client.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] {
        return client.state() == control::ControlClient::State::Connected || client.state() == control::ControlClient::State::Failed;
    }, 15000));
    QVERIFY2(client.state() == control::ControlClient::State::Connected, qPrintable(client.errorString()));
    QVERIFY(!client.serverKey().isZero());
    QVERIFY(client.hadEarlyPayload());
    QVERIFY(!client.challenge().isZero());

    // An endpoint nobody implements answers the way Headscale does; an unknown path is 404.
    int status = 0;
    QByteArray body;
    bool done = false;
    auto* stream = client.request("GET", "/machine/whoami");
    QObject::connect(stream, &http::Http2ClientStream::headersReceived, stream, [&](int s, const http::Http2Headers&) { status = s; });
    QObject::connect(stream, &http::Http2ClientStream::dataReceived, stream, [&](const QByteArray& c) { body += c; });
    QObject::connect(stream, &http::Http2ClientStream::finished, stream, [&] { done = true; });
    QObject::connect(stream, &http::Http2ClientStream::failed, stream, [&] { done = true; });
    QVERIFY(QTest::qWaitFor([&] { return done; }, 10000));
    QCOMPARE(status, 501);

    int unknownStatus = 0;
    bool unknownDone = false;
    auto* unknown = client.request("POST", "/definitely/not/a/path", "{}");
    QObject::connect(unknown, &http::Http2ClientStream::headersReceived, unknown, [&](int s, const http::Http2Headers&) { unknownStatus = s; });
    QObject::connect(unknown, &http::Http2ClientStream::finished, unknown, [&] { unknownDone = true; });
    QObject::connect(unknown, &http::Http2ClientStream::failed, unknown, [&] { unknownDone = true; });
    QVERIFY(QTest::qWaitFor([&] { return unknownDone; }, 10000));
    QCOMPARE(unknownStatus, 404);

    // The server survives a client that vanishes, and takes the next one.
    client.close();
    control::ControlClient second(crypto::MachinePrivate::generate());
    second.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] { return second.state() == control::ControlClient::State::Connected; }, 15000));
    keel.stop();
}

QTEST_GUILESS_MAIN(TestControlE2e)
#include "tst_controle2e.moc"
