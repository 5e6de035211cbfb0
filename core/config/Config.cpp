#include "config/Config.h"

#include <QDir>

namespace keel::config {

Config Config::embeddedDefault(const QString& dataDir)
{
    // Starts from Headscale's code defaults (the member initialisers) and fills in what a server
    // needs to run with no file at all: everything on loopback and under dataDir.
    Config c;
    const QDir data(dataDir);
    c.dataDir = dataDir;
    c.serverUrl = QStringLiteral("http://127.0.0.1:8080");
    c.listenAddr = QStringLiteral("127.0.0.1:8080");
    c.metricsListenAddr = QStringLiteral("127.0.0.1:9090");
    c.noise.privateKeyPath = data.filePath(QStringLiteral("noise_private.key"));
    c.prefixes.v4 = QStringLiteral("100.64.0.0/10");
    c.prefixes.v6 = QStringLiteral("fd7a:115c:a1e0::/48");
    c.prefixes.allocation = QStringLiteral("sequential");
    c.database.type = QStringLiteral("sqlite");
    c.database.sqlite.path = data.filePath(QStringLiteral("db.sqlite"));
    c.derp.server.privateKeyPath = data.filePath(QStringLiteral("derp_server_private.key"));
    // Privacy by default: no config means no traffic to Tailscale's servers, neither from Keel
    // (fetching their DERP map) nor from clients (using their relays). The embedded default is a
    // loopback server; opt in with derp.urls or derp.server.enabled (config-example.yaml).
    c.derp.urls.clear();
    c.derp.autoUpdateEnabled = false;
    c.unixSocket = data.filePath(QStringLiteral("keel.sock"));
    c.unixSocketPermission = 0770;
    c.log.level = QStringLiteral("info");
    c.log.format = QStringLiteral("text");
    c.policy.mode = QStringLiteral("file");
    c.policy.path.clear();   // no policy file: allow all
    // MagicDNS needs a base domain (Headscale refuses magic_dns without one). ".internal" is
    // reserved by ICANN for private use, so it never shadows a public name nor server_url.
    c.dns.magicDns = true;
    c.dns.baseDomain = QStringLiteral("keel.internal");
    // Headscale's default (true) needs global nameservers; with none configured, leave the
    // clients' own resolvers in charge.
    c.dns.overrideLocalDns = false;
    c.node.expiryMs = 0;
    c.node.ephemeralInactivityTimeoutMs = 30 * 60 * 1000LL;
    c.logtail.enabled = false;
    c.taildrop.enabled = true;
    return c;
}

} // namespace keel::config
