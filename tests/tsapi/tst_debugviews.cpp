// The authenticated /debug views over real HTTP against a real server: the configuration (secrets
// redacted), the policy, what a node receives and why each peer is one, the DERP map; refused
// without a key.
#include "TsApiFixture.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace keel;

class TestDebugViews : public QObject
{
    Q_OBJECT

    TsApiFixture f;

private slots:
    void initTestCase()
    {
        QString error;
        // A DERP map file with one region, to see it in /debug/derpmap.
        const auto withDerp = [](config::Config& c, const QString& dir) {
            QFile file(dir + QStringLiteral("/derp.json"));
            if (file.open(QIODevice::WriteOnly))
                file.write("{\"Regions\": {\"900\": {\"RegionID\": 900, \"RegionCode\": \"test\", \"RegionName\": \"Test\", "
                           "\"Nodes\": [{\"Name\": \"900a\", \"RegionID\": 900, \"HostName\": \"derp.example.test\"}]}}}");
            c.derp.paths = {file.fileName()};
        };
        QVERIFY2(f.start(&error, withDerp), qPrintable(error));
    }
    void cleanupTestCase() { f.stop(); }

    void refusedWithoutAKey()
    {
        for (const QString& path : {QStringLiteral("/debug/config"), QStringLiteral("/debug/policy"), QStringLiteral("/debug/node/1"), QStringLiteral("/debug/derpmap")}) {
            const TsAnswer a = f.client().call("GET", path, {});
            QCOMPARE(a.status, 401);
            QCOMPARE(a.body, QByteArray("Unauthorized"));
        }
    }

    void config()
    {
        const TsAnswer a = f.client().call("GET", QStringLiteral("/debug/config"), f.apiKey());
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json().value(QStringLiteral("dns")).toObject().value(QStringLiteral("base_domain")).toString(), QStringLiteral("example.test"));
        QCOMPARE(a.json().value(QStringLiteral("policy")).toObject().value(QStringLiteral("mode")).toString(), QStringLiteral("database"));
    }

    void nodeViewSaysWhyEachPeerIsOne()
    {
        store::User u;
        u.name = QStringLiteral("alice");
        u.email = QStringLiteral("alice@example.com");
        const auto alice = f.server().state()->createUser(u, state::Actor::system());
        QVERIFY(alice);
        const qint64 laptop = f.addNode(1, QStringLiteral("laptop"), alice->id);
        const qint64 web = f.addNode(2, QStringLiteral("web"), std::nullopt, {QStringLiteral("tag:web")});
        const qint64 db = f.addNode(3, QStringLiteral("db"), std::nullopt, {QStringLiteral("tag:db")});
        QVERIFY(laptop && web && db);
        // Without a policy every node sees every other.
        TsAnswer a = f.client().call("GET", QStringLiteral("/debug/node/%1").arg(laptop), f.apiKey());
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json().value(QStringLiteral("peers")).toArray().size(), 2);
        QVERIFY(a.json().value(QStringLiteral("peers")).toArray().first().toObject().value(QStringLiteral("why")).toArray().first().toString().startsWith(QLatin1String("no policy")));

        const QString policy = QStringLiteral("{\"tagOwners\": {\"tag:web\": [\"alice@example.com\"], \"tag:db\": [\"alice@example.com\"]},"
                                              " \"acls\": [{\"action\": \"accept\", \"src\": [\"alice@example.com\"], \"dst\": [\"tag:web:443\"]}]}");
        QVERIFY(f.server().state()->setPolicy(policy, state::Actor::system()));
        const TsAnswer p = f.client().call("GET", QStringLiteral("/debug/policy"), f.apiKey());
        QCOMPARE(p.json().value(QStringLiteral("policy")).toString(), policy);

        // laptop -> web:443 only: laptop sees web (it may connect), web sees laptop (laptop may
        // connect to it), db sees nobody.
        a = f.client().call("GET", QStringLiteral("/debug/node/%1").arg(laptop), f.apiKey());
        QJsonArray peers = a.json().value(QStringLiteral("peers")).toArray();
        QCOMPARE(peers.size(), 1);
        QCOMPARE(peers.first().toObject().value(QStringLiteral("id")).toString(), QString::number(web));
        QCOMPARE(peers.first().toObject().value(QStringLiteral("why")).toArray(), QJsonArray{QStringLiteral("node may connect to peer")});
        QCOMPARE(a.json().value(QStringLiteral("filter")).toArray().size(), 0);

        a = f.client().call("GET", QStringLiteral("/debug/node/%1").arg(web), f.apiKey());
        peers = a.json().value(QStringLiteral("peers")).toArray();
        QCOMPARE(peers.size(), 1);
        QCOMPARE(peers.first().toObject().value(QStringLiteral("why")).toArray(), QJsonArray{QStringLiteral("peer may connect to node")});
        QVERIFY(!a.json().value(QStringLiteral("filter")).toArray().isEmpty());

        a = f.client().call("GET", QStringLiteral("/debug/node/%1").arg(db), f.apiKey());
        QCOMPARE(a.json().value(QStringLiteral("peers")).toArray().size(), 0);
        QCOMPARE(f.client().call("GET", QStringLiteral("/debug/node/999999"), f.apiKey()).status, 404);
    }

    void derpMap()
    {
        TsAnswer a;
        // The map is built when the server starts; wait for the first build.
        QVERIFY(QTest::qWaitFor([&] {
            a = f.client().call("GET", QStringLiteral("/debug/derpmap"), f.apiKey());
            return a.status == 200 && a.json().value(QStringLiteral("Regions")).toObject().contains(QStringLiteral("900"));
        }, 10'000));
        QCOMPARE(a.json().value(QStringLiteral("Regions")).toObject().value(QStringLiteral("900")).toObject().value(QStringLiteral("RegionCode")).toString(),
                 QStringLiteral("test"));
    }
};

QTEST_GUILESS_MAIN(TestDebugViews)
#include "tst_debugviews.moc"
