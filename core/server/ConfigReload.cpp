#include "server/ConfigReload.h"

#include <QJsonDocument>

#include <functional>

namespace keel::server {

namespace {

using config::Config;

QString text(const QStringList& l)
{
    return l.join(QLatin1Char('\n'));
}

QString text(const QMap<QString, QStringList>& m)
{
    QStringList parts;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + text(it.value());
    return parts.join(QLatin1Char('\t'));
}

QString text(const QMap<QString, QString>& m)
{
    QStringList parts;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QLatin1Char('\t'));
}

QString text(const QJsonArray& a)
{
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QString text(const QString& s)
{
    return s;
}

QString text(bool b)
{
    return b ? QStringLiteral("true") : QStringLiteral("false");
}

template <typename T>
    requires std::is_arithmetic_v<T>
QString text(T n)
{
    return QString::number(n);
}

struct Entry
{
    const char* key;
    std::function<QString(const Config&)> value;
};

#define KEEL_KEY(name, member) Entry{name, [](const Config& c) { return text(c.member); }}

// The keys an operator is likely to edit, in the order of config-example.yaml. A key missing here
// (the tuning knobs, OIDC's finer flags) is simply not reported when it changes.
const QList<Entry>& entries()
{
    static const QList<Entry> list = {
        KEEL_KEY("data_dir", dataDir),
        KEEL_KEY("server_url", serverUrl),
        KEEL_KEY("listen_addr", listenAddr),
        KEEL_KEY("metrics_listen_addr", metricsListenAddr),
        KEEL_KEY("grpc_listen_addr", grpcListenAddr),
        KEEL_KEY("trusted_proxies", trustedProxies),
        KEEL_KEY("noise.private_key_path", noise.privateKeyPath),
        KEEL_KEY("prefixes.v4", prefixes.v4),
        KEEL_KEY("prefixes.v6", prefixes.v6),
        KEEL_KEY("prefixes.allocation", prefixes.allocation),
        KEEL_KEY("derp.server.enabled", derp.server.enabled),
        KEEL_KEY("derp.server.region_id", derp.server.regionId),
        KEEL_KEY("derp.server.region_code", derp.server.regionCode),
        KEEL_KEY("derp.server.region_name", derp.server.regionName),
        KEEL_KEY("derp.server.verify_clients", derp.server.verifyClients),
        KEEL_KEY("derp.server.stun_listen_addr", derp.server.stunListenAddr),
        KEEL_KEY("derp.server.private_key_path", derp.server.privateKeyPath),
        KEEL_KEY("derp.server.automatically_add_embedded_derp_region", derp.server.automaticallyAddEmbeddedDerpRegion),
        KEEL_KEY("derp.server.ipv4", derp.server.ipv4),
        KEEL_KEY("derp.server.ipv6", derp.server.ipv6),
        KEEL_KEY("derp.server.rate_limit_bytes_per_sec", derp.server.rateLimitBytesPerSec),
        KEEL_KEY("derp.server.rate_limit_burst_bytes", derp.server.rateLimitBurstBytes),
        KEEL_KEY("derp.server.mesh_key", derp.server.meshKey),
        KEEL_KEY("derp.server.mesh_with", derp.server.meshWith),
        KEEL_KEY("derp.urls", derp.urls),
        KEEL_KEY("derp.paths", derp.paths),
        KEEL_KEY("derp.auto_update_enabled", derp.autoUpdateEnabled),
        KEEL_KEY("derp.update_frequency", derp.updateFrequencyMs),
        KEEL_KEY("node.expiry", node.expiryMs),
        KEEL_KEY("node.ephemeral.inactivity_timeout", node.ephemeralInactivityTimeoutMs),
        KEEL_KEY("node.routes.ha.probe_interval", node.haProbeIntervalMs),
        KEEL_KEY("node.routes.ha.probe_timeout", node.haProbeTimeoutMs),
        KEEL_KEY("database.type", database.type),
        KEEL_KEY("database.sqlite.path", database.sqlite.path),
        KEEL_KEY("database.postgres.host", database.postgres.host),
        KEEL_KEY("database.postgres.port", database.postgres.port),
        KEEL_KEY("database.postgres.name", database.postgres.name),
        KEEL_KEY("database.postgres.user", database.postgres.user),
        KEEL_KEY("database.postgres.pass", database.postgres.pass),
        KEEL_KEY("tls_letsencrypt_hostname", tls.letsencrypt.hostname),
        KEEL_KEY("tls_letsencrypt_challenge_type", tls.letsencrypt.challengeType),
        KEEL_KEY("tls_letsencrypt_listen", tls.letsencrypt.listen),
        KEEL_KEY("tls_letsencrypt_cache_dir", tls.letsencrypt.cacheDir),
        KEEL_KEY("acme_url", acmeUrl),
        KEEL_KEY("acme_email", acmeEmail),
        KEEL_KEY("tls_cert_path", tls.certPath),
        KEEL_KEY("tls_key_path", tls.keyPath),
        KEEL_KEY("log.level", log.level),
        KEEL_KEY("log.format", log.format),
        KEEL_KEY("policy.mode", policy.mode),
        KEEL_KEY("policy.path", policy.path),
        KEEL_KEY("dns.magic_dns", dns.magicDns),
        KEEL_KEY("dns.base_domain", dns.baseDomain),
        KEEL_KEY("dns.override_local_dns", dns.overrideLocalDns),
        KEEL_KEY("dns.nameservers.global", dns.globalNameservers),
        KEEL_KEY("dns.nameservers.split", dns.splitNameservers),
        KEEL_KEY("dns.search_domains", dns.searchDomains),
        KEEL_KEY("dns.extra_records", dns.extraRecords),
        KEEL_KEY("dns.extra_records_path", dns.extraRecordsPath),
        KEEL_KEY("dns.cert_challenge.command", dns.certChallengeCommand),
        KEEL_KEY("dns.cert_challenge.timeout", dns.certChallengeTimeoutMs),
        KEEL_KEY("unix_socket", unixSocket),
        KEEL_KEY("unix_socket_permission", unixSocketPermission),
        KEEL_KEY("oidc.issuer", oidc.issuer),
        KEEL_KEY("oidc.client_id", oidc.clientId),
        KEEL_KEY("oidc.client_secret", oidc.clientSecret),
        KEEL_KEY("oidc.scope", oidc.scope),
        KEEL_KEY("oidc.extra_params", oidc.extraParams),
        KEEL_KEY("oidc.allowed_domains", oidc.allowedDomains),
        KEEL_KEY("oidc.allowed_users", oidc.allowedUsers),
        KEEL_KEY("oidc.allowed_groups", oidc.allowedGroups),
        KEEL_KEY("logtail.enabled", logtail.enabled),
        KEEL_KEY("taildrop.enabled", taildrop.enabled),
        KEEL_KEY("auto_update.enabled", autoUpdate.enabled),
        KEEL_KEY("tuning.batch_change_delay", tuning.batchChangeDelayMs),
    };
    return list;
}

#undef KEEL_KEY

} // namespace

QStringList ConfigReload::changedKeys(const Config& running, const Config& loaded)
{
    QStringList out;
    for (const Entry& e : entries())
        if (e.value(running) != e.value(loaded))
            out << QString::fromLatin1(e.key);
    return out;
}

bool ConfigReload::isReloadable(const QString& key)
{
    // The relay's rate limit and the log level are plain values read on every use (derper also
    // reloads its rate limit on SIGHUP).
    if (key == QLatin1String("derp.server.rate_limit_bytes_per_sec") || key == QLatin1String("derp.server.rate_limit_burst_bytes")
        || key == QLatin1String("log.level") || key == QLatin1String("trusted_proxies"))
        return true;
    // base_domain names every node (Node.Name, Domain): a restart re-sends everything cleanly.
    return key.startsWith(QLatin1String("dns.")) && key != QLatin1String("dns.base_domain");
}

void ConfigReload::applyReloadable(Config& running, const Config& loaded)
{
    const QString baseDomain = running.dns.baseDomain;
    running.dns = loaded.dns;
    running.dns.baseDomain = baseDomain;
    running.derp.server.rateLimitBytesPerSec = loaded.derp.server.rateLimitBytesPerSec;
    running.derp.server.rateLimitBurstBytes = loaded.derp.server.rateLimitBurstBytes;
    running.log.level = loaded.log.level;
    running.trustedProxies = loaded.trustedProxies;   // read per request (http::ClientAddress)
}

} // namespace keel::server
