// The configuration dump (`keel config show`, `keel dumpConfig`, /debug/config): config.yaml's key
// names, durations as the file writes them, and no secret in the output.
#include "config/ConfigDump.h"

#include <QJsonDocument>
#include <QTest>

using namespace keel::config;

class TestConfigDump : public QObject
{
    Q_OBJECT

private slots:
    void secretsAreRedactedAndOnlyWhenSet()
    {
        Config c = Config::embeddedDefault(QStringLiteral("/tmp/keel-x"));
        c.database.postgres.pass = QStringLiteral("pg-password-1");
        c.oidc.clientSecret = QStringLiteral("oidc-secret-2");
        c.cli.apiKey = QStringLiteral("hskey-api-abcdefghijkl-secret3");
        c.derp.server.meshKey = QStringLiteral("mesh-key-4");
        const QJsonObject dump = ConfigDump::toJson(c);
        const QByteArray text = QJsonDocument(dump).toJson();
        for (const char* secret : {"pg-password-1", "oidc-secret-2", "secret3", "mesh-key-4"})
            QVERIFY2(!text.contains(secret), secret);
        QCOMPARE(dump.value(QStringLiteral("database")).toObject().value(QStringLiteral("postgres")).toObject().value(QStringLiteral("pass")).toString(), ConfigDump::Redacted);
        QCOMPARE(dump.value(QStringLiteral("oidc")).toObject().value(QStringLiteral("client_secret")).toString(), ConfigDump::Redacted);
        QCOMPARE(dump.value(QStringLiteral("cli")).toObject().value(QStringLiteral("api_key")).toString(), ConfigDump::Redacted);
        // Unset secrets stay visibly unset.
        const QJsonObject plain = ConfigDump::toJson(Config::embeddedDefault(QStringLiteral("/tmp/keel-x")));
        QCOMPARE(plain.value(QStringLiteral("oidc")).toObject().value(QStringLiteral("client_secret")).toString(), QString());
    }

    void keyNamesAndDurationsAsInTheFile()
    {
        Config c = Config::embeddedDefault(QStringLiteral("/tmp/keel-x"));
        c.dns.baseDomain = QStringLiteral("tail.example");
        c.node.expiryMs = 180LL * 24 * 3600 * 1000;
        c.node.ephemeralInactivityTimeoutMs = 90 * 1000;
        c.dns.splitNameservers.insert(QStringLiteral("corp"), {QStringLiteral("10.0.0.53")});
        const QJsonObject dump = ConfigDump::toJson(c);
        QCOMPARE(dump.value(QStringLiteral("dns")).toObject().value(QStringLiteral("base_domain")).toString(), QStringLiteral("tail.example"));
        QCOMPARE(dump.value(QStringLiteral("node")).toObject().value(QStringLiteral("expiry")).toString(), QStringLiteral("4320h"));
        QCOMPARE(dump.value(QStringLiteral("node")).toObject().value(QStringLiteral("ephemeral")).toObject().value(QStringLiteral("inactivity_timeout")).toString(),
                 QStringLiteral("90s"));
        QCOMPARE(dump.value(QStringLiteral("dns")).toObject().value(QStringLiteral("nameservers")).toObject().value(QStringLiteral("split")).toObject()
                     .value(QStringLiteral("corp")).toArray().first().toString(), QStringLiteral("10.0.0.53"));
        QCOMPARE(dump.value(QStringLiteral("unix_socket_permission")).toString(), QStringLiteral("0770"));
        QCOMPARE(dump.value(QStringLiteral("policy")).toObject().value(QStringLiteral("mode")).toString(), QStringLiteral("file"));
    }
};

QTEST_GUILESS_MAIN(TestConfigDump)
#include "tst_configdump.moc"
