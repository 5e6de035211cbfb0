// DNS through ControlService over real HTTP/2 sessions: the DNSConfig each node gets, a DNS change
// pushed as a DNSConfig-only delta, NextDNS per node from nodeAttrs, and /machine/set-dns checked
// the way Tailscale's test control server checks it.
#include "StateControlHarness.h"

#include "dns/DnsConfigBuilder.h"
#include "dns/DnsProvider.h"

#include <QRandomGenerator>

using namespace keel;
using keel::test::FakeMachine;
using keel::test::fakeKey;
using keel::test::mapRequest;
using keel::test::registerRequest;

namespace {

// Records what it is asked to publish and answers with `failWith` (empty: success).
class RecordingProvider : public dns::DnsProvider
{
public:
    void publishTxt(const dns::TxtRecord& record, Done done) override
    {
        records.append(record);
        done(failWith);
    }
    QString describe() const override { return QStringLiteral("recording"); }
    QList<dns::TxtRecord> records;
    QString failWith;
};

} // namespace

class TestControlDns : public QObject, protected test::TestBed
{
    Q_OBJECT

    std::unique_ptr<state::State> m_state;
    std::unique_ptr<control::ControlService> m_service;

    QString newKey()
    {
        store::NewPreAuthKey k;
        k.userId = m_alice;
        k.reusable = true;
        auto created = m_store->createPreAuthKey(k);
        return created ? created->fullKey : QString();
    }

    void start()
    {
        QString error;
        m_state = state::State::load(*m_store, m_config, &error);
        QVERIFY2(m_state, qPrintable(error));
        control::ControlService::Options o;
        o.offlineGraceMs = 0;
        o.housekeepingMs = 0;
        o.batcher.delayMs = 0;
        m_service = std::make_unique<control::ControlService>(*m_state, control::MapperOptions::fromConfig(m_config), o);
    }

    std::shared_ptr<FakeMachine::Call> join(FakeMachine& m, int n, const QString& key)
    {
        const QJsonObject r = m.registerNode(registerRequest(n, key, QStringLiteral("node%1").arg(n)));
        if (r.value("MachineAuthorized").toBool() != true)
            qWarning() << r;
        auto call = m.post("/machine/map", mapRequest(n, true));
        (void)QTest::qWaitFor([&] { return !call->messages.isEmpty(); }, 5000);
        return call;
    }

    // Waits until no message arrived on any stream for a little while.
    static void settle(const QList<std::shared_ptr<FakeMachine::Call>>& calls)
    {
        auto count = [&] {
            qsizetype n = 0;
            for (const auto& c : calls)
                n += c->messages.size();
            return n;
        };
        for (qsizetype before = -1; before != count();) {
            before = count();
            QTest::qWait(150);
        }
    }

    static QJsonObject setDnsBody(int node, const QString& name, const QString& type = "TXT", const QString& value = "token")
    {
        return QJsonObject{{"Version", 115}, {"NodeKey", fakeKey("nodekey:", node)}, {"Name", name}, {"Type", type}, {"Value", value}};
    }

    static std::pair<int, QByteArray> call(FakeMachine& m, const QByteArray& path, const QByteArray& rawBody)
    {
        auto c = std::make_shared<FakeMachine::Call>();
        http::Http2ClientStream* s = m.client->request("POST", path, rawBody);
        QObject::connect(s, &http::Http2ClientStream::headersReceived, s, [c](int st, const http::Http2Headers&) { c->status = st; });
        QObject::connect(s, &http::Http2ClientStream::dataReceived, s, [c](const QByteArray& b) { c->body += b; });
        QObject::connect(s, &http::Http2ClientStream::finished, s, [c] { c->finished = true; });
        QObject::connect(s, &http::Http2ClientStream::failed, s, [c](quint32, const QString&) { c->failed = true; });
        (void)QTest::qWaitFor([&] { return c->done(); }, 5000);
        return {c->status, c->body};
    }

private Q_SLOTS:
    void init()
    {
        KEEL_OPEN_TEST_BED("sqlite");
        m_config.dns.globalNameservers = {"1.1.1.1"};
        m_config.dns.splitNameservers.insert("corp.example", {"10.0.0.53"});
    }
    void cleanup()
    {
        m_service.reset();
        m_state.reset();
        closeBed();
    }

