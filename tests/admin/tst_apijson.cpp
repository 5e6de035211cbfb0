// The /api/v1 JSON shapes (Headscale 0.30's contract) the CLI's -o json and scripts rely on.
#include "admin/ApiJson.h"
#include "admin/LogStream.h"
#include "admin/Reachability.h"
#include "common/LogBuffer.h"

#include <QJsonArray>
#include <QTest>

using namespace keel;

class TestApiJson : public QObject
{
    Q_OBJECT

private slots:
    void timesAndIds()
    {
        QCOMPARE(admin::json::time(QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC)), QStringLiteral("2026-01-02T03:04:05Z"));
        QCOMPARE(admin::json::time(QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 120), Qt::UTC)), QStringLiteral("2026-01-02T03:04:05.120Z"));
        QCOMPARE(admin::json::time(QDateTime()), QStringLiteral("0001-01-01T00:00:00Z"));  // Go's zero time
        QVERIFY(admin::json::optionalTime(std::nullopt).isNull());
        QCOMPARE(admin::json::parseId(QJsonValue(QStringLiteral("42"))), 42);
        QCOMPARE(admin::json::parseId(QJsonValue(7)), 7);
        QCOMPARE(admin::json::parseId(QJsonValue(QStringLiteral("x"))), 0);
        QVERIFY(!admin::json::parseTime(QStringLiteral("tomorrow")));
        QCOMPARE(*admin::json::parseTime(QStringLiteral("2026-01-02T04:04:05+01:00")), QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC));
    }

    void nodeShape()
    {
        store::Node n;
        n.id = 3;
        n.machineKey = QStringLiteral("mkey:") + QString(64, QLatin1Char('a'));
        n.nodeKey = QStringLiteral("nodekey:") + QString(64, QLatin1Char('b'));
        n.ipv4 = QStringLiteral("100.64.0.3");
        n.ipv6 = QStringLiteral("fd7a:115c:a1e0::3");
        n.hostname = QStringLiteral("Laptop");
        n.givenName = QStringLiteral("laptop");
        n.tags = {QStringLiteral("tag:server")};
        n.registerMethod = QStringLiteral("authkey");
        n.hostinfoJson = R"({"OS":"linux","IPNVersion":"1.82.5-t0123abcd-g4567","Hostname":"Laptop"})";
        const QJsonObject o = admin::json::node(n, {});
        QCOMPARE(o.value(QStringLiteral("id")).toString(), QStringLiteral("3"));
        QCOMPARE(o.value(QStringLiteral("ipAddresses")).toArray().size(), 2);
        QCOMPARE(o.value(QStringLiteral("name")).toString(), QStringLiteral("Laptop"));
        QCOMPARE(o.value(QStringLiteral("givenName")).toString(), QStringLiteral("laptop"));
        QVERIFY(o.value(QStringLiteral("user")).isNull());      // tagged: owned by its tags
        QVERIFY(o.value(QStringLiteral("expiry")).isNull());    // never expires
        QVERIFY(o.value(QStringLiteral("lastSeen")).isNull());  // never seen
        QCOMPARE(o.value(QStringLiteral("registerMethod")).toString(), QStringLiteral("REGISTER_METHOD_AUTH_KEY"));
        QCOMPARE(o.value(QStringLiteral("online")).toBool(), false);
        QCOMPARE(o.value(QStringLiteral("os")).toString(), QStringLiteral("linux"));
        QCOMPARE(o.value(QStringLiteral("clientVersion")).toString(), QStringLiteral("1.82.5-t0123abcd-g4567"));
        for (const char* list : {"approvedRoutes", "availableRoutes", "subnetRoutes", "tags"})
            QVERIFY2(o.value(QLatin1String(list)).isArray(), list);  // arrays, never null (nullable: false)

        n.hostinfoJson.clear();  // no Hostinfo yet: empty strings, not missing fields
        const QJsonObject bare = admin::json::node(n, {});
        QVERIFY(bare.contains(QStringLiteral("os")));
        QCOMPARE(bare.value(QStringLiteral("os")).toString(), QString());
    }

    void keysAreMaskedInLists()
    {
        store::PreAuthKey k;
        k.id = 9;
        k.prefix = QStringLiteral("abcdefghijkl");
        k.reusable = true;
        const QJsonObject listed = admin::json::preAuthKey(k, std::nullopt);
        QCOMPARE(listed.value(QStringLiteral("key")).toString(), QStringLiteral("hskey-auth-abcdefghijkl-***"));
        QVERIFY(listed.value(QStringLiteral("user")).isNull());
        QCOMPARE(listed.value(QStringLiteral("expiration")).toString(), QStringLiteral("0001-01-01T00:00:00Z"));
        const QJsonObject created = admin::json::preAuthKey(k, std::nullopt, QStringLiteral("hskey-auth-full"));
        QCOMPARE(created.value(QStringLiteral("key")).toString(), QStringLiteral("hskey-auth-full"));

        store::ApiKey a;
        a.id = 1;
        a.prefix = QStringLiteral("abcdefghijkl");
        const QJsonObject api = admin::json::apiKey(a);
        QCOMPARE(api.value(QStringLiteral("prefix")).toString(), QStringLiteral("hskey-api-abcdefghijkl-***"));
        QVERIFY(api.value(QStringLiteral("expiration")).isNull());
        QVERIFY(api.value(QStringLiteral("lastSeen")).isNull());
    }

    // GET /api/v1/node/{id}/reachable reads packet filters: how their address forms match.
    void filterAddressForms()
    {
        QVERIFY(admin::filterCovers(QStringLiteral("*"), QStringLiteral("100.64.0.1")));
        QVERIFY(admin::filterCovers(QStringLiteral("100.64.0.1"), QStringLiteral("100.64.0.1")));
        QVERIFY(!admin::filterCovers(QStringLiteral("100.64.0.1"), QStringLiteral("100.64.0.2")));
        QVERIFY(admin::filterCovers(QStringLiteral("100.64.0.0/10"), QStringLiteral("100.100.1.1")));
        QVERIFY(!admin::filterCovers(QStringLiteral("100.64.0.0/10"), QStringLiteral("100.128.0.1")));
        QVERIFY(admin::filterCovers(QStringLiteral("fd7a:115c:a1e0::/48"), QStringLiteral("fd7a:115c:a1e0::5")));
        QVERIFY(admin::filterCovers(QStringLiteral("fd7a:115c:a1e0::5"), QStringLiteral("fd7a:115c:a1e0:0::5")));
        QVERIFY(admin::filterCovers(QStringLiteral("100.64.0.1-100.64.0.9"), QStringLiteral("100.64.0.9")));
        QVERIFY(!admin::filterCovers(QStringLiteral("100.64.0.1-100.64.0.9"), QStringLiteral("100.64.0.10")));
        QVERIFY(!admin::filterCovers(QStringLiteral("*"), QString()));   // a node without that family
    }

    // One line of GET /api/v1/logs.
    void logLineFormat()
    {
        const log::LogRecord r{7, 1767323045120, QtWarningMsg, QStringLiteral("keel.derp"), QStringLiteral("client gone")};
        const QByteArray line = admin::LogStream::format(r);
        QVERIFY2(line.startsWith("id: 7\nevent: log\ndata: {"), line.constData());
        QVERIFY(line.endsWith("}\n\n"));
        QVERIFY(line.contains("\"level\":\"warning\""));
        QVERIFY(line.contains("\"module\":\"keel.derp\""));
        QVERIFY(line.contains("\"time\":\"2026-01-02T03:04:05.120Z\""));
        QVERIFY(line.contains("\"epoch\":\"" + admin::LogStream::epoch().toLatin1() + "\""));
    }
};

QTEST_GUILESS_MAIN(TestApiJson)
#include "tst_apijson.moc"
