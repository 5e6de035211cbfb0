// DNS through a whole in-process Keel server over real loopback sockets and real Noise sessions
// (keel-sim nodes): extra records from a watched file, a file change reaching every connected
// node, and /machine/set-dns answered by the `exec` provider.
#include "sim/SimNode.h"
#include "config/ConfigLoader.h"
#include "server/Server.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace keel;

namespace {

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TestDnsServer : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp; // fresh per test: its own database and files
    std::unique_ptr<server::Server> m_server;
    QString m_key;
    QList<sim::SimNode*> m_nodes;

    config::Config baseConfig()
    {
        config::Config c = config::Config::embeddedDefault(m_tmp->path());
        c.listenAddr = QStringLiteral("127.0.0.1:0");
        c.serverUrl = QStringLiteral("http://127.0.0.1");
        c.metricsListenAddr.clear();
        c.unixSocket.clear();
        c.prefixes.v4 = QStringLiteral("100.64.0.0/10");
        c.prefixes.v6 = QStringLiteral("fd7a:115c:a1e0::/48");
        c.dns.magicDns = true;
        c.dns.baseDomain = QStringLiteral("ts.example.com");
        c.tuning.batchChangeDelayMs = 50;
        c.derp.urls.clear();
        c.derp.paths.clear();
        return c;
    }

    void startServer(const config::Config& c)
    {
        m_server = std::make_unique<server::Server>(c);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        store::User u;
        u.name = QStringLiteral("dns");
        auto user = m_server->store().createUser(u);
        QVERIFY(user);
        store::NewPreAuthKey k;
        k.userId = user->id;
        k.reusable = true;
        auto key = m_server->store().createPreAuthKey(k);
        QVERIFY(key);
        m_key = key->fullKey;
    }

    sim::SimNode* addNode(int index)
    {
        auto* n = new sim::SimNode(index, m_key, this);
        m_nodes << n;
        n->start(QStringLiteral("127.0.0.1"), m_server->httpPort(), std::nullopt);
        if (!QTest::qWaitFor([n] { return n->netmap().hasSelf() || n->failed(); }, 15000) || n->failed())
            qWarning() << "node" << index << "did not get its map:" << n->error();
        return n;
    }

    // One POST over the node's own Noise session.
    static std::pair<int, QByteArray> post(sim::SimNode* n, const QByteArray& path, const QJsonObject& body, int timeoutMs = 10000)
    {
        auto status = std::make_shared<int>(0);
        auto data = std::make_shared<QByteArray>();
        auto done = std::make_shared<bool>(false);
        auto* s = n->client()->request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QObject::connect(s, &http::Http2ClientStream::headersReceived, s, [status](int st, const http::Http2Headers&) { *status = st; });
        QObject::connect(s, &http::Http2ClientStream::dataReceived, s, [data](const QByteArray& b) { *data += b; });
        QObject::connect(s, &http::Http2ClientStream::finished, s, [done] { *done = true; });
        QObject::connect(s, &http::Http2ClientStream::failed, s, [done](quint32, const QString&) { *done = true; });
        (void)QTest::qWaitFor([done] { return *done; }, timeoutMs);
        return {*status, *data};
    }

    static QJsonObject setDns(sim::SimNode* n, const QString& name, const QString& value)
    {
        return QJsonObject{{"Version", 115}, {"NodeKey", n->nodeKey()}, {"Name", name}, {"Type", "TXT"}, {"Value", value}};
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }
    void cleanup()
    {
        qDeleteAll(m_nodes);
        m_nodes.clear();
        m_server.reset();
        m_tmp.reset();
    }

    void extraRecordsFileReachesConnectedNodes()
    {
        const QString path = m_tmp->filePath("extra-records.json");
        writeFile(path, R"([{"name":"grafana.ts.example.com","type":"A","value":"100.64.0.3"}])");
        config::Config c = baseConfig();
        c.dns.extraRecordsPath = path;
        startServer(c);
        auto* a = addNode(1);
        auto* b = addNode(2);
        QVERIFY(!a->failed() && !b->failed());
        const QJsonArray first{QJsonObject{{"Name", "grafana.ts.example.com"}, {"Type", "A"}, {"Value", "100.64.0.3"}}};
        QCOMPARE(a->netmap().dnsConfig()["ExtraRecords"].toArray(), first);
        QCOMPARE(b->netmap().dnsConfig()["ExtraRecords"].toArray(), first);
        QCOMPARE(a->netmap().dnsConfig()["Proxied"].toBool(), true);

        // The operator edits the file: both connected nodes get the new records, by one message.
        QTest::qWait(300); // let the joins settle
        const int beforeA = a->netmap().messages();
        writeFile(path, R"([{"name":"grafana.ts.example.com","type":"A","value":"100.64.0.3"},
                            {"name":"loki.ts.example.com","type":"AAAA","value":"fd7a:115c:a1e0::9"}])");
        QVERIFY(QTest::qWaitFor([&] {
            return a->netmap().dnsConfig()["ExtraRecords"].toArray().size() == 2 && b->netmap().dnsConfig()["ExtraRecords"].toArray().size() == 2;
        }, 10000));
        QCOMPARE(a->netmap().dnsConfig()["ExtraRecords"].toArray().at(1)["Name"].toString(), QString("loki.ts.example.com"));
        QCOMPARE(a->netmap().messages(), beforeA + 1);
        // Everything else a node knows is untouched by the DNS-only delta.
        QCOMPARE(a->netmap().peerIds(), QSet<qint64>{b->nodeId()});

