// DERP map: sources (JSON/YAML, any key case), merge with null deletion, the embedded region,
// URL refresh served on loopback, and keeping the last good map when a source fails.
#include "derp/DerpMapBuilder.h"
#include "derp/DerpMapSource.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace keel;
using namespace keel::derp;

namespace {

const QByteArray YamlSource = R"(
regions:
  1: null
  900:
    regionid: 900
    regioncode: custom
    regionname: My Region
    nodes:
      - name: 900a
        regionid: 900
        hostname: myderp.example.com
        ipv4: 198.51.100.1
        ipv6: 2001:db8::1
        stunport: 0
        stunonly: false
        derpport: 0
        canport80: true
)";

const QByteArray JsonSource = R"({"Regions":{
  "1":{"RegionID":1,"RegionCode":"nyc","RegionName":"New York City","Nodes":[{"Name":"1a","RegionID":1,"HostName":"derp1.example.net"}]},
  "2":{"regionid":2,"REGIONCODE":"sfo","RegionName":"San Francisco","Nodes":[{"name":"2a","regionid":2,"hostname":"derp2.example.net","STUNPort":3478}]}
},"omitDefaultRegions":false})";

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestDerpMap : public QObject
{
    Q_OBJECT

private slots:
    void yamlWithLowerCaseKeys()
    {
        QString error;
        const auto map = DerpMapSource::parse(YamlSource, &error);
        QVERIFY2(map, qPrintable(error));
        const QJsonObject regions = map->value(QStringLiteral("Regions")).toObject();
        QVERIFY(regions.value(QStringLiteral("1")).isNull());
        const QJsonObject r = regions.value(QStringLiteral("900")).toObject();
        QCOMPARE(r.value(QStringLiteral("RegionID")).toInt(), 900);
        QCOMPARE(r.value(QStringLiteral("RegionCode")).toString(), QStringLiteral("custom"));
        const QJsonObject node = r.value(QStringLiteral("Nodes")).toArray().first().toObject();
        QCOMPARE(node.value(QStringLiteral("HostName")).toString(), QStringLiteral("myderp.example.com"));
        QCOMPARE(node.value(QStringLiteral("IPv6")).toString(), QStringLiteral("2001:db8::1"));
        QCOMPARE(node.value(QStringLiteral("CanPort80")), QJsonValue(true));
        QCOMPARE(node.value(QStringLiteral("STUNPort")), QJsonValue(0));
    }

    void rejectsMalformed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("not a map") << QByteArray("- a\n- b\n");
        QTest::newRow("bad yaml") << QByteArray("regions: [unclosed\n");
        QTest::newRow("bad json") << QByteArray("{\"Regions\": ");
        QTest::newRow("region id not a number") << QByteArray("regions:\n  abc:\n    regionid: 1\n");
        QTest::newRow("bool field garbage") << QByteArray("regions:\n  900:\n    nodes:\n      - canport80: maybe\n");
        QTest::newRow("nodes not a list") << QByteArray("{\"Regions\":{\"900\":{\"Nodes\":5}}}");
        QTest::newRow("region not a map") << QByteArray("{\"Regions\":{\"900\":[1]}}");
    }

    void rejectsMalformed()
    {
        QFETCH(QByteArray, text);
        QString error;
        QVERIFY(!DerpMapSource::parse(text, &error));
        QVERIFY(!error.isEmpty());
    }

    void buildsFromFilesWithEmbeddedRegion()
    {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("a.json")), yaml = dir.filePath(QStringLiteral("b.yaml"));
        QVERIFY(writeFile(json, JsonSource));
        QVERIFY(writeFile(yaml, YamlSource));
        config::Config config;
        config.serverUrl = QStringLiteral("https://keel.example.com:8443");
        config.derp.paths = {json, yaml};
        config.derp.server.enabled = true;
        config.derp.server.stunListenAddr = QStringLiteral("0.0.0.0:3478");
        config.derp.server.ipv4 = QStringLiteral("203.0.113.9");
        DerpMapBuilder builder(config);
        QSignalSpy changed(&builder, &DerpMapBuilder::mapChanged);
        builder.start();
        QTRY_COMPARE(changed.size(), 1);
        const QJsonObject regions = builder.currentMap().value(QStringLiteral("Regions")).toObject();
        // Region 1 from the JSON file was deleted by the YAML file's null; 2 and 900 stay.
        QCOMPARE(regions.keys(), (QStringList{QStringLiteral("2"), QStringLiteral("900"), QStringLiteral("999")}));
        const QJsonObject embedded = regions.value(QStringLiteral("999")).toObject();
        QCOMPARE(embedded.value(QStringLiteral("RegionCode")).toString(), QStringLiteral("keel"));
        QCOMPARE(embedded.value(QStringLiteral("RegionName")).toString(), QStringLiteral("Keel Embedded DERP"));
        const QJsonObject node = embedded.value(QStringLiteral("Nodes")).toArray().first().toObject();
        QCOMPARE(node.value(QStringLiteral("Name")).toString(), QStringLiteral("999"));
        QCOMPARE(node.value(QStringLiteral("HostName")).toString(), QStringLiteral("keel.example.com"));
        QCOMPARE(node.value(QStringLiteral("DERPPort")).toInt(), 8443);
        QCOMPARE(node.value(QStringLiteral("STUNPort")).toInt(), 3478);
        QCOMPARE(node.value(QStringLiteral("IPv4")).toString(), QStringLiteral("203.0.113.9"));
        QCOMPARE(builder.currentMap().value(QStringLiteral("omitDefaultRegions")), QJsonValue(false));
        // Rebuilding the same inputs is no change.
        QSignalSpy done(&builder, &DerpMapBuilder::refreshed);
        builder.refresh();
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(changed.size(), 1);
        // The embedded region can be left out.
        config.derp.server.automaticallyAddEmbeddedDerpRegion = false;
        DerpMapBuilder without(config);
        without.start();
        QTRY_VERIFY(without.hasMap());
        QVERIFY(!without.currentMap().value(QStringLiteral("Regions")).toObject().contains(QStringLiteral("999")));
    }

    void urlSourceKeepsLastGoodMap()
    {
        http::Router router;
        int status = 200;
        QByteArray body = JsonSource;
        router.add("GET", QStringLiteral("/derpmap"), [&](http::HttpRequest&) {
            return http::HttpResponse::text(status, body, "application/json");
        });
        http::HttpServer server(router);
        QString error;
        QVERIFY2(server.listen(QStringLiteral("127.0.0.1:0"), &error), qPrintable(error));
        config::Config config;
        config.serverUrl = QStringLiteral("http://127.0.0.1:8080");
        config.derp.urls = {QStringLiteral("http://127.0.0.1:%1/derpmap").arg(server.tcpPort())};
        DerpMapBuilder builder(config);
        QSignalSpy changed(&builder, &DerpMapBuilder::mapChanged);
        QSignalSpy done(&builder, &DerpMapBuilder::refreshed);
        builder.start();
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(done.last().at(0).toBool(), true);
        QCOMPARE(builder.currentMap().value(QStringLiteral("Regions")).toObject().keys(),
                 (QStringList{QStringLiteral("1"), QStringLiteral("2")}));
        const QJsonObject good = builder.currentMap();
        // The source breaks: the last good map stays.
        status = 500;
        builder.refresh();
        QTRY_COMPARE(done.size(), 2);
        QCOMPARE(done.last().at(0).toBool(), false);
        QCOMPARE(builder.currentMap(), good);
        body = "{ not json";
        status = 200;
        builder.refresh();
        QTRY_COMPARE(done.size(), 3);
        QCOMPARE(done.last().at(0).toBool(), false);
        QCOMPARE(builder.currentMap(), good);
        // A changed source is picked up and announced.
        body = R"({"Regions":{"7":{"RegionID":7,"RegionCode":"x","Nodes":[]}}})";
        builder.refresh();
        QTRY_COMPARE(done.size(), 4);
        QCOMPARE(changed.size(), 2);
        QCOMPARE(builder.currentMap().value(QStringLiteral("Regions")).toObject().keys(), QStringList{QStringLiteral("7")});
    }
};

QTEST_GUILESS_MAIN(TestDerpMap)
#include "tst_derpmap.moc"
