// /metrics of a real `keel serve` after a registration, a map stream, DERP and STUN traffic:
// every family an operator dashboards is there with a HELP text, the values follow what
// happened, and Debian's `promtool check metrics` accepts the output.
#include "KeelProcess.h"

#include "control/ControlClient.h"
#include "crypto/Keys.h"
#include "derp/DerpClient.h"
#include "derp/StunPacket.h"
#include "http/Http2ClientStream.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QUdpSocket>

using namespace keel;

namespace {

QByteArray scrape(quint16 port)
{
    QNetworkAccessManager nam;
    QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port))));
    (void)QTest::qWaitFor([&] { return reply->isFinished(); }, 10000);
    const QByteArray body = reply->readAll();
    delete reply;
    return body;
}

// The value of one sample line ("name{labels} value"); -1 when absent.
double valueOf(const QByteArray& text, const QByteArray& series)
{
    for (const QByteArray& line : text.split('\n'))
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    return -1;
}

int post(control::ControlClient& client, const QByteArray& path, const QJsonObject& body, bool waitForEnd)
{
    int status = 0;
    bool done = false, data = false;
    auto* s = client.request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    // The handlers write to this frame's locals: `guard` cuts them when it returns, since a map
    // stream (waitForEnd false) stays open and ends later.
    QObject guard;
    QObject::connect(s, &http::Http2ClientStream::headersReceived, &guard, [&](int st, const http::Http2Headers&) { status = st; });
    QObject::connect(s, &http::Http2ClientStream::dataReceived, &guard, [&](const QByteArray&) { data = true; });
    QObject::connect(s, &http::Http2ClientStream::finished, &guard, [&] { done = true; });
    QObject::connect(s, &http::Http2ClientStream::failed, &guard, [&] { done = true; });
    (void)QTest::qWaitFor([&] { return waitForEnd ? done : data; }, 15000);
    return status;
}

} // namespace

class TestMetricsScrape : public QObject
{
    Q_OBJECT

private slots:
    void dashboardFamiliesAfterRealTraffic();
};