        // A broken file changes nothing.
        writeFile(path, "[{\"name\": ");
        QTest::qWait(600);
        QCOMPARE(a->netmap().dnsConfig()["ExtraRecords"].toArray().size(), 2);
    }

    void setDnsThroughTheExecProvider()
    {
        const QString published = m_tmp->filePath("published.txt");
        const QString hook = m_tmp->filePath("hook.sh");
        // Refuses one name, as a DNS API would refuse a zone it does not serve.
        writeFile(hook, "#!/bin/sh\ncase \"$KEEL_DNS_RECORD_VALUE\" in refuse*) echo 'zone not served' >&2; exit 4;; esac\n"
                        "echo \"$KEEL_DNS_RECORD_NAME TXT $KEEL_DNS_RECORD_VALUE\" >> \"$1\"\n");
        QVERIFY(QFile::setPermissions(hook, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        config::Config c = baseConfig();
        c.dns.certChallengeCommand = {hook, published};
        startServer(c);
        auto* a = addNode(1);
        auto* b = addNode(2);
        QVERIFY(!a->failed() && !b->failed());
        const QString nameA = a->netmap().self()["Name"].toString().chopped(1); // sim-1.ts.example.com
        QCOMPARE(a->netmap().dnsConfig()["CertDomains"].toArray(), QJsonArray{nameA});

        auto [status, body] = post(a, "/machine/set-dns", setDns(a, "_acme-challenge." + nameA, "tok-a"));
        QCOMPARE(status, 200);
        QCOMPARE(QJsonDocument::fromJson(body).object(), QJsonObject());
        QFile f(published);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), ("_acme-challenge." + nameA + " TXT tok-a\n").toUtf8());

        std::tie(status, body) = post(a, "/machine/set-dns", setDns(a, "_acme-challenge." + nameA, "refuse-me"));
        QCOMPARE(status, 500);
        QVERIFY2(body.contains("zone not served"), body.constData());

        // b's node key over a's Noise session, and a's key asking for b's name.
        const QString nameB = b->netmap().self()["Name"].toString().chopped(1);
        std::tie(status, body) = post(a, "/machine/set-dns", setDns(b, "_acme-challenge." + nameB, "tok"));
        QCOMPARE(status, 403);
        std::tie(status, body) = post(a, "/machine/set-dns", setDns(a, "_acme-challenge." + nameB, "tok"));
        QCOMPARE(status, 403);
        QCOMPARE(body, QByteArray("name is not an ACME challenge for a cert domain\n"));
    }

    void reloadAppliesDnsKeysAndNamesTheRest()
    {
        const QString configPath = m_tmp->filePath("config.yaml");
        const QByteArray common = "server_url: http://127.0.0.1\nmetrics_listen_addr: \"\"\nunix_socket: keel.sock\n"
                                  "data_dir: " + m_tmp->path().toUtf8() + "\nprefixes:\n  v4: 100.64.0.0/10\n  v6: fd7a:115c:a1e0::/48\n"
                                  "derp:\n  urls: []\n  paths: []\ntuning:\n  batch_change_delay: 50ms\n";
        writeFile(configPath, common + "listen_addr: 127.0.0.1:0\ndns:\n  magic_dns: true\n  base_domain: ts.example.com\n  override_local_dns: false\n");
        const QProcessEnvironment env;
        config::LoadResult loaded = config::ConfigLoader::loadFile(configPath, env);
        for (const auto& d : loaded.diagnostics)
            qWarning().noquote() << d.toString();
        QVERIFY(loaded.ok());
        startServer(loaded.config);
        auto* a = addNode(1);
        QVERIFY(!a->failed());
        QVERIFY(!a->netmap().dnsConfig().contains("Resolvers"));

        writeFile(configPath, common + "listen_addr: 127.0.0.1:9\ndns:\n  magic_dns: true\n  base_domain: ts.example.com\n"
                                       "  override_local_dns: true\n  nameservers:\n    global: [9.9.9.9]\n  search_domains: [corp.example]\n");
        const QStringList applied = m_server->reload(env);
        QCOMPARE(applied, (QStringList{"dns.override_local_dns", "dns.nameservers.global", "dns.search_domains"}));
        QVERIFY(QTest::qWaitFor([&] { return a->netmap().dnsConfig()["Resolvers"].toArray().size() == 1; }, 10000));
        QCOMPARE(a->netmap().dnsConfig()["Domains"].toArray(), (QJsonArray{"ts.example.com", "corp.example"}));

        // A file with errors changes nothing.
        writeFile(configPath, common + "listen_addr: 127.0.0.1:0\ndns:\n  magic_dns: true\n  base_domain: \"\"\n");
        QCOMPARE(m_server->reload(env), QStringList());
        QTest::qWait(300);
        QCOMPARE(a->netmap().dnsConfig()["Resolvers"].toArray().at(0)["Addr"].toString(), QString("9.9.9.9"));
    }
};

QTEST_GUILESS_MAIN(TestDnsServer)
#include "tst_dnsserver.moc"
