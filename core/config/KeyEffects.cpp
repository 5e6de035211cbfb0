#include "config/KeyEffects.h"

namespace keel::config {

namespace {

using S = KeyEffects::Status;

// Read by Keel: the value reaches the code named by `reader`.
#define KEEL_USED(path, reader) KeyEffects::Entry{path, S::Used, reader, "", {}}
// Accepted, no effect: warns when `cond` (an expression over `c`) holds for the loaded value.
#define KEEL_NOEFFECT(path, reader, reason, cond) KeyEffects::Entry{path, S::NoEffect, reader, reason, []([[maybe_unused]] const Config& c) { return bool(cond); }}
#define KEEL_UNSUPPORTED(path, reader, reason, cond) KeyEffects::Entry{path, S::Unsupported, reader, reason, []([[maybe_unused]] const Config& c) { return bool(cond); }}

const char* const kNoPool = "Keel holds one database connection per thread that uses it, not a pool";

const Config& defaults()
{
    static const Config d;
    return d;
}

} // namespace

const QList<KeyEffects::Entry>& KeyEffects::entries()
{
    static const QList<Entry> list = {
        KEEL_USED("data_dir", "\\.dataDir\\b"),
        KEEL_USED("server_url", "\\.serverUrl\\b"),
        KEEL_USED("listen_addr", "\\.listenAddr\\b"),
        KEEL_USED("metrics_listen_addr", "\\.metricsListenAddr\\b"),
        KEEL_NOEFFECT("grpc_listen_addr", "\\.grpcListenAddr\\b",
                      "Keel serves no gRPC: the CLI uses the admin socket (unix_socket) or the HTTP API (cli.address)",
                      !c.grpcListenAddr.isEmpty()),
        KEEL_NOEFFECT("grpc_allow_insecure", "\\.grpcAllowInsecure\\b", "Keel serves no gRPC", c.grpcAllowInsecure),
        KEEL_USED("trusted_proxies", "ClientAddress::setTrustedProxies\\([^)]*trustedProxies"),
        KEEL_NOEFFECT("disable_check_updates", "\\.disableCheckUpdates\\b",
                      "Keel never checks for updates, whatever this says", !c.disableCheckUpdates),
        KEEL_USED("noise.private_key_path", "noise\\.privateKeyPath\\b"),
        KEEL_USED("prefixes.v4", "prefixes\\.v4\\b"),
        KEEL_USED("prefixes.v6", "prefixes\\.v6\\b"),
        KEEL_USED("prefixes.allocation", "prefixes\\.allocation\\b"),
        KEEL_USED("derp.server.enabled", "(server|d)\\.enabled\\b"),
        KEEL_USED("derp.server.region_id", "\\.regionId\\b"),
        KEEL_USED("derp.server.region_code", "\\.regionCode\\b"),
        KEEL_USED("derp.server.region_name", "\\.regionName\\b"),
        KEEL_USED("derp.server.verify_clients", "\\.verifyClients\\b"),
        KEEL_USED("derp.server.stun_listen_addr", "\\.stunListenAddr\\b"),
        KEEL_USED("derp.server.private_key_path", "\\bd\\.privateKeyPath\\b|server\\.privateKeyPath\\b"),
        KEEL_USED("derp.server.automatically_add_embedded_derp_region", "\\.automaticallyAddEmbeddedDerpRegion\\b"),
        KEEL_USED("derp.server.ipv4", "\\.ipv4\\b"),
        KEEL_USED("derp.server.ipv6", "\\.ipv6\\b"),
        KEEL_USED("derp.server.rate_limit_bytes_per_sec", "\\.rateLimitBytesPerSec\\b"),
        KEEL_USED("derp.server.rate_limit_burst_bytes", "\\.rateLimitBurstBytes\\b"),
        KEEL_USED("derp.server.mesh_key", "\\.meshKey\\b"),
        KEEL_USED("derp.server.mesh_key_path", "\\.meshKey\\b"),   // read into meshKey by the config builder
        KEEL_USED("derp.server.mesh_with", "\\.meshWith\\b"),
        KEEL_USED("derp.urls", "derp\\.urls\\b"),
        KEEL_USED("derp.paths", "derp\\.paths\\b"),
        KEEL_USED("derp.auto_update_enabled", "\\.autoUpdateEnabled\\b"),
        KEEL_USED("derp.update_frequency", "\\.updateFrequencyMs\\b"),
        KEEL_USED("node.expiry", "node\\.expiryMs\\b"),
        KEEL_USED("node.ephemeral.inactivity_timeout", "\\.ephemeralInactivityTimeoutMs\\b"),
        KEEL_USED("node.device_approval", "\\.deviceApproval\\b"),
        KEEL_USED("audit.retention", "audit\\.retentionMs\\b"),
        KEEL_USED("node.routes.ha.probe_interval", "\\.haProbeIntervalMs\\b"),
        KEEL_USED("node.routes.ha.probe_timeout", "\\.haProbeTimeoutMs\\b"),
        KEEL_NOEFFECT("preauth_keys.revoked_retention", "\\.revokedRetentionMs\\b",
                      "Keel keeps expired pre-auth keys until they are deleted (`keel preauthkeys delete`)",
                      c.preAuthKeys.revokedRetentionMs != defaults().preAuthKeys.revokedRetentionMs),
        KEEL_USED("database.type", "database\\.type\\b"),
        KEEL_NOEFFECT("database.debug", "database\\.debug\\b",
                      "SQL statement logging is not implemented; log.level: debug shows database timings", c.database.debug),
        KEEL_NOEFFECT("database.gorm.prepare_stmt", "database\\.gorm\\b", "Keel does not use GORM", true),
        KEEL_NOEFFECT("database.gorm.parameterized_queries", "database\\.gorm\\b", "Keel does not use GORM (its queries are always parameterized)", true),
        KEEL_NOEFFECT("database.gorm.skip_err_record_not_found", "database\\.gorm\\b", "Keel does not use GORM", true),
        KEEL_NOEFFECT("database.gorm.slow_threshold", "database\\.gorm\\b", "Keel does not use GORM", true),
        KEEL_USED("database.sqlite.path", "sqlite\\.path\\b"),
        KEEL_USED("database.sqlite.write_ahead_log", "\\.writeAheadLog\\b"),
        KEEL_USED("database.sqlite.wal_autocheckpoint", "\\.walAutocheckpoint\\b"),
        KEEL_USED("database.postgres.host", "postgres\\.host\\b"),
        KEEL_USED("database.postgres.port", "postgres\\.port\\b"),
        KEEL_USED("database.postgres.name", "postgres\\.name\\b"),
        KEEL_USED("database.postgres.user", "postgres\\.user\\b"),
        KEEL_USED("database.postgres.pass", "postgres\\.pass\\b"),
        KEEL_NOEFFECT("database.postgres.max_open_conns", "\\.maxOpenConns\\b", kNoPool,
                      c.database.postgres.maxOpenConns != defaults().database.postgres.maxOpenConns),
        KEEL_NOEFFECT("database.postgres.max_idle_conns", "\\.maxIdleConns\\b", kNoPool,
                      c.database.postgres.maxIdleConns != defaults().database.postgres.maxIdleConns),
        KEEL_NOEFFECT("database.postgres.conn_max_idle_time_secs", "\\.connMaxIdleTimeSecs\\b", kNoPool,
                      c.database.postgres.connMaxIdleTimeSecs != defaults().database.postgres.connMaxIdleTimeSecs),
        KEEL_USED("database.postgres.ssl", "postgres\\.ssl\\b"),
        // TLS by ACME: server/AcmeRuntime and core/acme (docs/deployment.md).
        KEEL_USED("tls_letsencrypt_hostname", "letsencrypt\\.hostname\\b"),
        KEEL_USED("tls_letsencrypt_cache_dir", "letsencrypt\\.cacheDir\\b"),
        KEEL_USED("tls_letsencrypt_challenge_type", "letsencrypt\\.challengeType\\b"),
        KEEL_USED("tls_letsencrypt_listen", "letsencrypt\\.listen\\b"),
        KEEL_USED("acme_url", "\\.acmeUrl\\b"),
        KEEL_USED("acme_email", "\\.acmeEmail\\b"),
        KEEL_USED("tls_cert_path", "tls\\.certPath\\b"),
        KEEL_USED("tls_key_path", "tls\\.keyPath\\b"),
        KEEL_USED("log.level", "log\\.level\\b"),
        KEEL_USED("log.format", "log\\.format\\b"),
        KEEL_USED("policy.mode", "policy\\.mode\\b"),
        KEEL_USED("policy.path", "policy\\.path\\b"),
        KEEL_USED("dns.magic_dns", "\\.magicDns\\b"),
        KEEL_USED("dns.base_domain", "\\.baseDomain\\b"),
        KEEL_USED("dns.override_local_dns", "\\.overrideLocalDns\\b"),
        KEEL_USED("dns.nameservers.global", "\\.globalNameservers\\b"),
        KEEL_USED("dns.nameservers.split", "\\.splitNameservers\\b"),
        KEEL_USED("dns.search_domains", "\\.searchDomains\\b"),
        KEEL_USED("dns.extra_records", "\\.extraRecords\\b"),
        KEEL_USED("dns.extra_records_path", "\\.extraRecordsPath\\b"),
        KEEL_USED("dns.cert_challenge.command", "\\.certChallengeCommand\\b"),
        KEEL_USED("dns.cert_challenge.timeout", "\\.certChallengeTimeoutMs\\b"),
        KEEL_USED("unix_socket", "\\.unixSocket\\b"),
        KEEL_USED("unix_socket_permission", "\\.unixSocketPermission\\b"),
        // OpenID Connect login: server/OidcLogin (docs/oidc.md).
        KEEL_USED("oidc.only_start_if_oidc_is_available", "\\.onlyStartIfOidcIsAvailable\\b"),
        KEEL_USED("oidc.issuer", "oidc\\.issuer\\b|\\bo\\.issuer\\b"),
        KEEL_USED("oidc.client_id", "\\.clientId\\b"),
        KEEL_USED("oidc.client_secret", "\\.clientSecret\\b"),
        KEEL_USED("oidc.client_secret_path", "\\.clientSecretPath\\b"),
        KEEL_USED("oidc.scope", "oidc\\.scope\\b|\\bo\\.scope\\b"),
        KEEL_USED("oidc.extra_params", "\\.extraParams\\b"),
        KEEL_USED("oidc.allowed_domains", "\\.allowedDomains\\b"),
        KEEL_USED("oidc.allowed_users", "\\.allowedUsers\\b"),
        KEEL_USED("oidc.allowed_groups", "\\.allowedGroups\\b"),
        KEEL_USED("oidc.email_verified_required", "\\.emailVerifiedRequired\\b"),
        KEEL_USED("oidc.use_expiry_from_token", "\\.useExpiryFromToken\\b"),
        KEEL_USED("oidc.pkce.enabled", "pkce\\.enabled\\b"),
        KEEL_USED("oidc.pkce.method", "pkce\\.method\\b"),
        KEEL_USED("logtail.enabled", "logtail\\.enabled\\b"),
        KEEL_USED("taildrop.enabled", "taildrop\\.enabled\\b"),
        KEEL_USED("auto_update.enabled", "autoUpdate\\.enabled\\b"),
        KEEL_USED("cli.address", "cli\\.address\\b"),
        KEEL_USED("cli.api_key", "cli\\.apiKey\\b"),
        KEEL_USED("cli.timeout", "cli\\.timeoutMs\\b"),
        KEEL_USED("cli.insecure", "cli\\.insecure\\b"),
        KEEL_NOEFFECT("tuning.notifier_send_timeout", "\\.notifierSendTimeoutMs\\b",
                      "Keel's map sessions never block the batcher: a slow node's queue is bounded by bytes instead",
                      c.tuning.notifierSendTimeoutMs != defaults().tuning.notifierSendTimeoutMs),
        KEEL_USED("tuning.batch_change_delay", "\\.batchChangeDelayMs\\b"),
        KEEL_NOEFFECT("tuning.node_mapsession_buffered_chan_size", "\\.nodeMapsessionBufferedChanSize\\b",
                      "Keel's map sessions have no channel to size",
                      c.tuning.nodeMapsessionBufferedChanSize != defaults().tuning.nodeMapsessionBufferedChanSize),
        KEEL_NOEFFECT("tuning.batcher_workers", "\\.batcherWorkers\\b", "Keel's batcher builds maps on its own thread pool",
                      c.tuning.batcherWorkers != defaults().tuning.batcherWorkers),
        KEEL_USED("tuning.register_cache_expiration", "\\.registerCacheExpirationMs\\b"),
        KEEL_USED("tuning.register_cache_max_entries", "\\.registerCacheMaxEntries\\b"),
        KEEL_NOEFFECT("tuning.node_store_batch_size", "\\.nodeStoreBatchSize\\b", "Keel writes node changes at once",
                      c.tuning.nodeStoreBatchSize != defaults().tuning.nodeStoreBatchSize),
        KEEL_NOEFFECT("tuning.node_store_batch_timeout", "\\.nodeStoreBatchTimeoutMs\\b", "Keel writes node changes at once",
                      c.tuning.nodeStoreBatchTimeoutMs != defaults().tuning.nodeStoreBatchTimeoutMs),
    };
    return list;
}

#undef KEEL_USED
#undef KEEL_NOEFFECT
#undef KEEL_UNSUPPORTED

const KeyEffects::Entry* KeyEffects::find(const QString& path)
{
    for (const Entry& e : entries())
        if (path == QLatin1String(e.path))
            return &e;
    return nullptr;
}

QStringList KeyEffects::ineffective(const Config& config, const RawSettings& raw)
{
    QStringList out;
    for (const Entry& e : entries())
        if (e.status != Status::Used && raw.has(QLatin1String(e.path)) && e.asks(config))
            out << QLatin1String(e.path);
    return out;
}

void KeyEffects::report(const Config& config, const RawSettings& raw, DiagnosticSink& sink)
{
    for (const QString& path : ineffective(config, raw)) {
        const Entry* e = find(path);
        const QString reason = QString::fromUtf8(e->reason);
        if (e->status == Status::Unsupported)
            sink.error(path, QStringLiteral("not supported: %1").arg(reason), QStringLiteral("remove the key"));
        else
            sink.warning(path, QStringLiteral("has no effect in Keel: %1").arg(reason));
    }
}

} // namespace keel::config