    void eachNodeGetsTheDnsConfig_data()
    {
        QTest::addColumn<bool>("magic");
        QTest::newRow("MagicDNS on") << true;
        QTest::newRow("MagicDNS off") << false;
    }
    void eachNodeGetsTheDnsConfig()
    {
        QFETCH(bool, magic);
        m_config.dns.magicDns = magic;
        start();
        const QString key = newKey();
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto sa = join(a, 1, key);
        auto sb = join(b, 2, key);
        settle({sa, sb});
        const QJsonObject want = dns::DnsConfigBuilder(m_config).build();
        for (const auto& s : {sa, sb}) {
            const QJsonObject d = s->netmap.dnsConfig();
            QCOMPARE(d, want);
            QCOMPARE(d["Resolvers"].toArray(), (QJsonArray{QJsonObject{{"Addr", "1.1.1.1"}}}));
            QCOMPARE(d["Routes"]["corp.example"].toArray(), (QJsonArray{QJsonObject{{"Addr", "10.0.0.53"}}}));
            QCOMPARE(d["Routes"].toObject().contains("100.100.in-addr.arpa"), magic);
            QCOMPARE(d["Proxied"].toBool(), magic);
            QVERIFY(!d.contains("CertDomains")); // no set-dns provider
        }
    }

    void dnsChangeIsADnsOnlyDelta()
    {
        start();
        const QString key = newKey();
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto sa = join(a, 1, key);
        auto sb = join(b, 2, key);
        settle({sa, sb});
        const qsizetype beforeA = sa->messages.size(), beforeB = sb->messages.size();

        const QJsonArray records{QJsonObject{{"name", "grafana.ts.example.com"}, {"type", "A"}, {"value", "100.64.0.9"}}};
        const QJsonObject shared = dns::DnsConfigBuilder(m_config).build(records);
        m_service->updateDnsConfig(shared);
        QVERIFY(QTest::qWaitFor([&] { return sa->messages.size() > beforeA && sb->messages.size() > beforeB; }, 5000));
        settle({sa, sb});
        for (const auto& [s, before] : {std::pair{sa, beforeA}, std::pair{sb, beforeB}}) {
            QCOMPARE(s->messages.size(), before + 1);
            const QJsonObject m = s->messages.last();
            QCOMPARE(m.keys(), (QStringList{"ControlTime", "DNSConfig"})); // keys() is sorted
            QCOMPARE(s->netmap.dnsConfig()["ExtraRecords"].toArray(),
                     (QJsonArray{QJsonObject{{"Name", "grafana.ts.example.com"}, {"Type", "A"}, {"Value", "100.64.0.9"}}}));
        }
        // The same config again is no change.
        m_service->updateDnsConfig(shared);
        settle({sa, sb});
        QCOMPARE(sa->messages.size(), beforeA + 1);
    }

