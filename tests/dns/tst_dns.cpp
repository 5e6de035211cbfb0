#include "dns/DnsConfigBuilder.h"
#include "dns/DnsName.h"
#include "dns/ExtraRecords.h"
#include "dns/NodeDnsConfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace keel;

class TestDns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sanitize_data()
    {
        QTest::addColumn<QString>("in");
        QTest::addColumn<QString>("out");
        QTest::newRow("plain") << "web-1" << "web-1";
        QTest::newRow("upper") << "MyLaptop" << "mylaptop";
        QTest::newRow("spaces") << "Alice's MacBook Pro" << "alices-macbook-pro";
        QTest::newRow("local") << "printer.local" << "printer";
        QTest::newRow("lan") << "nas.lan" << "nas";
        QTest::newRow("dots") << "a.b_c@d" << "a-b-c-d";
        QTest::newRow("edges") << "--x--" << "x";
        QTest::newRow("non-ascii") << QString::fromUtf8("café") << "caf";
        QTest::newRow("empty") << "" << "node";
        QTest::newRow("only junk") << QString::fromUtf8("ñññ!!") << "node";
        QTest::newRow("long") << QString(80, QLatin1Char('a')) << QString(63, QLatin1Char('a'));
    }
    void sanitize()
    {
        QFETCH(QString, in);
        QFETCH(QString, out);
        QCOMPARE(dns::DnsName::sanitize(in), out);
        QVERIFY(dns::DnsName::isValidLabel(dns::DnsName::sanitize(in)));
    }

    void uniqueBumps()
    {
        QSet<QString> taken{"web", "web-1"};
        auto isTaken = [&](const QString& l) { return taken.contains(l); };
        QCOMPARE(dns::DnsName::unique("db", isTaken), QString("db"));
        QCOMPARE(dns::DnsName::unique("web", isTaken), QString("web-2"));
        const QString longLabel(63, QLatin1Char('x'));
        taken.insert(longLabel);
        const QString bumped = dns::DnsName::unique(longLabel, isTaken);
        QVERIFY(bumped.size() <= 63);
        QVERIFY(bumped.endsWith("-1"));
    }

    void fqdn()
    {
        QCOMPARE(dns::DnsName::fqdn("web", "ts.example.com"), QString("web.ts.example.com."));
        QCOMPARE(dns::DnsName::fqdn("web", "ts.example.com."), QString("web.ts.example.com."));
        QVERIFY(!dns::DnsName::isValidLabel("Bad_Name"));
        QVERIFY(!dns::DnsName::isValidLabel("-x"));
    }

    void reverseZones()
    {
        const QStringList v4 = dns::DnsConfigBuilder::reverseZones("100.64.0.0/10");
        QCOMPARE(v4.size(), 64);
        QCOMPARE(v4.first(), QString("64.100.in-addr.arpa"));
        QCOMPARE(v4.last(), QString("127.100.in-addr.arpa"));
        QCOMPARE(dns::DnsConfigBuilder::reverseZones("fd7a:115c:a1e0::/48"),
                 QStringList{"0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa"});
        QCOMPARE(dns::DnsConfigBuilder::reverseZones("10.1.2.0/24"), QStringList{"2.1.10.in-addr.arpa"});
        QVERIFY(dns::DnsConfigBuilder::reverseZones("garbage").isEmpty());
    }

    void buildConfig()
    {
        config::Config c;
        c.prefixes.v4 = "100.64.0.0/10";
        c.prefixes.v6 = "fd7a:115c:a1e0::/48";
        c.dns.magicDns = true;
        c.dns.baseDomain = "ts.example.com";
        c.dns.globalNameservers = {"1.1.1.1", "https://dns.nextdns.io/abc"};
        c.dns.splitNameservers.insert("corp.example", {"10.0.0.53"});
        c.dns.searchDomains = {"corp.example"};
        c.dns.extraRecords = QJsonArray{QJsonObject{{"name", "grafana.ts.example.com"}, {"type", "A"}, {"value", "100.64.0.9"}}};
        const QJsonObject d = dns::DnsConfigBuilder(c).build();
        QCOMPARE(d["Proxied"].toBool(), true);
        QCOMPARE(d["Resolvers"].toArray().size(), 2);
        QCOMPARE(d["Resolvers"].toArray()[0].toObject()["Addr"].toString(), QString("1.1.1.1"));
        QCOMPARE(d["Domains"].toArray(), (QJsonArray{"ts.example.com", "corp.example"}));
        const QJsonObject routes = d["Routes"].toObject();
        QCOMPARE(routes["corp.example"].toArray()[0].toObject()["Addr"].toString(), QString("10.0.0.53"));
        QVERIFY(routes["64.100.in-addr.arpa"].isArray());
        QVERIFY(routes["64.100.in-addr.arpa"].toArray().isEmpty());
        QVERIFY(routes.contains("0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa"));
        QCOMPARE(d["ExtraRecords"].toArray()[0].toObject()["Name"].toString(), QString("grafana.ts.example.com"));

        c.dns.overrideLocalDns = false;
        c.dns.magicDns = false;
        const QJsonObject e = dns::DnsConfigBuilder(c).build();
        QVERIFY(!e.contains("Resolvers"));
        QCOMPARE(e["FallbackResolvers"].toArray().size(), 2);
        QVERIFY(!e.contains("Proxied")); // omitzero
        QVERIFY(!e["Routes"].toObject().contains("64.100.in-addr.arpa"));
    }

    // The exact JSON Headscale's dnsToTailcfgDNS + reverse zones produce for the same keys.
    void headscaleShapes_data()
    {
        QTest::addColumn<QByteArray>("yamlish"); // which variant
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("magic, override, split, search, extra")
            << QByteArray("magic")
            << QByteArray(R"({"Resolvers":[{"Addr":"1.1.1.1"},{"Addr":"2606:4700:4700::1111"}],)"
                          R"("Routes":{"corp.example":[{"Addr":"10.0.0.53"}],"0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa":[],"64.100.in-addr.arpa":[],"65.100.in-addr.arpa":[]},)"
                          R"("Domains":["ts.example.com","corp.example","ts.example.com"],"Proxied":true,)"
                          R"("ExtraRecords":[{"Name":"grafana.ts.example.com","Type":"A","Value":"100.64.0.9"},{"Name":"bare.ts.example.com","Value":"fd7a::1"}]})");
        QTest::newRow("no magic, no override: fallback, base domain still searched")
            << QByteArray("plain")
            << QByteArray(R"({"FallbackResolvers":[{"Addr":"1.1.1.1"},{"Addr":"2606:4700:4700::1111"}],"Domains":["ts.example.com"]})");
        QTest::newRow("magic without nameservers") << QByteArray("bare")
                                                   << QByteArray(R"({"Routes":{"0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa":[],"64.100.in-addr.arpa":[],"65.100.in-addr.arpa":[]},"Domains":["ts.example.com"],"Proxied":true})");
    }
    void headscaleShapes()
    {
        QFETCH(QByteArray, yamlish);
        QFETCH(QByteArray, expected);
        config::Config c;
        c.prefixes.v4 = "100.64.0.0/15"; // two reverse zones keep the expectation readable
        c.prefixes.v6 = "fd7a:115c:a1e0::/48";
        c.dns.baseDomain = "ts.example.com";
        c.dns.globalNameservers = {"1.1.1.1", "2606:4700:4700::1111"};
        if (yamlish == "magic") {
            c.dns.splitNameservers.insert("corp.example", {"10.0.0.53"});
            c.dns.splitNameservers.insert("empty.example", {}); // Headscale: null, dropped by the client
            c.dns.searchDomains = {"corp.example", "ts.example.com"}; // Headscale does not dedupe
            c.dns.extraRecords = QJsonArray{QJsonObject{{"name", "grafana.ts.example.com"}, {"type", "A"}, {"value", "100.64.0.9"}},
                                            QJsonObject{{"name", "bare.ts.example.com"}, {"value", "fd7a::1"}}};
        } else if (yamlish == "plain") {
            c.dns.magicDns = false;
            c.dns.overrideLocalDns = false;
        } else {
            c.dns.globalNameservers.clear();
            c.dns.overrideLocalDns = false;
        }
        const QJsonObject got = dns::DnsConfigBuilder(c).build();
        QCOMPARE(got, QJsonDocument::fromJson(expected).object());
    }

    void extraRecordsParse_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status"); // ExtraRecords::Status
        QTest::addColumn<int>("count");
        using S = dns::ExtraRecords::Status;
        QTest::newRow("headscale example") << QByteArray(R"([{"name":"grafana.myvpn.example.com","type":"A","value":"100.64.0.3"},
            {"name":"prometheus.myvpn.example.com","type":"A","value":"100.64.0.4"}])") << int(S::Ok) << 2;
        QTest::newRow("Go matches keys in any case") << QByteArray(R"([{"Name":"a.example","TYPE":"AAAA","vAlUe":"fd7a::1"}])") << int(S::Ok) << 1;
        QTest::newRow("no type") << QByteArray(R"([{"name":"a.example","value":"100.64.0.1"}])") << int(S::Ok) << 1;
        QTest::newRow("unknown keys ignored") << QByteArray(R"([{"name":"a.example","value":"100.64.0.1","ttl":60}])") << int(S::Ok) << 1;
        QTest::newRow("duplicates dropped") << QByteArray(R"([{"name":"a","value":"1"},{"name":"a","value":"1"},{"name":"a","value":"2"}])") << int(S::Ok) << 2;
        QTest::newRow("empty list") << QByteArray("[]") << int(S::Ok) << 0;
        QTest::newRow("empty file") << QByteArray("") << int(S::Empty) << 0;
        QTest::newRow("whitespace") << QByteArray(" \n\t") << int(S::Empty) << 0;
        QTest::newRow("null") << QByteArray("null") << int(S::Empty) << 0;
        QTest::newRow("object") << QByteArray(R"({"name":"a","value":"1"})") << int(S::Invalid) << 0;
        QTest::newRow("truncated") << QByteArray(R"([{"name":"a","value":"1"})") << int(S::Invalid) << 0;
        QTest::newRow("string element") << QByteArray(R"(["a"])") << int(S::Invalid) << 0;
        QTest::newRow("null element") << QByteArray(R"([null])") << int(S::Invalid) << 0;
        QTest::newRow("no name") << QByteArray(R"([{"value":"1"}])") << int(S::Invalid) << 0;
        QTest::newRow("numeric value") << QByteArray(R"([{"name":"a","value":1}])") << int(S::Invalid) << 0;
        QTest::newRow("numeric type") << QByteArray(R"([{"name":"a","type":1,"value":"1"}])") << int(S::Invalid) << 0;
        QTest::newRow("yaml") << QByteArray("- name: a\n  value: 1\n") << int(S::Invalid) << 0;
        QTest::newRow("binary") << QByteArray("\x00\xff\xfe[", 4) << int(S::Invalid) << 0;
        // A good record before a bad one: the file is refused whole (found by fuzz_dns_inputs).
        QTest::newRow("bad second record") << QByteArray(R"([{"name":"a","value":"1"},{"name":"b","vahue":"2"}])") << int(S::Invalid) << 0;
    }
    void extraRecordsParse()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        QFETCH(int, count);
        const auto parsed = dns::ExtraRecords::parse(bytes);
        QCOMPARE(int(parsed.status), status);
        QCOMPARE(parsed.records.size(), count);
        QCOMPARE(parsed.error.isEmpty(), status != int(dns::ExtraRecords::Status::Invalid));
        for (const QJsonValue& v : parsed.records) {
            QVERIFY(!v["name"].toString().isEmpty());
            QVERIFY(!v["value"].toString().isEmpty());
        }
    }

    // Random garbage and mutations of a valid file: always a clean verdict, never a crash.
    void extraRecordsGarbage()
    {
        const QByteArray valid = R"([{"name":"grafana.ts.example.com","type":"A","value":"100.64.0.3"},{"name":"x","value":"fd7a::1"}])";
        QRandomGenerator rng(7);
        int ok = 0;
        for (int i = 0; i < 20000; ++i) {
            QByteArray b = valid;
            const int edits = 1 + int(rng.bounded(4));
            for (int e = 0; e < edits; ++e) {
                const int pos = int(rng.bounded(b.size()));
                switch (rng.bounded(3)) {
                case 0: b[pos] = char(rng.bounded(256)); break;
                case 1: b.remove(pos, int(rng.bounded(8))); break;
                default: b.insert(pos, "{[\"\\,:]}"[rng.bounded(8)]); break;
                }
            }
            const auto parsed = dns::ExtraRecords::parse(b);
            if (parsed.status == dns::ExtraRecords::Status::Ok) {
                ++ok;
                for (const QJsonValue& v : parsed.records)
                    QVERIFY(v["name"].isString() && v["value"].isString());
            } else if (parsed.status == dns::ExtraRecords::Status::Invalid) {
                QVERIFY(!parsed.error.isEmpty());
            }
        }
        QVERIFY(ok < 20000); // the mutations did break things
    }

    // Headscale's generateDNSConfig: NextDNS query parameters and profiles per node.
    void nextDnsPerNode()
    {
        config::Config c;
        c.prefixes.v4 = "100.64.0.0/10";
        c.dns.baseDomain = "ts.example.com";
        c.dns.magicDns = false;
        c.dns.globalNameservers = {"https://dns.nextdns.io/abc123", "1.1.1.1"};
        c.dns.splitNameservers.insert("corp.example", {"https://dns.nextdns.io/corp?x=1"});
        const QJsonObject shared = dns::DnsConfigBuilder(c).build();
        QVERIFY(dns::NodeDnsConfig::hasNextDns(shared));

        dns::NodeDnsInfo web{"Web 1", "linux", "100.64.0.7", {}, {}};
        QJsonObject d = dns::NodeDnsConfig::forNode(shared, web);
        QCOMPARE(d["Resolvers"].toArray().at(0)["Addr"].toString(),
                 QString("https://dns.nextdns.io/abc123?device_ip=100.64.0.7&device_model=linux&device_name=Web+1"));
        QCOMPARE(d["Resolvers"].toArray().at(1)["Addr"].toString(), QString("1.1.1.1"));
        // An existing query is kept and merged, keys sorted as Go's url.Values.Encode does.
        QCOMPARE(d.value("Routes")["corp.example"].toArray().at(0)["Addr"].toString(),
                 QString("https://dns.nextdns.io/corp?device_ip=100.64.0.7&device_model=linux&device_name=Web+1&x=1"));
        QVERIFY(!d.contains("CertDomains"));

        // nodeAttrs: the sorted-first valid profile replaces the path; no-device-info stops metadata.
        web.capabilities = {"nextdns:zzz", "nextdns:p2", "nextdns:bad/..", "nextdns:no-device-info"};
        d = dns::NodeDnsConfig::forNode(shared, web);
        QCOMPARE(d["Resolvers"].toArray().at(0)["Addr"].toString(), QString("https://dns.nextdns.io/p2"));
        QCOMPARE(d.value("Routes")["corp.example"].toArray().at(0)["Addr"].toString(), QString("https://dns.nextdns.io/p2"));

        // A look-alike host is not NextDNS; nothing per node without it.
        QVERIFY(!dns::NodeDnsConfig::isNextDnsAddr("https://dns.nextdns.io.attacker.example/x"));
        c.dns.globalNameservers = {"https://dns.nextdns.io.attacker.example/x"};
        c.dns.splitNameservers.clear();
        const QJsonObject plain = dns::DnsConfigBuilder(c).build();
        QVERIFY(!dns::NodeDnsConfig::hasNextDns(plain));
        QCOMPARE(dns::NodeDnsConfig::forNode(plain, web), plain);
    }

    void certDomains()
    {
        const QJsonObject shared{{"Domains", QJsonArray{"ts.example.com"}}, {"Proxied", true}};
        const QJsonObject d = dns::NodeDnsConfig::forNode(shared, dns::NodeDnsInfo{"web", "linux", "100.64.0.1", {}, "web.ts.example.com"});
        QCOMPARE(d["CertDomains"].toArray(), QJsonArray{"web.ts.example.com"});
        QCOMPARE(d["Domains"], shared["Domains"]);
    }

    void queryEncoding()
    {
        using P = QList<QPair<QString, QString>>;
        QCOMPARE(dns::NodeDnsConfig::withQuery("https://h/p", P{{"b", "x y&z"}, {"a", "é"}}), QString("https://h/p?a=%C3%A9&b=x+y%26z"));
        QCOMPARE(dns::NodeDnsConfig::withQuery("https://h/p?b=old&c=1#f", P{{"b", "new"}}), QString("https://h/p?b=new&c=1#f"));
    }
};

QTEST_GUILESS_MAIN(TestDns)
#include "tst_dns.moc"
