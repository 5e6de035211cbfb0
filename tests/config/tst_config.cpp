#include "config/ConfigLoader.h"
#include "config/Duration.h"

#include "TestPaths.h"
#include "platform/Process.h"

#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>


using namespace keel::config;

namespace {

// A clean environment: only what a test sets, so the developer's own KEEL_*/HEADSCALE_* never leak in.
QProcessEnvironment cleanEnv(const QString& home = QDir::tempPath())
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), home);
    return env;
}

bool hasDiagnostic(const LoadResult& r, Diagnostic::Severity severity, const QString& key, const QString& text = QString())
{
    for (const Diagnostic& d : r.diagnostics)
        if (d.severity == severity && (key.isEmpty() || d.keyPath == key) && (text.isEmpty() || d.message.contains(text) || d.hint.contains(text)))
            return true;
    return false;
}

QString dump(const LoadResult& r)
{
    QStringList lines;
    for (const Diagnostic& d : r.diagnostics)
        lines << d.toString();
    return lines.join(QLatin1Char('\n'));
}

void writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

// The smallest file that validates: everything else takes its default.
const QByteArray kValidBase = "server_url: https://keel.example.com\n"
                              "dns:\n"
                              "  magic_dns: true\n"
                              "  base_domain: tailnet.example.org\n"
                              "  override_local_dns: false\n";

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // ./config.yaml is a search location: run from an empty directory.
        QVERIFY(m_cwd.isValid());
        QVERIFY(QDir::setCurrent(m_cwd.path()));
    }

    void durationsParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("zero seconds") << "0s" << qint64(0);
        QTest::newRow("30s") << "30s" << qint64(30'000);
        QTest::newRow("30m") << "30m" << qint64(1'800'000);
        QTest::newRow("24h") << "24h" << qint64(86'400'000);
        QTest::newRow("180d") << "180d" << qint64(180) * 86'400'000;
        QTest::newRow("1w") << "1w" << qint64(7) * 86'400'000;
        QTest::newRow("1y") << "1y" << qint64(365) * 86'400'000;
        QTest::newRow("1h30m") << "1h30m" << qint64(5'400'000);
        QTest::newRow("1d12h") << "1d12h" << qint64(129'600'000);
        QTest::newRow("500ms") << "500ms" << qint64(500);
        QTest::newRow("1m5s") << "1m5s" << qint64(65'000);
        QTest::newRow("padded") << " 120s " << qint64(120'000);
    }

    void durationsParse()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        QString error;
        const auto parsed = parseDurationMs(text, &error);
        QVERIFY2(parsed.has_value(), qPrintable(error));
        QCOMPARE(*parsed, ms);
    }

    void durationsReject_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << "" << "empty";
        QTest::newRow("no unit") << "30" << "missing unit";
        QTest::newRow("unknown unit") << "3x" << "unknown unit";
        QTest::newRow("repeated unit") << "1h1h" << "largest to smallest";
        QTest::newRow("wrong order") << "30m1h" << "largest to smallest";
        QTest::newRow("negative") << "-1s" << "invalid duration";
        QTest::newRow("fraction") << "1.5h" << "missing unit";
        QTest::newRow("unit only") << "h" << "invalid duration";
        QTest::newRow("words") << "ten minutes" << "invalid duration";
        QTest::newRow("huge") << "999999999999y" << "too large";
        QTest::newRow("space inside") << "1h 30m" << "invalid duration";
    }

    void durationsReject()
    {
        QFETCH(QString, text);
        QFETCH(QString, reason);
        QString error;
        QVERIFY(!parseDurationMs(text, &error).has_value());
        QVERIFY2(error.contains(reason), qPrintable(error));
    }

    void durationsFormat_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("0") << qint64(0) << "0s";
        QTest::newRow("90d") << qint64(90) * 86'400'000 << "90d";
        QTest::newRow("1h30m") << qint64(5'400'000) << "1h30m";
        QTest::newRow("2w") << qint64(14) * 86'400'000 << "2w";
        QTest::newRow("1y") << qint64(365) * 86'400'000 << "1y";
        QTest::newRow("1s500ms") << qint64(1500) << "1s500ms";
        QTest::newRow("3d4h") << qint64(3) * 86'400'000 + 4 * 3'600'000 << "3d4h";
    }

    void durationsFormat()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(formatDuration(ms), text);
        QCOMPARE(parseDurationMs(text).value_or(-1), ms);   // and it reads back
    }

    void headscaleConfigs_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("loads");
        QTest::addColumn<QStringList>("errorTexts");     // each must appear in some error
        QTest::addColumn<QStringList>("warnedKeys");     // each must have a warning
        // Loads; the keys that have no effect in Keel say so (config/KeyEffects).
        QTest::newRow("v0.29.2 example") << "config-example-v0.29.2.yaml" << true << QStringList()
                                         << QStringList{"grpc_listen_addr", "disable_check_updates", "database.gorm.prepare_stmt",
                                                        "database.gorm.slow_threshold", "tls_letsencrypt_cache_dir"};
        QTest::newRow("v0.26.1 example") << "config-example-v0.26.1.yaml" << true << QStringList()
                                         << QStringList{"ephemeral_node_inactivity_timeout", "randomize_client_port"};
        QTest::newRow("v0.23.0 example") << "config-example-v0.23.0.yaml" << true << QStringList()
                                         << QStringList{"ephemeral_node_inactivity_timeout", "randomize_client_port", "dns.use_username_in_magic_dns"};
        QTest::newRow("v0.22.3 example")
            << "config-example-v0.22.3.yaml" << true << QStringList()
            << QStringList{"ip_prefixes", "db_type", "db_path", "acl_policy_path", "dns_config.nameservers", "dns_config.domains",
                           "dns_config.magic_dns", "dns_config.base_domain", "dns_config.override_local_dns",
                           "ephemeral_node_inactivity_timeout", "private_key_path", "node_update_check_interval", "randomize_client_port"};
        // Headscale refuses this file for missing DNS settings; for Keel a file is "the defaults,
        // plus this", and the defaults include a base domain and leave the clients' resolvers alone.
        QTest::newRow("minimal: Keel's defaults fill the rest") << "minimal.yaml" << true << QStringList() << QStringList();
        QTest::newRow("dns full") << "dns_full.yaml" << true << QStringList() << QStringList();
        QTest::newRow("dns full no magic") << "dns_full_no_magic.yaml" << true << QStringList() << QStringList();
        QTest::newRow("base domain in server url")
            << "base-domain-in-server-url.yaml" << false
            << QStringList{"server_url cannot be part of base_domain in a way that could make the DERP and headscale server unreachable"}
            << QStringList();
        QTest::newRow("base domain not in server url") << "base-domain-not-in-server-url.yaml" << true << QStringList() << QStringList();
        QTest::newRow("dns override without nameservers")
            << "dns-override-true-error.yaml" << false
            << QStringList{"dns.nameservers.global must be set when dns.override_local_dns is true"} << QStringList();
        QTest::newRow("dns override") << "dns-override-true.yaml" << true << QStringList() << QStringList();
        QTest::newRow("policy path") << "policy-path-is-loaded.yaml" << true << QStringList()
                                     << QStringList{"acl_policy_path", "policy.type"};
    }

    void headscaleConfigs()
    {
        QFETCH(QString, file);
        QFETCH(bool, loads);
        QFETCH(QStringList, errorTexts);
        QFETCH(QStringList, warnedKeys);
        const LoadResult r = ConfigLoader::loadFile(keel::test::testdataPath(QStringLiteral("headscale-configs/") + file), cleanEnv());
        QVERIFY2(r.ok() == loads, qPrintable(dump(r)));
        for (const QString& text : errorTexts)
            QVERIFY2(hasDiagnostic(r, Diagnostic::Severity::Error, QString(), text), qPrintable(text + QStringLiteral("\n") + dump(r)));
        for (const QString& key : warnedKeys)
            QVERIFY2(hasDiagnostic(r, Diagnostic::Severity::Warning, key), qPrintable(key + QStringLiteral("\n") + dump(r)));
        if (warnedKeys.isEmpty())
            QVERIFY2(r.warnings().isEmpty(), qPrintable(dump(r)));
        for (const Diagnostic& d : r.diagnostics)
            QVERIFY2(d.line > 0 || d.keyPath.startsWith(QLatin1String("dns")) || d.keyPath == QLatin1String("prefixes"),
                     qPrintable(QStringLiteral("no position: ") + d.toString()));
    }

    void oldExampleIsMappedToNewKeys()
    {
        const LoadResult r = ConfigLoader::loadFile(keel::test::testdataPath(QStringLiteral("headscale-configs/config-example-v0.22.3.yaml")), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        const Config& c = r.config;
        QCOMPARE(c.prefixes.v4, QStringLiteral("100.64.0.0/10"));
        QCOMPARE(c.prefixes.v6, QStringLiteral("fd7a:115c:a1e0::/48"));
        QCOMPARE(c.database.type, QStringLiteral("sqlite"));
        QCOMPARE(c.database.sqlite.path, QStringLiteral("/var/lib/headscale/db.sqlite"));
        QCOMPARE(c.node.ephemeralInactivityTimeoutMs, qint64(30 * 60 * 1000));
        QCOMPARE(c.dns.globalNameservers, QStringList{QStringLiteral("1.1.1.1")});
        QCOMPARE(c.dns.baseDomain, QStringLiteral("example.com"));
        QVERIFY(c.dns.magicDns);
        QVERIFY(c.dns.overrideLocalDns);
        QCOMPARE(c.derp.updateFrequencyMs, qint64(24 * 3600 * 1000));
        QCOMPARE(c.unixSocketPermission, 0770);
        QVERIFY(r.warnings().size() >= 13);
    }

    void currentExampleValues()
    {
        const LoadResult r = ConfigLoader::loadFile(keel::test::testdataPath(QStringLiteral("headscale-configs/config-example-v0.29.2.yaml")), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        const Config& c = r.config;
        QCOMPARE(c.serverUrl, QStringLiteral("http://127.0.0.1:8080"));
        QCOMPARE(c.noise.privateKeyPath, QStringLiteral("/var/lib/headscale/noise_private.key"));
        QCOMPARE(c.derp.server.regionCode, QStringLiteral("headscale"));
        QCOMPARE(c.derp.server.ipv4, QStringLiteral("198.51.100.1"));
        QCOMPARE(c.derp.urls, QStringList{QStringLiteral("https://controlplane.tailscale.com/derpmap/default")});
        QCOMPARE(c.node.ephemeralInactivityTimeoutMs, qint64(30 * 60 * 1000));
        QCOMPARE(c.node.expiryMs, qint64(0));
        QCOMPARE(c.dns.globalNameservers.size(), 4);
        QCOMPARE(c.tls.letsencrypt.cacheDir, QStringLiteral("/var/lib/headscale/cache"));
        QCOMPARE(c.unixSocket, QStringLiteral("/var/run/headscale/headscale.sock"));
        QVERIFY(c.taildrop.enabled);
        QVERIFY(!c.oidc.enabled());
    }

    void dnsFullValuesAndRelativePath()
    {
        const QString path = keel::test::testdataPath(QStringLiteral("headscale-configs/dns_full.yaml"));
        const LoadResult r = ConfigLoader::loadFile(path, cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        const Config& c = r.config;
        QCOMPARE(c.dns.globalNameservers.size(), 5);
        QCOMPARE(c.dns.globalNameservers.last(), QStringLiteral("https://dns.nextdns.io/abc123"));
        QCOMPARE(c.dns.splitNameservers.value(QStringLiteral("darp.headscale.net")), (QStringList{QStringLiteral("1.1.1.1"), QStringLiteral("8.8.8.8")}));
        QCOMPARE(c.dns.splitNameservers.value(QStringLiteral("foo.bar.com")), QStringList{QStringLiteral("1.1.1.1")});
        QCOMPARE(c.dns.searchDomains, (QStringList{QStringLiteral("test.com"), QStringLiteral("bar.com")}));
        QCOMPARE(c.dns.extraRecords.size(), 2);
        QCOMPARE(c.dns.extraRecords.at(1).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("100.64.0.4"));
        QVERIFY(!c.dns.overrideLocalDns);
        // "private_key.pem" is relative: it lives beside the config file.
        QCOMPARE(c.noise.privateKeyPath, QFileInfo(path).absoluteDir().filePath(QStringLiteral("private_key.pem")));
        // No prefixes in the file: Keel's defaults (Headscale has none).
        QCOMPARE(c.prefixes.v4, QStringLiteral("100.64.0.0/10"));
        QCOMPARE(c.prefixes.v6, QStringLiteral("fd7a:115c:a1e0::/48"));
    }

    void policyPathNewKeyWins()
    {
        const LoadResult r = ConfigLoader::loadFile(keel::test::testdataPath(QStringLiteral("headscale-configs/policy-path-is-loaded.yaml")), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QCOMPARE(r.config.policy.path, QStringLiteral("/etc/policy.hujson"));
        QCOMPARE(r.config.policy.mode, QStringLiteral("file"));
        QVERIFY(hasDiagnostic(r, Diagnostic::Severity::Warning, QStringLiteral("acl_policy_path"), QStringLiteral("new key wins")));
    }

    void seedConfigLoads()
    {
        QFile seed(keel::test::testdataDir() + QStringLiteral("/../seeds/003_cd66c0c4439db1c9.txt"));
        if (!seed.open(QIODevice::ReadOnly))
            QSKIP("seed document not present");
        const QByteArray doc = seed.readAll();
        const QByteArray start = "#### config.yaml\n\n```yaml\n";
        const qsizetype from = doc.indexOf(start);
        QVERIFY(from >= 0);
        const qsizetype body = from + start.size();
        const qsizetype to = doc.indexOf("\n```", body);
        QVERIFY(to > body);
        const LoadResult r = ConfigLoader::loadFromText(doc.mid(body, to - body), QStringLiteral("/etc/headscale/config.yaml"), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        const Config& c = r.config;
        QVERIFY(c.derp.server.enabled);
        QCOMPARE(c.derp.server.stunListenAddr, QStringLiteral("0.0.0.0:3478"));
        QVERIFY(c.derp.paths.isEmpty());
        QCOMPARE(c.database.sqlite.path, QStringLiteral("/etc/headscale/db.sqlite"));
        QCOMPARE(c.dns.globalNameservers, QStringList{QStringLiteral("1.1.1.1")});
        QCOMPARE(c.node.ephemeralInactivityTimeoutMs, qint64(30 * 60 * 1000));
        QCOMPARE(c.prefixes.v4, QStringLiteral("100.64.0.0/10"));
        QCOMPARE(c.prefixes.v6, QStringLiteral("fd7a:115c:a1e0::/48"));
        for (const char* key : {"private_key_path", "ip_prefixes", "db_type", "db_path", "dns_config.nameservers", "randomize_client_port", "node_update_check_interval"})
            QVERIFY2(hasDiagnostic(r, Diagnostic::Severity::Warning, QLatin1String(key)), key);
        // DERP over plain http cannot work for real clients: said, not fatal.
        QVERIFY(hasDiagnostic(r, Diagnostic::Severity::Warning, QStringLiteral("derp.server.enabled"), QStringLiteral("https")));
    }

    void derpRateLimitKeys()
    {
        const Config defaults = ConfigLoader::loadFromText(kValidBase, QStringLiteral("config.yaml"), cleanEnv()).config;
        QCOMPARE(defaults.derp.server.rateLimitBytesPerSec, 0);   // off by default, as derper
        QCOMPARE(defaults.derp.server.rateLimitBurstBytes, 0);
        LoadResult r = ConfigLoader::loadFromText(
            kValidBase + "derp:\n  server:\n    rate_limit_bytes_per_sec: 1250000\n    rate_limit_burst_bytes: 200000\n",
            QStringLiteral("config.yaml"), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QCOMPARE(r.config.derp.server.rateLimitBytesPerSec, 1250000);
        QCOMPARE(r.config.derp.server.rateLimitBurstBytes, 200000);
        QVERIFY(!hasDiagnostic(r, Diagnostic::Severity::Warning, QStringLiteral("derp.server.rate_limit_burst_bytes")));
        r = ConfigLoader::loadFromText(kValidBase + "derp:\n  server:\n    rate_limit_bytes_per_sec: 1000\n    rate_limit_burst_bytes: 1000\n",
                                       QStringLiteral("config.yaml"), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QVERIFY(hasDiagnostic(r, Diagnostic::Severity::Warning, QStringLiteral("derp.server.rate_limit_burst_bytes"), QStringLiteral("65568")));
        r = ConfigLoader::loadFromText(kValidBase + "derp:\n  server:\n    rate_limit_burst_bytes: 100000\n", QStringLiteral("config.yaml"), cleanEnv());
        QVERIFY(hasDiagnostic(r, Diagnostic::Severity::Warning, QStringLiteral("derp.server.rate_limit_burst_bytes"), QStringLiteral("no effect")));
    }

    // A near miss of a known key or section is a typo: an error with "did you mean" (ignoring it
    // would run with the default instead, e.g. SQLite for a misspelt `database:`). A name like
    // nothing Keel knows is only a warning.
    void unknownKeys_data()
    {
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("suggestion");
        QTest::addColumn<int>("line");
        QTest::newRow("typo top level") << QByteArray("server_ulr: x\n") << "server_ulr" << "server_url" << 6;
        QTest::newRow("typo nested") << QByteArray("derp:\n  server:\n    enabeld: true\n") << "derp.server.enabeld" << "derp.server.enabled" << 8;
        QTest::newRow("typo of a section") << QByteArray("databse:\n  type: postgres\n") << "databse" << "database" << 6;
        QTest::newRow("far from anything") << QByteArray("frobnicate: 3\n") << "frobnicate" << "" << 6;
    }

    void unknownKeys()
    {
        QFETCH(QByteArray, extra);
        QFETCH(QString, key);
        QFETCH(QString, suggestion);
        QFETCH(int, line);
        const LoadResult r = ConfigLoader::loadFromText(kValidBase + extra, QStringLiteral("config.yaml"), cleanEnv());
        QCOMPARE(r.ok(), suggestion.isEmpty());
        QCOMPARE(r.diagnostics.size(), 1);
        const Diagnostic d = r.diagnostics.first();
        QCOMPARE(d.isError(), !suggestion.isEmpty());
        QCOMPARE(d.keyPath, key);
        QCOMPARE(d.line, line);
        if (suggestion.isEmpty())
            QVERIFY(d.hint.isEmpty());
        else
            QVERIFY2(d.hint.contains(suggestion), qPrintable(d.toString()));
    }

    void badValuesPointAtTheLine_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("text");
        // kValidBase is 5 lines: appended text starts on line 6.
        QTest::newRow("log level") << kValidBase + "log:\n  level: loud\n" << "log.level" << 7 << 10 << "not a valid value";
        QTest::newRow("bad duration") << kValidBase + "node:\n  expiry: 10 days\n" << "node.expiry" << 7 << 11 << "invalid duration";
        QTest::newRow("bad bool") << kValidBase + "logtail:\n  enabled: maybe\n" << "logtail.enabled" << 7 << 12 << "true or false";
        QTest::newRow("bad prefix") << kValidBase + "prefixes:\n  v4: 100.64.0.0/33\n" << "prefixes.v4" << 7 << 7 << "not an IPv4 prefix";
        QTest::newRow("v6 as v4") << kValidBase + "prefixes:\n  v4: fd7a:115c:a1e0::/48\n" << "prefixes.v4" << 7 << 7 << "not an IPv4 prefix";
        QTest::newRow("list for text") << kValidBase + "listen_addr: [a, b]\n" << "listen_addr" << 6 << 14 << "single value";
        QTest::newRow("bad listen") << kValidBase + "listen_addr: localhost\n" << "listen_addr" << 6 << 14 << "not a listen address";
        QTest::newRow("zero proxy") << kValidBase + "trusted_proxies: [0.0.0.0/0]\n" << "trusted_proxies" << 6 << 18 << "not allowed";
        QTest::newRow("db type") << kValidBase + "database:\n  type: mysql\n" << "database.type" << 7 << 9 << "invalid database type";
        QTest::newRow("socket mode") << kValidBase + "unix_socket_permission: \"0999\"\n" << "unix_socket_permission" << 6 << 25 << "octal";
        QTest::newRow("ephemeral too low") << kValidBase + "node:\n  ephemeral:\n    inactivity_timeout: 60s\n"
                                           << "node.ephemeral.inactivity_timeout" << 8 << 25 << "too low";
        QTest::newRow("ha timeout") << kValidBase + "node:\n  routes:\n    ha:\n      probe_interval: 5s\n      probe_timeout: 5s\n"
                                    << "node.routes.ha.probe_timeout" << 10 << 22 << "must be less than";
        QTest::newRow("stun missing") << kValidBase + "derp:\n  server:\n    enabled: true\n" << "derp.server.stun_listen_addr" << -1 << -1 << "must be set";
        QTest::newRow("derp rate negative") << kValidBase + "derp:\n  server:\n    rate_limit_bytes_per_sec: -1\n"
                                            << "derp.server.rate_limit_bytes_per_sec" << 8 << 31 << "bytes per second";
        QTest::newRow("derp burst negative") << kValidBase + "derp:\n  server:\n    rate_limit_burst_bytes: -5\n"
                                             << "derp.server.rate_limit_burst_bytes" << 8 << 29 << "positive number of bytes";
        QTest::newRow("derp rate not a number") << kValidBase + "derp:\n  server:\n    rate_limit_bytes_per_sec: 10MB\n"
                                                << "derp.server.rate_limit_bytes_per_sec" << 8 << 31 << "whole number";
        QTest::newRow("server url scheme") << QByteArray(kValidBase).replace("https://keel.example.com", "keel.example.com")
                                           << "server_url" << 1 << 13 << "must start with https:// or http://";
        QTest::newRow("same domain") << QByteArray(kValidBase).replace("https://keel.example.com", "https://tailnet.example.org")
                                     << "dns.base_domain" << 4 << 16 << "same domain";
        QTest::newRow("records") << kValidBase + "  extra_records:\n    - {name: a.example.org, type: A}\n" << "dns.extra_records" << 7 << 5
                                 << "must have name, type and value";
    }

    void badValuesPointAtTheLine()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, key);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, text);
        const LoadResult r = ConfigLoader::loadFromText(yaml, QStringLiteral("config.yaml"), cleanEnv());
        QVERIFY(!r.ok());
        bool found = false;
        for (const Diagnostic& d : r.errors()) {
            if (d.keyPath != key || !d.message.contains(text))
                continue;
            found = true;
            QCOMPARE(d.line, line);
            QCOMPARE(d.column, column);
            QVERIFY(d.toString().startsWith(QStringLiteral("config.yaml")));
        }
        QVERIFY2(found, qPrintable(dump(r)));
    }

    void everyProblemIsReported()
    {
        const QByteArray yaml = "server_url: ftp://x\n"
                                "log:\n"
                                "  level: loud\n"
                                "  format: xml\n"
                                "node:\n"
                                "  expiry: soon\n"
                                "prefixes:\n"
                                "  allocation: shuffled\n"
                                "dns:\n"
                                "  override_local_dns: true\n"
                                "  magic_dns: false\n";
        const LoadResult r = ConfigLoader::loadFromText(yaml, QStringLiteral("multi.yaml"), cleanEnv());
        QStringList keys;
        for (const Diagnostic& d : r.errors())
            keys << d.keyPath;
        keys.sort();
        QCOMPARE(keys, (QStringList{QStringLiteral("dns.override_local_dns"), QStringLiteral("log.format"), QStringLiteral("log.level"),
                                    QStringLiteral("node.expiry"), QStringLiteral("prefixes.allocation"), QStringLiteral("server_url")}));
    }

    void garbageIsRejectedClearly_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unclosed flow") << QByteArray("server_url: [http://x\n") << "not valid YAML";
        QTest::newRow("list at top") << QByteArray("- a\n- b\n") << "must be a mapping";
        QTest::newRow("scalar at top") << QByteArray("hello") << "must be a mapping";
        QTest::newRow("bad indentation") << QByteArray("dns:\n  magic_dns: true\n base_domain: x\n") << "not valid YAML";
        QTest::newRow("section as scalar") << QByteArray("derp: 3\n") << "must be a mapping";
        QTest::newRow("binary") << QByteArray("\x00\xff\xfe:\x01", 5) << "";
    }

    void garbageIsRejectedClearly()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        const LoadResult r = ConfigLoader::loadFromText(text, QStringLiteral("bad.yaml"), cleanEnv());
        QVERIFY(!r.ok());
        if (!message.isEmpty())
            QVERIFY2(hasDiagnostic(r, Diagnostic::Severity::Error, QString(), message), qPrintable(dump(r)));
    }

    void oldAndNewKeyNewWins()
    {
        const QByteArray yaml = kValidBase + "ephemeral_node_inactivity_timeout: 5m\n"
                                             "node:\n  ephemeral:\n    inactivity_timeout: 20m\n"
                                             "randomize_client_port: true\n";
        const LoadResult r = ConfigLoader::loadFromText(yaml, QStringLiteral("c.yaml"), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QCOMPARE(r.config.node.ephemeralInactivityTimeoutMs, qint64(20 * 60 * 1000));
        QVERIFY(hasDiagnostic(r, Diagnostic::Severity::Warning, QStringLiteral("ephemeral_node_inactivity_timeout"), QStringLiteral("new key wins")));
        QVERIFY(hasDiagnostic(r, Diagnostic::Severity::Warning, QStringLiteral("randomize_client_port"), QStringLiteral("randomizeClientPort")));
        // Only the old key: its value is used, and the warning names the new key.
        const LoadResult old = ConfigLoader::loadFromText(kValidBase + "ephemeral_node_inactivity_timeout: 5m\n", QStringLiteral("c.yaml"), cleanEnv());
        QCOMPARE(old.config.node.ephemeralInactivityTimeoutMs, qint64(5 * 60 * 1000));
        QVERIFY(hasDiagnostic(old, Diagnostic::Severity::Warning, QStringLiteral("ephemeral_node_inactivity_timeout"), QStringLiteral("node.ephemeral.inactivity_timeout")));
    }

    void envOverrides()
    {
        QProcessEnvironment env = cleanEnv();
        env.insert(QStringLiteral("HEADSCALE_LOG_LEVEL"), QStringLiteral("trace"));
        env.insert(QStringLiteral("HEADSCALE_SERVER_URL"), QStringLiteral("https://from-headscale.example.com"));
        env.insert(QStringLiteral("KEEL_SERVER_URL"), QStringLiteral("https://from-keel.example.com"));
        env.insert(QStringLiteral("HEADSCALE_DATABASE_SQLITE_WRITE_AHEAD_LOG"), QStringLiteral("false"));
        env.insert(QStringLiteral("KEEL_DNS_NAMESERVERS_GLOBAL"), QStringLiteral("1.1.1.1  8.8.8.8\t9.9.9.9"));
        env.insert(QStringLiteral("KEEL_DNS_SEARCH_DOMAINS"), QStringLiteral("test.com bar.com"));
        env.insert(QStringLiteral("KEEL_DNS_NAMESERVERS_SPLIT"), QStringLiteral("{corp.example.com: [10.0.0.53]}"));
        env.insert(QStringLiteral("KEEL_NODE_EXPIRY"), QStringLiteral("90d"));
        env.insert(QStringLiteral("KEEL_PREFIXES_V6"), QString());   // empty: v4-only tailnet
        const LoadResult r = ConfigLoader::loadFromText(kValidBase + "log:\n  level: warn\n", QStringLiteral("c.yaml"), env);
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        const Config& c = r.config;
        QCOMPARE(c.log.level, QStringLiteral("trace"));                           // env over file
        QCOMPARE(c.serverUrl, QStringLiteral("https://from-keel.example.com"));   // KEEL_ over HEADSCALE_
        QVERIFY(!c.database.sqlite.writeAheadLog);
        QCOMPARE(c.dns.globalNameservers, (QStringList{QStringLiteral("1.1.1.1"), QStringLiteral("8.8.8.8"), QStringLiteral("9.9.9.9")}));
        QCOMPARE(c.dns.searchDomains, (QStringList{QStringLiteral("test.com"), QStringLiteral("bar.com")}));
        QCOMPARE(c.dns.splitNameservers.value(QStringLiteral("corp.example.com")), QStringList{QStringLiteral("10.0.0.53")});
        QCOMPARE(c.node.expiryMs, qint64(90) * 86'400'000);
        QCOMPARE(c.prefixes.v4, QStringLiteral("100.64.0.0/10"));
        QVERIFY(c.prefixes.v6.isEmpty());
    }

    void badEnvValueNamesTheVariable()
    {
        QProcessEnvironment env = cleanEnv();
        env.insert(QStringLiteral("HEADSCALE_DERP_SERVER_ENABLED"), QStringLiteral("sure"));
        const LoadResult r = ConfigLoader::loadFromText(kValidBase, QStringLiteral("c.yaml"), env);
        QVERIFY(!r.ok());
        const Diagnostic d = r.errors().first();
        QCOMPARE(d.keyPath, QStringLiteral("derp.server.enabled"));
        QCOMPARE(d.file, QStringLiteral("HEADSCALE_DERP_SERVER_ENABLED"));
        QCOMPARE(d.line, -1);
        QVERIFY(d.toString().startsWith(QStringLiteral("HEADSCALE_DERP_SERVER_ENABLED: derp.server.enabled: ")));
    }

    void relativePathsResolveAgainstTheFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("etc/config.yaml"));
        writeFile(path, kValidBase + "noise:\n  private_key_path: keys/noise.key\n"
                                     "database:\n  sqlite:\n    path: ../var/db.sqlite\n"
                                     "policy:\n  path: policy.hujson\n"
                                     "derp:\n  paths: [derp.yaml, /abs/derp.yaml]\n"
                                     "unix_socket: /run/keel.sock\n");
        const LoadResult r = ConfigLoader::loadFile(path, cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        const QDir etc(dir.filePath(QStringLiteral("etc")));
        QCOMPARE(r.config.sourcePath, path);
        QCOMPARE(r.config.noise.privateKeyPath, etc.filePath(QStringLiteral("keys/noise.key")));
        QCOMPARE(r.config.database.sqlite.path, dir.filePath(QStringLiteral("var/db.sqlite")));
        QCOMPARE(r.config.policy.path, etc.filePath(QStringLiteral("policy.hujson")));
        QCOMPARE(r.config.derp.paths, (QStringList{etc.filePath(QStringLiteral("derp.yaml")), QStringLiteral("/abs/derp.yaml")}));
        QCOMPARE(r.config.unixSocket, QStringLiteral("/run/keel.sock"));
    }

    void absentKeysTakeTheRightDefaults()
    {
        QTemporaryDir dir;
        QProcessEnvironment env = cleanEnv();
        env.insert(QStringLiteral("KEEL_DATA_DIR"), dir.path());
        const LoadResult r = ConfigLoader::loadFromText(kValidBase, dir.filePath(QStringLiteral("config.yaml")), env);
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        const Config& c = r.config;
        // A file means "the embedded default, plus this": the same values as with no file at all
        // (not Headscale's code defaults: its admin socket path, its 120 s ephemeral timeout).
        QCOMPARE(c.node.ephemeralInactivityTimeoutMs, qint64(30 * 60 * 1000));
        QCOMPARE(c.unixSocket, QDir(dir.path()).filePath(QStringLiteral("keel.sock")));
        QCOMPARE(c.tls.letsencrypt.cacheDir, QStringLiteral("/var/www/.cache"));
        QCOMPARE(c.derp.updateFrequencyMs, qint64(3 * 3600 * 1000));
        QCOMPARE(c.oidc.scope, (QStringList{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email")}));
        QVERIFY(c.derp.urls.isEmpty());
        QCOMPARE(c.dataDir, dir.path());
        QCOMPARE(c.listenAddr, QStringLiteral("127.0.0.1:8080"));
        QCOMPARE(c.database.sqlite.path, QDir(dir.path()).filePath(QStringLiteral("db.sqlite")));
        QCOMPARE(c.noise.privateKeyPath, QDir(dir.path()).filePath(QStringLiteral("noise_private.key")));
        QCOMPARE(c.prefixes.v4, QStringLiteral("100.64.0.0/10"));
        QCOMPARE(c.derp.server.regionId, 999);
    }

    void aOneLineFileIsTheDefaultsPlusThat()
    {
        QTemporaryDir dir;
        QProcessEnvironment env = cleanEnv();
        env.insert(QStringLiteral("KEEL_DATA_DIR"), dir.path());
        const LoadResult r = ConfigLoader::loadFromText("listen_addr: 0.0.0.0:8080\n", dir.filePath(QStringLiteral("config.yaml")), env);
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QVERIFY2(r.diagnostics.isEmpty(), qPrintable(dump(r)));
        const Config def = Config::embeddedDefault(dir.path());
        QCOMPARE(r.config.listenAddr, QStringLiteral("0.0.0.0:8080"));
        QCOMPARE(r.config.serverUrl, def.serverUrl);
        QCOMPARE(r.config.dns.baseDomain, def.dns.baseDomain);
        QCOMPARE(r.config.dns.overrideLocalDns, def.dns.overrideLocalDns);
        QCOMPARE(r.config.unixSocket, def.unixSocket);   // not Headscale's /var/run/headscale/headscale.sock
        QCOMPARE(r.config.database.sqlite.path, def.database.sqlite.path);
    }

    void globalNameserversTurnOnOverrideUnlessSaid()
    {
        // Keel's default leaves clients' resolvers alone only because it has no nameservers; a
        // file that lists some gets Headscale's default (use them), unless it says otherwise.
        const QByteArray servers = "dns:\n  nameservers:\n    global: [1.1.1.1]\n";
        LoadResult r = ConfigLoader::loadFromText(servers, QStringLiteral("config.yaml"), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QVERIFY(r.config.dns.overrideLocalDns);
        r = ConfigLoader::loadFromText(servers + "  override_local_dns: false\n", QStringLiteral("config.yaml"), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QVERIFY(!r.config.dns.overrideLocalDns);
    }

    void misspeltDatabaseTypeIsAnError()
    {
        const LoadResult r = ConfigLoader::loadFromText("database:\n  type: postgress\n", QStringLiteral("config.yaml"), cleanEnv());
        QVERIFY(!r.ok());
        QVERIFY2(hasDiagnostic(r, Diagnostic::Severity::Error, QStringLiteral("database.type"), QStringLiteral("postgres")), qPrintable(dump(r)));
        QCOMPARE(r.errors().first().line, 2);
    }

    void misspeltVariablesWarn()
    {
        QProcessEnvironment env = cleanEnv();
        env.insert(QStringLiteral("KEEL_LISTEN_ADR"), QStringLiteral("127.0.0.1:1"));
        env.insert(QStringLiteral("HEADSCALE_SERVER_ULR"), QStringLiteral("http://x"));
        env.insert(QStringLiteral("KEEL_SOME_TEST_HARNESS_VALUE"), QStringLiteral("1"));   // not near anything: another tool's
        const LoadResult r = ConfigLoader::loadFromText(QByteArray(), QStringLiteral("config.yaml"), env);
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QCOMPARE(r.warnings().size(), 2);
        QVERIFY2(dump(r).contains(QStringLiteral("KEEL_LISTEN_ADR: warning: sets nothing, ignored; did you mean KEEL_LISTEN_ADDR?")), qPrintable(dump(r)));
        QVERIFY2(dump(r).contains(QStringLiteral("did you mean HEADSCALE_SERVER_URL?")), qPrintable(dump(r)));
    }

    void aMissingFileSaysSoAndHowToMakeOne()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("etc/keel/config.yaml"));
        const LoadResult r = ConfigLoader::load(path, cleanEnv());
        QVERIFY(!r.ok());
        QCOMPARE(r.requestedPath, path);
        QCOMPARE(r.errors().size(), 1);
        QVERIFY2(r.errors().first().message.contains(QStringLiteral("does not exist")), qPrintable(dump(r)));
        QVERIFY2(r.errors().first().hint.contains(QStringLiteral("keel config init ") + path), qPrintable(dump(r)));
    }

    void embeddedDefaultValidates()
    {
        QTemporaryDir dir;
        QProcessEnvironment env = cleanEnv(dir.path());
        env.insert(QStringLiteral("KEEL_DATA_DIR"), dir.filePath(QStringLiteral("data")));
        if (QFileInfo::exists(QStringLiteral("/etc/keel/config.yaml")) || QFileInfo::exists(QStringLiteral("/etc/headscale/config.yaml")))
            QSKIP("a system-wide config file exists on this machine");
        const LoadResult r = ConfigLoader::load(QString(), env);
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QVERIFY(r.diagnostics.isEmpty());
        const Config& c = r.config;
        QVERIFY(c.sourcePath.isEmpty());
        const QDir data(dir.filePath(QStringLiteral("data")));
        QCOMPARE(c.dataDir, data.path());
        QCOMPARE(c.database.sqlite.path, data.filePath(QStringLiteral("db.sqlite")));
        QCOMPARE(c.unixSocket, data.filePath(QStringLiteral("keel.sock")));
        QCOMPARE(c.derp.server.privateKeyPath, data.filePath(QStringLiteral("derp_server_private.key")));
        QCOMPARE(c.serverUrl, QStringLiteral("http://127.0.0.1:8080"));
        QCOMPARE(c.metricsListenAddr, QStringLiteral("127.0.0.1:9090"));
        QCOMPARE(c.node.ephemeralInactivityTimeoutMs, qint64(30 * 60 * 1000));
        // Privacy by default: nothing points at (or fetches from) Tailscale's servers.
        QVERIFY(c.derp.urls.isEmpty());
        QVERIFY(!c.derp.autoUpdateEnabled);
        QVERIFY(c.dns.magicDns);
        QVERIFY(!c.dns.baseDomain.isEmpty());
        QCOMPARE(c.unixSocketPermission, 0770);
        // Environment overrides apply to the embedded default too.
        env.insert(QStringLiteral("KEEL_LISTEN_ADDR"), QStringLiteral("127.0.0.1:18080"));
        QCOMPARE(ConfigLoader::load(QString(), env).config.listenAddr, QStringLiteral("127.0.0.1:18080"));
    }

    void defaultDataDir()
    {
        const bool superuser = keel::platform::isSuperuser();
        QProcessEnvironment env = cleanEnv(QStringLiteral("/home/alice"));
#ifdef Q_OS_WIN
        // Windows' conventions: %ProgramData%\Keel for the service (LocalSystem), else %LOCALAPPDATA%.
        env.insert(QStringLiteral("LOCALAPPDATA"), QStringLiteral("C:\\Users\\alice\\AppData\\Local"));
        env.insert(QStringLiteral("ProgramData"), QStringLiteral("D:\\Data"));
        QCOMPARE(ConfigLoader::defaultDataDir(env), superuser ? QStringLiteral("D:/Data/Keel") : QStringLiteral("C:/Users/alice/AppData/Local/Keel"));
        env.remove(QStringLiteral("LOCALAPPDATA"));
        env.remove(QStringLiteral("ProgramData"));
        QCOMPARE(ConfigLoader::defaultDataDir(env), superuser ? QStringLiteral("C:/ProgramData/Keel") : QStringLiteral("/home/alice/AppData/Local/Keel"));
#else
        env.insert(QStringLiteral("XDG_DATA_HOME"), QStringLiteral("/xdg"));
        const QString expected = superuser ? QStringLiteral("/var/lib/keel") : QStringLiteral("/xdg/keel");
        QCOMPARE(ConfigLoader::defaultDataDir(env), expected);
        env.remove(QStringLiteral("XDG_DATA_HOME"));
        if (!superuser)
            QCOMPARE(ConfigLoader::defaultDataDir(env), QStringLiteral("/home/alice/.local/share/keel"));
#endif
        env.insert(QStringLiteral("KEEL_DATA_DIR"), QStringLiteral("/srv/keel"));
        QCOMPARE(ConfigLoader::defaultDataDir(env), QStringLiteral("/srv/keel"));
    }

    void searchOrder()
    {
        QProcessEnvironment env = cleanEnv(QStringLiteral("/home/alice"));
        QStringList paths = ConfigLoader::searchPaths(env);
        const QString cwd = QDir::currentPath();
#ifdef Q_OS_WIN
        // %ProgramData%\Keel in place of /etc/keel; no /etc/headscale.
        const QString system = QStringLiteral("C:/ProgramData/Keel");
        QCOMPARE(paths, (QStringList{system + QStringLiteral("/config.yaml"), system + QStringLiteral("/config.json"),
                                     QStringLiteral("/home/alice/.keel/config.yaml"), QStringLiteral("/home/alice/.keel/config.json"),
                                     cwd + QStringLiteral("/config.yaml"), cwd + QStringLiteral("/config.json")}));
#else
        const QString system = QStringLiteral("/etc/keel");
        QCOMPARE(paths, (QStringList{QStringLiteral("/etc/keel/config.yaml"), QStringLiteral("/etc/keel/config.json"),
                                     QStringLiteral("/home/alice/.keel/config.yaml"), QStringLiteral("/home/alice/.keel/config.json"),
                                     cwd + QStringLiteral("/config.yaml"), cwd + QStringLiteral("/config.json"),
                                     QStringLiteral("/etc/headscale/config.yaml"), QStringLiteral("/etc/headscale/config.json")}));
#endif
        env.insert(QStringLiteral("HEADSCALE_CONFIG"), QStringLiteral("/h.yaml"));
        env.insert(QStringLiteral("KEEL_CONFIG"), QStringLiteral("/k.yaml"));
        paths = ConfigLoader::searchPaths(env);
        QCOMPARE(paths.mid(0, 3), (QStringList{QStringLiteral("/k.yaml"), QStringLiteral("/h.yaml"), system + QStringLiteral("/config.yaml")}));
    }

    void loadFollowsTheSearchOrder()
    {
        QTemporaryDir dir;
        const QString keelFile = dir.filePath(QStringLiteral("keel.yaml"));
        const QString headscaleFile = dir.filePath(QStringLiteral("headscale.yaml"));
        const QString explicitFile = dir.filePath(QStringLiteral("explicit.yaml"));
        const QString homeFile = dir.filePath(QStringLiteral("home/.keel/config.yaml"));
        writeFile(keelFile, kValidBase + "listen_addr: 127.0.0.1:1001\n");
        writeFile(headscaleFile, kValidBase + "listen_addr: 127.0.0.1:1002\n");
        writeFile(explicitFile, kValidBase + "listen_addr: 127.0.0.1:1003\n");
        writeFile(homeFile, kValidBase + "listen_addr: 127.0.0.1:1004\n");
        QProcessEnvironment env = cleanEnv(dir.filePath(QStringLiteral("home")));
        env.insert(QStringLiteral("HEADSCALE_CONFIG"), headscaleFile);
        QCOMPARE(ConfigLoader::load(QString(), env).config.listenAddr, QStringLiteral("127.0.0.1:1002"));
        env.insert(QStringLiteral("KEEL_CONFIG"), keelFile);
        QCOMPARE(ConfigLoader::load(QString(), env).config.listenAddr, QStringLiteral("127.0.0.1:1001"));
        QCOMPARE(ConfigLoader::load(explicitFile, env).config.sourcePath, explicitFile);
        // A file named explicitly but missing is an error, not a silent fallback.
        env.insert(QStringLiteral("KEEL_CONFIG"), dir.filePath(QStringLiteral("missing.yaml")));
        const LoadResult missing = ConfigLoader::load(QString(), env);
        QVERIFY(!missing.ok());
        QVERIFY(missing.errors().first().message.contains(QStringLiteral("does not exist")));
        // Nothing named: the search finds ~/.keel/config.yaml (unless /etc/keel has one).
        if (QFileInfo::exists(QStringLiteral("/etc/keel/config.yaml")) || QFileInfo::exists(QStringLiteral("/etc/keel/config.json")))
            QSKIP("/etc/keel has a config on this machine");
        const LoadResult home = ConfigLoader::load(QString(), cleanEnv(dir.filePath(QStringLiteral("home"))));
        QCOMPARE(home.config.sourcePath, homeFile);
        QCOMPARE(home.config.listenAddr, QStringLiteral("127.0.0.1:1004"));
    }

    void jsonConfigLoads()
    {
        const QByteArray json = "{\"server_url\": \"https://keel.example.com\", \"dns\": {\"base_domain\": \"t.example.org\",\n"
                                " \"override_local_dns\": false}, \"prefixes\": {\"v4\": \"100.64.0.0/16\"}}";
        const LoadResult r = ConfigLoader::loadFromText(json, QStringLiteral("config.json"), cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QCOMPARE(r.config.prefixes.v4, QStringLiteral("100.64.0.0/16"));
        QVERIFY(r.config.prefixes.v6.isEmpty());
    }

    void oidcSettings()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("creds/oidc_client_secret")), "  s3cret\n");
        QProcessEnvironment env = cleanEnv();
        env.insert(QStringLiteral("CREDENTIALS_DIRECTORY"), dir.filePath(QStringLiteral("creds")));
        const QByteArray ok = kValidBase + "oidc:\n  issuer: https://sso.example.com\n  client_id: keel\n"
                                           "  client_secret_path: ${CREDENTIALS_DIRECTORY}/oidc_client_secret\n"
                                           "  extra_params: {domain_hint: example.com}\n  pkce: {enabled: true, method: plain}\n";
        const LoadResult r = ConfigLoader::loadFromText(ok, QStringLiteral("c.yaml"), env);
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QCOMPARE(r.config.oidc.clientSecret, QStringLiteral("s3cret"));
        QCOMPARE(r.config.oidc.extraParams.value(QStringLiteral("domain_hint")), QStringLiteral("example.com"));
        QVERIFY(r.config.oidc.pkce.enabled);

        const QByteArray bad = kValidBase + "oidc:\n  issuer: not a url\n  client_secret: a\n  client_secret_path: /x\n  pkce:\n    method: S512\n"
                                            "  strip_email_domain: true\n";
        const LoadResult b = ConfigLoader::loadFromText(bad, QStringLiteral("c.yaml"), env);
        QVERIFY(hasDiagnostic(b, Diagnostic::Severity::Error, QStringLiteral("oidc.issuer"), QStringLiteral("valid http(s) URL")));
        QVERIFY(hasDiagnostic(b, Diagnostic::Severity::Error, QStringLiteral("oidc.client_id"), QStringLiteral("required")));
        QVERIFY(hasDiagnostic(b, Diagnostic::Severity::Error, QStringLiteral("oidc.client_secret_path"), QStringLiteral("mutually exclusive")));
        QVERIFY(hasDiagnostic(b, Diagnostic::Severity::Error, QStringLiteral("oidc.pkce.method"), QStringLiteral("plain")));
        QVERIFY(hasDiagnostic(b, Diagnostic::Severity::Warning, QStringLiteral("oidc.strip_email_domain")));
    }

    void documentedExampleLoadsCleanly()
    {
        const QString path = QStringLiteral(KEEL_RESOURCES_DIR "/config-example.yaml");
        const LoadResult r = ConfigLoader::loadFile(path, cleanEnv());
        QVERIFY2(r.ok(), qPrintable(dump(r)));
        QVERIFY2(r.diagnostics.isEmpty(), qPrintable(dump(r)));
        // It documents the embedded default: the same values where both have one. (Its data_dir is
        // made absolute when loaded: on Windows that adds the current drive to /var/lib/keel.)
        const Config def = Config::embeddedDefault(QStringLiteral("/var/lib/keel"));
        const Config& c = r.config;
        QCOMPARE(c.dataDir, QFileInfo(def.dataDir).absoluteFilePath());
        QCOMPARE(c.serverUrl, def.serverUrl);
        QCOMPARE(c.listenAddr, def.listenAddr);
        QCOMPARE(c.metricsListenAddr, def.metricsListenAddr);
        QCOMPARE(c.noise.privateKeyPath, def.noise.privateKeyPath);
        QCOMPARE(c.database.sqlite.path, def.database.sqlite.path);
        QCOMPARE(c.derp.server.privateKeyPath, def.derp.server.privateKeyPath);
        QCOMPARE(c.derp.server.regionCode, def.derp.server.regionCode);
        QCOMPARE(c.derp.urls, def.derp.urls);
        QCOMPARE(c.unixSocket, def.unixSocket);
        QCOMPARE(c.node.ephemeralInactivityTimeoutMs, def.node.ephemeralInactivityTimeoutMs);
        // Every key of the schema that is not commented out is read, so none is unknown.
        QVERIFY(c.dns.globalNameservers.size() == 4);
    }

    void diagnosticText()
    {
        Diagnostic d;
        d.file = QStringLiteral("config.yaml");
        d.line = 12;
        d.column = 3;
        d.keyPath = QStringLiteral("dns.base_domain");
        d.message = QStringLiteral("must not be part of server_url");
        d.hint = QStringLiteral("pick another domain");
        QCOMPARE(d.toString(), QStringLiteral("config.yaml:12:3: dns.base_domain: must not be part of server_url (hint: pick another domain)"));
        d.severity = Diagnostic::Severity::Warning;
        d.line = -1;
        d.hint.clear();
        QCOMPARE(d.toString(), QStringLiteral("config.yaml: warning: dns.base_domain: must not be part of server_url"));
        // A message that starts with its key (Headscale's wording) does not get it twice.
        d.keyPath = QStringLiteral("server_url");
        d.message = QStringLiteral("server_url must start with https:// or http://");
        QCOMPARE(d.toString(), QStringLiteral("config.yaml: warning: server_url must start with https:// or http://"));
    }

private:
    QTemporaryDir m_cwd;
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
