#include "config/ConfigDump.h"

namespace keel::config {

namespace {

QString secret(const QString& value)
{
    return value.isEmpty() ? QString() : ConfigDump::Redacted;
}

// Milliseconds as the config file writes durations: the largest unit that divides them.
QString duration(qint64 ms)
{
    if (ms == 0)
        return QStringLiteral("0s");
    if (ms % 3'600'000 == 0)
        return QStringLiteral("%1h").arg(ms / 3'600'000);
    if (ms % 60'000 == 0)
        return QStringLiteral("%1m").arg(ms / 60'000);
    if (ms % 1000 == 0)
        return QStringLiteral("%1s").arg(ms / 1000);
    return QStringLiteral("%1ms").arg(ms);
}

QJsonArray list(const QStringList& l)
{
    return QJsonArray::fromStringList(l);
}

QJsonObject database(const Config::Database& d)
{
    return {{QStringLiteral("type"), d.type},
            {QStringLiteral("debug"), d.debug},
            {QStringLiteral("sqlite"), QJsonObject{{QStringLiteral("path"), d.sqlite.path}, {QStringLiteral("write_ahead_log"), d.sqlite.writeAheadLog},
                                                   {QStringLiteral("wal_autocheckpoint"), d.sqlite.walAutocheckpoint}}},
            {QStringLiteral("postgres"), QJsonObject{{QStringLiteral("host"), d.postgres.host}, {QStringLiteral("port"), d.postgres.port},
                                                     {QStringLiteral("name"), d.postgres.name}, {QStringLiteral("user"), d.postgres.user},
                                                     {QStringLiteral("pass"), secret(d.postgres.pass)},
                                                     {QStringLiteral("max_open_conns"), d.postgres.maxOpenConns},
                                                     {QStringLiteral("max_idle_conns"), d.postgres.maxIdleConns},
                                                     {QStringLiteral("conn_max_idle_time_secs"), d.postgres.connMaxIdleTimeSecs},
                                                     {QStringLiteral("ssl"), d.postgres.ssl}}}};
}

QJsonObject dns(const Config::Dns& d)
{
    QJsonObject split;
    for (auto it = d.splitNameservers.cbegin(); it != d.splitNameservers.cend(); ++it)
        split.insert(it.key(), list(it.value()));
    return {{QStringLiteral("magic_dns"), d.magicDns},
            {QStringLiteral("base_domain"), d.baseDomain},
            {QStringLiteral("override_local_dns"), d.overrideLocalDns},
            {QStringLiteral("nameservers"), QJsonObject{{QStringLiteral("global"), list(d.globalNameservers)}, {QStringLiteral("split"), split}}},
            {QStringLiteral("search_domains"), list(d.searchDomains)},
            {QStringLiteral("extra_records"), d.extraRecords},
            {QStringLiteral("extra_records_path"), d.extraRecordsPath}};
}

QJsonObject derp(const Config::Derp& d)
{
    const auto& s = d.server;
    return {{QStringLiteral("server"), QJsonObject{{QStringLiteral("enabled"), s.enabled}, {QStringLiteral("region_id"), s.regionId},
                                                   {QStringLiteral("region_code"), s.regionCode}, {QStringLiteral("region_name"), s.regionName},
                                                   {QStringLiteral("verify_clients"), s.verifyClients},
                                                   {QStringLiteral("stun_listen_addr"), s.stunListenAddr},
                                                   {QStringLiteral("private_key_path"), s.privateKeyPath},
                                                   {QStringLiteral("automatically_add_embedded_derp_region"), s.automaticallyAddEmbeddedDerpRegion},
                                                   {QStringLiteral("ipv4"), s.ipv4}, {QStringLiteral("ipv6"), s.ipv6},
                                                   {QStringLiteral("mesh_key"), secret(s.meshKey)},
                                                   {QStringLiteral("mesh_key_path"), s.meshKeyPath},
                                                   {QStringLiteral("mesh_with"), list(s.meshWith)}}},
            {QStringLiteral("urls"), list(d.urls)},
            {QStringLiteral("paths"), list(d.paths)},
            {QStringLiteral("auto_update_enabled"), d.autoUpdateEnabled},
            {QStringLiteral("update_frequency"), duration(d.updateFrequencyMs)}};
}

QJsonObject oidc(const Config::Oidc& o)
{
    QJsonObject extra;
    for (auto it = o.extraParams.cbegin(); it != o.extraParams.cend(); ++it)
        extra.insert(it.key(), it.value());
    return {{QStringLiteral("issuer"), o.issuer},
            {QStringLiteral("client_id"), o.clientId},
            {QStringLiteral("client_secret"), secret(o.clientSecret)},
            {QStringLiteral("client_secret_path"), o.clientSecretPath},
            {QStringLiteral("scope"), list(o.scope)},
            {QStringLiteral("extra_params"), extra},
            {QStringLiteral("allowed_domains"), list(o.allowedDomains)},
            {QStringLiteral("allowed_users"), list(o.allowedUsers)},
            {QStringLiteral("allowed_groups"), list(o.allowedGroups)},
            {QStringLiteral("email_verified_required"), o.emailVerifiedRequired},
            {QStringLiteral("use_expiry_from_token"), o.useExpiryFromToken},
            {QStringLiteral("only_start_if_oidc_is_available"), o.onlyStartIfOidcIsAvailable},
            {QStringLiteral("pkce"), QJsonObject{{QStringLiteral("enabled"), o.pkce.enabled}, {QStringLiteral("method"), o.pkce.method}}}};
}

} // namespace

QJsonObject ConfigDump::toJson(const Config& c)
{
    return {
        {QStringLiteral("config_file"), c.sourcePath},
        {QStringLiteral("data_dir"), c.dataDir},
        {QStringLiteral("server_url"), c.serverUrl},
        {QStringLiteral("listen_addr"), c.listenAddr},
        {QStringLiteral("metrics_listen_addr"), c.metricsListenAddr},
        {QStringLiteral("grpc_listen_addr"), c.grpcListenAddr},
        {QStringLiteral("trusted_proxies"), list(c.trustedProxies)},
        {QStringLiteral("noise"), QJsonObject{{QStringLiteral("private_key_path"), c.noise.privateKeyPath}}},
        {QStringLiteral("prefixes"), QJsonObject{{QStringLiteral("v4"), c.prefixes.v4}, {QStringLiteral("v6"), c.prefixes.v6},
                                                 {QStringLiteral("allocation"), c.prefixes.allocation}}},
        {QStringLiteral("database"), database(c.database)},
        {QStringLiteral("log"), QJsonObject{{QStringLiteral("level"), c.log.level}, {QStringLiteral("format"), c.log.format}}},
        {QStringLiteral("policy"), QJsonObject{{QStringLiteral("mode"), c.policy.mode}, {QStringLiteral("path"), c.policy.path}}},
        {QStringLiteral("dns"), dns(c.dns)},
        {QStringLiteral("unix_socket"), c.unixSocket},
        {QStringLiteral("unix_socket_permission"), QStringLiteral("0%1").arg(c.unixSocketPermission, 0, 8)},
        {QStringLiteral("derp"), derp(c.derp)},
        {QStringLiteral("node"), QJsonObject{{QStringLiteral("expiry"), duration(c.node.expiryMs)},
                                             {QStringLiteral("ephemeral"), QJsonObject{{QStringLiteral("inactivity_timeout"), duration(c.node.ephemeralInactivityTimeoutMs)}}},
                                             {QStringLiteral("device_approval"), c.node.deviceApproval}}},
        {QStringLiteral("audit"), QJsonObject{{QStringLiteral("retention"), duration(c.audit.retentionMs)}}},
        {QStringLiteral("tls_cert_path"), c.tls.certPath},
        {QStringLiteral("tls_key_path"), c.tls.keyPath},
        {QStringLiteral("tls_letsencrypt_hostname"), c.tls.letsencrypt.hostname},
        {QStringLiteral("acme_url"), c.acmeUrl},
        {QStringLiteral("acme_email"), c.acmeEmail},
        {QStringLiteral("oidc"), oidc(c.oidc)},
        {QStringLiteral("cli"), QJsonObject{{QStringLiteral("address"), c.cli.address}, {QStringLiteral("api_key"), secret(c.cli.apiKey)},
                                            {QStringLiteral("timeout"), duration(c.cli.timeoutMs)}, {QStringLiteral("insecure"), c.cli.insecure}}},
    };
}

} // namespace keel::config
