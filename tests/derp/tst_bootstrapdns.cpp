// /bootstrap-dns answers (derp::BootstrapDns): the DERP map's host names with their addresses,
// narrowed by ?q=, never names outside the map. Only loopback names: IP literals, the map's own
// IPv4/IPv6 fields, and "localhost" (the hosts file).
#include "derp/BootstrapDns.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace keel::derp;

class TestBootstrapDns : public QObject
{
    Q_OBJECT

private slots:
    void answersTheMapsNames()
    {
        const QJsonObject map = QJsonDocument::fromJson(R"({"Regions":{
            "900":{"RegionID":900,"Nodes":[{"Name":"900a","HostName":"127.0.0.1"},
                                           {"Name":"900b","HostName":"relay.example","IPv4":"127.0.0.2","IPv6":"::1"}]},
            "901":{"RegionID":901,"Nodes":[{"Name":"901a","HostName":"localhost"},
                                           {"Name":"901b","HostName":"relay.example","IPv4":"none"}]}}})").object();
        BootstrapDns dns;
        dns.update(map);
        QVERIFY(QTest::qWaitFor([&dns] { return dns.pending() == 0; }, 10000));
        const QJsonObject all = dns.answer();
        QCOMPARE(all.value("127.0.0.1").toArray(), QJsonArray{"127.0.0.1"});
        QCOMPARE(all.value("relay.example").toArray(), (QJsonArray{"127.0.0.2", "::1"}));
        QVERIFY(all.value("localhost").toArray().contains(QJsonValue("127.0.0.1")) || all.value("localhost").toArray().contains(QJsonValue("::1")));
        QCOMPARE(all.size(), 3);
        // ?q= narrows to one name of the map (case-insensitively), and answers nothing else.
        QCOMPARE(dns.answer("RELAY.example").keys(), QStringList{"relay.example"});
        QVERIFY(dns.answer("example.com").isEmpty());
        // A new map replaces the old names.
        dns.update(QJsonDocument::fromJson(R"({"Regions":{"1":{"Nodes":[{"HostName":"127.0.0.9"}]}}})").object());
        QCOMPARE(dns.answer().keys(), QStringList{"127.0.0.9"});
    }
};

QTEST_GUILESS_MAIN(TestBootstrapDns)
#include "tst_bootstrapdns.moc"
