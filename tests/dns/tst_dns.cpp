#include "dns/DnsConfigBuilder.h"
#include "dns/DnsName.h"

#include <QJsonArray>
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
        QCOMPARE(e["Proxied"].toBool(), false);
        QVERIFY(!e["Routes"].toObject().contains("64.100.in-addr.arpa"));
    }
};

QTEST_GUILESS_MAIN(TestDns)
#include "tst_dns.moc"
