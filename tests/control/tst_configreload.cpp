// What a SIGHUP applies live and what it only reports (server/ConfigReload).
#include "config/Config.h"
#include "server/ConfigReload.h"

#include <QTest>

using namespace keel;
using server::ConfigReload;

class TestConfigReload : public QObject
{
    Q_OBJECT

private slots:
    void identicalConfigsChangeNothing()
    {
        const config::Config c;
        QVERIFY(ConfigReload::changedKeys(c, c).isEmpty());
    }

    void liveKeysAreAppliedAndTheRestKept()
    {
        config::Config running;
        running.dns.baseDomain = QStringLiteral("ts.example.com");
        running.listenAddr = QStringLiteral("127.0.0.1:8080");
        running.log.level = QStringLiteral("info");

        config::Config loaded = running;
        loaded.dns.baseDomain = QStringLiteral("other.example.com");
        loaded.dns.searchDomains = {QStringLiteral("corp.example")};
        loaded.listenAddr = QStringLiteral("127.0.0.1:9090");
        loaded.log.level = QStringLiteral("debug");
        loaded.derp.server.rateLimitBytesPerSec = 1'000'000;
        loaded.derp.server.rateLimitBurstBytes = 2'000'000;

        const QStringList changed = ConfigReload::changedKeys(running, loaded);
        QCOMPARE(changed, (QStringList{"listen_addr", "derp.server.rate_limit_bytes_per_sec", "derp.server.rate_limit_burst_bytes",
                                       "log.level", "dns.base_domain", "dns.search_domains"}));
        QStringList live;
        for (const QString& key : changed)
            if (ConfigReload::isReloadable(key))
                live << key;
        QCOMPARE(live, (QStringList{"derp.server.rate_limit_bytes_per_sec", "derp.server.rate_limit_burst_bytes", "log.level",
                                    "dns.search_domains"}));

        ConfigReload::applyReloadable(running, loaded);
        QCOMPARE(running.derp.server.rateLimitBytesPerSec, 1'000'000);
        QCOMPARE(running.derp.server.rateLimitBurstBytes, 2'000'000);
        QCOMPARE(running.log.level, QStringLiteral("debug"));
        QCOMPARE(running.dns.searchDomains, QStringList{QStringLiteral("corp.example")});
        // Keys built into running parts stay as they were started.
        QCOMPARE(running.dns.baseDomain, QStringLiteral("ts.example.com"));
        QCOMPARE(running.listenAddr, QStringLiteral("127.0.0.1:8080"));
    }
};

QTEST_GUILESS_MAIN(TestConfigReload)
#include "tst_configreload.moc"