void TestMetricsScrape::dashboardFamiliesAfterRealTraffic()
{
    const QString promtool = QStringLiteral("/usr/bin/promtool");
    QVERIFY2(QFileInfo(promtool).isExecutable(), "promtool is missing: install prometheus (scripts/setup.sh --test)");

    test::KeelProcess keel;
    const quint16 stunPort = test::KeelProcess::freePort();
    {
        // A policy in force: its compile is timed.
        QFile policy(keel.dir() + QStringLiteral("/policy.hujson"));
        QVERIFY(policy.open(QIODevice::WriteOnly));
        policy.write("{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}\n");
    }
    keel.writeConfig("derp:\n  urls: []\n  server:\n    enabled: true\n    verify_clients: true\n"
                     "    private_key_path: derp_private.key\n    stun_listen_addr: 127.0.0.1:" + QByteArray::number(stunPort) + "\n"
                     "policy:\n  path: policy.hujson\n");
    QString error;
    QVERIFY2(keel.start(true, &error), qPrintable(error));
    const QStringList c{QStringLiteral("-c"), keel.configPath()};
    QVERIFY(keel.cli(c + QStringList{"users", "create", "alice"}).exitCode == 0);
    const auto key = keel.cli(c + QStringList{"preauthkeys", "create", "-u", "1"});
    QVERIFY(key.exitCode == 0);

    // Before any traffic every family is already there (zeros), and promtool accepts it.
    const QByteArray fresh = scrape(keel.metricsPort());
    for (const char* family : {"keel_registrations_total", "keel_map_responses_total", "keel_map_response_bytes_total",
                               "keel_batcher_pending_changes", "keel_batcher_flush_duration_seconds", "keel_policy_compile_duration_seconds",
                               "keel_database_operation_duration_seconds", "keel_ha_primary_changes_total", "keel_oidc_logins_total",
                               "keel_nodes", "keel_nodes_online", "keel_nodes_by_os", "keel_nodes_by_client_version", "keel_map_sessions",
                               "keel_derp_clients", "keel_derp_received_bytes_total", "keel_derp_packets_dropped_total",
                               "keel_stun_requests_total", "http_requests_total", "process_resident_memory_bytes"})
        QVERIFY2(fresh.contains(QByteArray("# HELP ") + family + ' '), family);
    QCOMPARE(valueOf(fresh, "keel_nodes"), 0.0);

    // One node registers with a pre-auth key and opens its map stream.
    control::ControlClient client(crypto::MachinePrivate::generate());
    client.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] { return client.state() == control::ControlClient::State::Connected; }, 15000));
    const crypto::NodePrivate node = crypto::NodePrivate::generate();
    const QJsonObject hostinfo{{"Hostname", "web"}, {"OS", "linux"}, {"IPNVersion", "1.82.5-t0a1b2c3d4"}};
    QCOMPARE(post(client, "/machine/register", {{"Version", 115}, {"NodeKey", node.publicKey().toString()}, {"Hostinfo", hostinfo},
                                                {"Auth", QJsonObject{{"AuthKey", QString::fromUtf8(key.out.trimmed())}}}}, true), 200);
    QCOMPARE(post(client, "/machine/register", {{"Version", 115}, {"NodeKey", crypto::NodePrivate::generate().publicKey().toString()},
                                                {"Auth", QJsonObject{{"AuthKey", QStringLiteral("nope")}}}}, true), 200);
    QCOMPARE(post(client, "/machine/map", {{"Version", 115}, {"NodeKey", node.publicKey().toString()}, {"Stream", true}, {"Hostinfo", hostinfo}},
                  false), 200);

    // It relays one packet to itself over DERP, and asks STUN once.
    derp::DerpClient relay(node);
    relay.connectToServer(QUrl(QStringLiteral("http://127.0.0.1:%1/derp").arg(keel.port())));
    QVERIFY(QTest::qWaitFor([&] { return relay.isConnected(); }, 10000));
    QVERIFY(relay.sendPacket(crypto::NodePrivate::generate().publicKey(), "to nobody"));
    QUdpSocket udp;
    QVERIFY(udp.bind(QHostAddress::LocalHost, 0));
    derp::StunPacket::TransactionId id{};
    id[0] = 1;
    udp.writeDatagram(derp::StunPacket::bindingRequest(id), QHostAddress::LocalHost, stunPort);
    QVERIFY(QTest::qWaitFor([&] { return udp.hasPendingDatagrams(); }, 5000));

    QByteArray text;
    QVERIFY(QTest::qWaitFor([&] {
        text = scrape(keel.metricsPort());
        return valueOf(text, "keel_derp_packets_dropped_total{reason=\"unknown_dest\"}") >= 1;
    }, 10000));
    QCOMPARE(valueOf(text, "keel_nodes"), 1.0);
    QCOMPARE(valueOf(text, "keel_nodes_online"), 1.0);
    QCOMPARE(valueOf(text, "keel_nodes_by_os{os=\"linux\"}"), 1.0);
    QCOMPARE(valueOf(text, "keel_nodes_by_client_version{version=\"1.82\"}"), 1.0);
    QCOMPARE(valueOf(text, "keel_map_sessions"), 1.0);
    QCOMPARE(valueOf(text, "keel_registrations_total{method=\"authkey\",outcome=\"success\"}"), 1.0);
    QCOMPARE(valueOf(text, "keel_registrations_total{method=\"authkey\",outcome=\"rejected\"}"), 1.0);
    QVERIFY(valueOf(text, "keel_map_responses_total{kind=\"full\"}") >= 1);
    QVERIFY(valueOf(text, "keel_map_response_bytes_total{kind=\"full\"}") > 100);
    QVERIFY(valueOf(text, "keel_database_operation_duration_seconds_count{op=\"write\"}") >= 1);
    QVERIFY(valueOf(text, "keel_policy_compile_duration_seconds_count") >= 1);
    QCOMPARE(valueOf(text, "keel_derp_clients"), 1.0);
    QVERIFY(valueOf(text, "keel_derp_received_bytes_total") >= 9);
    QCOMPARE(valueOf(text, "keel_stun_requests_total{result=\"success\"}"), 1.0);

    // Prometheus' own linter: names, suffixes, HELP and TYPE lines.
    QProcess check;
    check.setProcessChannelMode(QProcess::MergedChannels);
    check.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY(check.waitForStarted());
    check.write(text);
    check.closeWriteChannel();
    QVERIFY(check.waitForFinished(30000));
    const QByteArray verdict = check.readAll();
    QVERIFY2(check.exitCode() == 0, verdict.constData());
    relay.close();
    client.close();
    keel.stop();
}

QTEST_GUILESS_MAIN(TestMetricsScrape)
#include "tst_metricsscrape.moc"