    void nextDnsFromNodeAttrs()
    {
        m_config.policy.mode = "database";
        m_config.dns.globalNameservers = {"https://dns.nextdns.io/base"};
        QVERIFY(m_store->setPolicy(R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}],
            "nodeAttrs":[{"target":["alice@"],"attr":["nextdns:team1"]}]})"));
        start();
        const QString key = newKey();
        FakeMachine a(*m_service, 1);
        auto sa = join(a, 1, key);
        settle({sa});
        QCOMPARE(sa->netmap.dnsConfig()["Resolvers"].toArray().at(0)["Addr"].toString(),
                 QString("https://dns.nextdns.io/team1?device_ip=100.64.0.1&device_model=linux&device_name=node1"));
        // The policy drops the attribute: the node is told at once, with the base profile back.
        QVERIFY(m_state->setPolicy(R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]})", state::Actor::system()));
        QVERIFY(QTest::qWaitFor([&] {
            return sa->netmap.dnsConfig()["Resolvers"].toArray().at(0)["Addr"].toString()
                == "https://dns.nextdns.io/base?device_ip=100.64.0.1&device_model=linux&device_name=node1";
        }, 5000));
    }

    void setDnsWithoutProviderIsHeadscales501()
    {
        start();
        FakeMachine a(*m_service, 1);
        auto sa = join(a, 1, newKey());
        const auto [status, body] = call(a, "/machine/set-dns",
                                         QJsonDocument(setDnsBody(1, "_acme-challenge.node1.ts.example.com")).toJson());
        QCOMPARE(status, 501);
        QCOMPARE(body, QByteArray("Not implemented yet\n"));
        QVERIFY(!sa->netmap.dnsConfig().contains("CertDomains"));
    }

    void setDnsChecks_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("answer");
        const auto j = [](const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };
        const QString good = "_acme-challenge.node1.ts.example.com";
        QTest::newRow("ok") << j(setDnsBody(1, good)) << 200 << QByteArray("{}\n");
        QTest::newRow("ok, trailing dot") << j(setDnsBody(1, good + ".")) << 200 << QByteArray("{}\n");
        QTest::newRow("not JSON") << QByteArray("{\"Name\":") << 400 << QByteArray("invalid SetDNSRequest JSON\n");
        QTest::newRow("array") << QByteArray("[]") << 400 << QByteArray("invalid SetDNSRequest JSON\n");
        QTest::newRow("A record") << j(setDnsBody(1, good, "A")) << 400 << QByteArray("only TXT records are supported\n");
        QTest::newRow("no value") << j(setDnsBody(1, good, "TXT", "")) << 400 << QByteArray("missing name or value\n");
        QTest::newRow("no name") << j(setDnsBody(1, "")) << 400 << QByteArray("missing name or value\n");
        QJsonObject noKey = setDnsBody(1, good);
        noKey.remove("NodeKey");
        QTest::newRow("no node key") << j(noKey) << 400 << QByteArray("missing node key\n");
        QJsonObject badKey = setDnsBody(1, good);
        badKey["NodeKey"] = "nodekey:xyz";
        QTest::newRow("bad node key") << j(badKey) << 400 << QByteArray("invalid SetDNSRequest JSON: NodeKey is not a node key\n");
        QJsonObject numName = setDnsBody(1, good);
        numName["Name"] = 5;
        QTest::newRow("number name") << j(numName) << 400 << QByteArray("invalid SetDNSRequest JSON: a field has the wrong type\n");
        QTest::newRow("unknown node") << j(setDnsBody(9, good)) << 403 << QByteArray("unknown node key\n");
        QTest::newRow("other machine's node") << j(setDnsBody(2, "_acme-challenge.node2.ts.example.com")) << 403
                                             << QByteArray("node key does not belong to machine\n");
        QTest::newRow("peer's name") << j(setDnsBody(1, "_acme-challenge.node2.ts.example.com")) << 403
                                    << QByteArray("name is not an ACME challenge for a cert domain\n");
        QTest::newRow("not a challenge") << j(setDnsBody(1, "node1.ts.example.com")) << 403
                                        << QByteArray("name is not an ACME challenge for a cert domain\n");
    }
    void setDnsChecks()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QByteArray, answer);
        start();
        RecordingProvider provider;
        m_service->setDns().setProvider(&provider);
        const QString key = newKey();
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto sa = join(a, 1, key);
        join(b, 2, key);
        // With a provider, each node may get certificates for its own name.
        QCOMPARE(sa->netmap.dnsConfig()["CertDomains"].toArray(), QJsonArray{"node1.ts.example.com"});

        const auto [gotStatus, gotBody] = call(a, "/machine/set-dns", body);
        QCOMPARE(gotStatus, status);
        QCOMPARE(gotBody, answer);
        QCOMPARE(provider.records.size(), status == 200 ? 1 : 0);
        if (status == 200) {
            QCOMPARE(provider.records[0].value, QString("token"));
            QCOMPARE(provider.records[0].certDomain, QString("node1.ts.example.com"));
        }
    }

    void setDnsProviderFailureIs500AndGarbageIs400()
    {
        start();
        RecordingProvider provider;
        provider.failWith = "exit status 1: REFUSED";
        m_service->setDns().setProvider(&provider);
        FakeMachine a(*m_service, 1);
        join(a, 1, newKey());
        const auto [status, body] = call(a, "/machine/set-dns",
                                         QJsonDocument(setDnsBody(1, "_acme-challenge.node1.ts.example.com")).toJson());
        QCOMPARE(status, 500);
        QVERIFY2(body.contains("could not publish _acme-challenge.node1.ts.example.com: exit status 1: REFUSED"), body.constData());

        // Mutated bodies: never a crash, never the provider, a 4xx every time.
        const QByteArray valid = QJsonDocument(setDnsBody(1, "_acme-challenge.node1.ts.example.com")).toJson(QJsonDocument::Compact);
        QRandomGenerator rng(11);
        provider.records.clear();
        for (int i = 0; i < 200; ++i) {
            QByteArray b = valid;
            for (int e = 0; e < 3; ++e) {
                const int pos = int(rng.bounded(b.size()));
                if (rng.bounded(2))
                    b[pos] = char(rng.bounded(256));
                else
                    b.remove(pos, 1 + int(rng.bounded(6)));
            }
            const auto [st, answer] = call(a, "/machine/set-dns", b);
            QVERIFY2((st >= 400 && st < 500) || st == 500, qPrintable(QStringLiteral("%1 for %2").arg(st).arg(QString::fromLatin1(b.toHex()))));
            if (st == 500)
                QVERIFY(QJsonDocument::fromJson(b).isObject()); // only a valid request reaches the provider
        }
    }
};

QTEST_GUILESS_MAIN(TestControlDns)
#include "tst_controldns.moc"
