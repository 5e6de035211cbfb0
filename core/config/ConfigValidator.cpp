#include "config/ConfigValidator.h"

#include "config/Duration.h"

#include <QHostAddress>
#include <QUrl>

namespace keel::config {

namespace {

// derp::DerpServer::MinRateLimitBurst: one maximal DERP packet plus its key (config/ sits below derp/).
constexpr int kMinDerpBurst = 64 * 1024 + 32;

// "host:port", ":port", "[v6]:port". Service names (":http") are not accepted here.
bool isListenAddress(const QString& text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return false;
    bool ok = false;
    const int port = text.mid(colon + 1).toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        return !QHostAddress(host.mid(1, host.size() - 2)).isNull();
    if (host.contains(QLatin1Char(':')) || host.contains(QLatin1Char(' ')))
        return false;   // a bare IPv6 address needs brackets
    return true;        // empty (all interfaces), an IPv4 address or a host name
}

bool isHttpUrl(const QString& text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        && !url.host().isEmpty();
}

bool isLoopbackUrl(const QString& text)
{
    const QString host = QUrl(text, QUrl::StrictMode).host();
    const QHostAddress address(host);
    return host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback());
}

bool isDomainName(const QString& name)
{
    static const QRegularExpression label(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"));
    if (name.isEmpty() || name.size() > 253)
        return false;
    for (const QString& part : name.split(QLatin1Char('.'))) {
        if (!label.match(part).hasMatch())
            return false;
    }
    return true;
}

void checkListen(const QString& key, const QString& value, bool allowEmpty, DiagnosticSink& sink)
{
    if (value.isEmpty() && allowEmpty)
        return;
    if (!isListenAddress(value))
        sink.error(key, QStringLiteral("\"%1\" is not a listen address").arg(value),
                   QStringLiteral("write host:port, e.g. 127.0.0.1:8080, 0.0.0.0:443, [::]:443 or :8080"));
}

void checkChoice(const QString& key, const QString& value, const QStringList& choices, DiagnosticSink& sink)
{
    if (!choices.contains(value))
        sink.error(key, QStringLiteral("\"%1\" is not a valid value").arg(value),
                   QStringLiteral("one of: %1").arg(choices.join(QStringLiteral(", "))));
}

// derp.server.mesh_*: a key derper would accept (32 bytes in hex) and http(s) peer URLs.
void validateDerpMesh(const Config& c, DiagnosticSink& sink)
{
    const auto& s = c.derp.server;
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-fA-F]{64}$"));
    const QString keyName = s.meshKeyPath.isEmpty() ? QStringLiteral("derp.server.mesh_key") : QStringLiteral("derp.server.mesh_key_path");
    if (!s.meshKey.isEmpty() && !hex64.match(s.meshKey).hasMatch())
        sink.error(keyName, QStringLiteral("the mesh key must be 64 hex digits (32 bytes)"), QStringLiteral("generate one with: openssl rand -hex 32"));
    for (const QString& url : s.meshWith)
        if (!isHttpUrl(url))
            sink.error(QStringLiteral("derp.server.mesh_with"), QStringLiteral("\"%1\" is not an http(s) URL").arg(url),
                       QStringLiteral("write the peer's DERP URL, e.g. https://derp2.example.com/derp"));
    if (!s.meshWith.isEmpty() && s.meshKey.isEmpty())
        sink.error(QStringLiteral("derp.server.mesh_with"), QStringLiteral("needs a mesh key (derp.server.mesh_key or derp.server.mesh_key_path)"));
    if ((!s.meshWith.isEmpty() || !s.meshKey.isEmpty()) && !s.enabled)
        sink.warning(s.meshWith.isEmpty() ? keyName : QStringLiteral("derp.server.mesh_with"),
                     QStringLiteral("has no effect while derp.server.enabled is false"));
}

} // namespace

void ConfigValidator::validate(const Config& c, DiagnosticSink& sink)
{
    checkServer(c, sink);
    checkPrefixes(c, sink);
    checkDatabase(c, sink);
    checkDns(c, sink);
    checkDerp(c, sink);
    checkTimers(c, sink);
    checkTls(c, sink);
    checkOidc(c, sink);
    checkEnums(c, sink);
}

void ConfigValidator::checkServer(const Config& c, DiagnosticSink& sink)
{
    const QString key = QStringLiteral("server_url");
    if (!c.serverUrl.startsWith(QLatin1String("http://")) && !c.serverUrl.startsWith(QLatin1String("https://")))
        sink.error(key, QStringLiteral("server_url must start with https:// or http://"),
                   QStringLiteral("the URL clients use to reach this server, e.g. https://keel.example.com"));
    else if (!isHttpUrl(c.serverUrl))
        sink.error(key, QStringLiteral("\"%1\" is not a valid URL").arg(c.serverUrl));
    checkListen(QStringLiteral("listen_addr"), c.listenAddr, false, sink);
    checkListen(QStringLiteral("metrics_listen_addr"), c.metricsListenAddr, true, sink);
    if (c.noise.privateKeyPath.isEmpty())
        sink.error(QStringLiteral("noise.private_key_path"), QStringLiteral("must be set"),
                   QStringLiteral("the file holding the server's Noise key; it is created when missing"));
    for (const QString& proxy : c.trustedProxies) {
        const auto subnet = QHostAddress::parseSubnet(proxy);
        if (subnet.first.isNull())
            sink.error(QStringLiteral("trusted_proxies"), QStringLiteral("\"%1\" is not a CIDR prefix").arg(proxy),
                       QStringLiteral("e.g. 10.0.0.0/8 or 2001:db8::/32"));
        else if (subnet.second == 0)
            sink.error(QStringLiteral("trusted_proxies"), QStringLiteral("\"%1\": 0.0.0.0/0 and ::/0 are not allowed").arg(proxy),
                       QStringLiteral("list only the addresses of your reverse proxies"));
    }
    if (c.unixSocket.isEmpty())
        sink.error(QStringLiteral("unix_socket"), QStringLiteral("must be set"), QStringLiteral("the CLI talks to the server through it"));
}

void ConfigValidator::checkPrefixes(const Config& c, DiagnosticSink& sink)
{
    if (c.prefixes.v4.isEmpty() && c.prefixes.v6.isEmpty()) {
        sink.error(QStringLiteral("prefixes"), QStringLiteral("no IPv4 or IPv6 prefix configured, minimum one prefix is required"),
                   QStringLiteral("prefixes: {v4: 100.64.0.0/10, v6: fd7a:115c:a1e0::/48}"));
        return;
    }
    struct Family
    {
        QString key, value, standard;
        QAbstractSocket::NetworkLayerProtocol protocol;
    };
    const Family families[] = {
        {QStringLiteral("prefixes.v4"), c.prefixes.v4, QStringLiteral("100.64.0.0/10"), QAbstractSocket::IPv4Protocol},
        {QStringLiteral("prefixes.v6"), c.prefixes.v6, QStringLiteral("fd7a:115c:a1e0::/48"), QAbstractSocket::IPv6Protocol},
    };
    for (const Family& f : families) {
        if (f.value.isEmpty())
            continue;
        const auto subnet = QHostAddress::parseSubnet(f.value);
        if (subnet.first.isNull() || !f.value.contains(QLatin1Char('/')) || subnet.first.protocol() != f.protocol) {
            sink.error(f.key, QStringLiteral("\"%1\" is not an %2 prefix").arg(f.value, f.protocol == QAbstractSocket::IPv4Protocol ? QStringLiteral("IPv4") : QStringLiteral("IPv6")),
                       QStringLiteral("e.g. %1").arg(f.standard));
            continue;
        }
        const auto standard = QHostAddress::parseSubnet(f.standard);
        if (subnet.second < standard.second || !subnet.first.isInSubnet(standard))
            sink.warning(f.key, QStringLiteral("%1 is outside the standard range %2; Tailscale clients are not designed for other ranges (unsupported)").arg(f.value, f.standard),
                         QStringLiteral("use %1 or a subset of it").arg(f.standard));
    }
}

void ConfigValidator::checkDatabase(const Config& c, DiagnosticSink& sink)
{
    const auto& db = c.database;
    if (db.type != QLatin1String("sqlite") && db.type != QLatin1String("postgres")) {
        sink.error(QStringLiteral("database.type"), QStringLiteral("invalid database type \"%1\", must be sqlite, sqlite3 or postgres").arg(db.type));
        return;
    }
    if (db.type == QLatin1String("sqlite")) {
        if (db.sqlite.path.isEmpty())
            sink.error(QStringLiteral("database.sqlite.path"), QStringLiteral("must be set when database.type is sqlite"));
        if (db.sqlite.walAutocheckpoint < 0)
            sink.error(QStringLiteral("database.sqlite.wal_autocheckpoint"), QStringLiteral("must not be negative (0 disables)"));
        return;
    }
    if (db.postgres.port < 0 || db.postgres.port > 65535)
        sink.error(QStringLiteral("database.postgres.port"), QStringLiteral("%1 is not a port number").arg(db.postgres.port));
    checkChoice(QStringLiteral("database.postgres.ssl"), db.postgres.ssl,
                {QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"), QStringLiteral("require"),
                 QStringLiteral("verify-ca"), QStringLiteral("verify-full")}, sink);
    if (db.postgres.maxOpenConns < 0 || db.postgres.maxIdleConns < 0 || db.postgres.connMaxIdleTimeSecs < 0)
        sink.error(QStringLiteral("database.postgres"), QStringLiteral("connection limits must not be negative"));
}

void ConfigValidator::checkDns(const Config& c, DiagnosticSink& sink)
{
    const auto& dns = c.dns;
    if (dns.overrideLocalDns && dns.globalNameservers.isEmpty())
        sink.error(QStringLiteral("dns.override_local_dns"), QStringLiteral("dns.nameservers.global must be set when dns.override_local_dns is true"),
                   QStringLiteral("list nameservers under dns.nameservers.global, or set override_local_dns: false"));
    if (dns.magicDns && dns.baseDomain.isEmpty())
        sink.error(QStringLiteral("dns.base_domain"), QStringLiteral("dns.base_domain must be set when using MagicDNS (dns.magic_dns)"),
                   QStringLiteral("e.g. base_domain: tailnet.example.com, a domain you do not otherwise use"));
    if (!dns.baseDomain.isEmpty()) {
        if (!isDomainName(dns.baseDomain))
            sink.error(QStringLiteral("dns.base_domain"), QStringLiteral("\"%1\" is not a domain name").arg(dns.baseDomain),
                       QStringLiteral("a fully qualified domain without the trailing dot"));
        const QString host = QUrl(c.serverUrl).host();
        if (host.compare(dns.baseDomain, Qt::CaseInsensitive) == 0)
            sink.error(QStringLiteral("dns.base_domain"), QStringLiteral("server_url cannot use the same domain as base_domain in a way that could make the DERP and headscale server unreachable"),
                       QStringLiteral("clients resolve every name under base_domain through MagicDNS; pick a domain server_url is not under"));
        else if (host.endsWith(QLatin1Char('.') + dns.baseDomain, Qt::CaseInsensitive))
            sink.error(QStringLiteral("dns.base_domain"), QStringLiteral("server_url cannot be part of base_domain in a way that could make the DERP and headscale server unreachable"),
                       QStringLiteral("clients resolve every name under base_domain through MagicDNS; pick a domain server_url is not under"));
    }
    const auto checkServer = [&sink](const QString& key, const QString& server) {
        if (QHostAddress(server).isNull() && !isHttpUrl(server))
            sink.warning(key, QStringLiteral("\"%1\" is neither an IP address nor a DoH URL, ignored").arg(server));
    };
    for (const QString& s : dns.globalNameservers)
        checkServer(QStringLiteral("dns.nameservers.global"), s);
    for (auto it = dns.splitNameservers.cbegin(); it != dns.splitNameservers.cend(); ++it)
        for (const QString& s : it.value())
            checkServer(QStringLiteral("dns.nameservers.split"), s);
    if (!dns.extraRecords.isEmpty() && !dns.extraRecordsPath.isEmpty())
        sink.error(QStringLiteral("dns.extra_records_path"), QStringLiteral("dns.extra_records and dns.extra_records_path are mutually exclusive"),
                   QStringLiteral("remove one of them"));
    for (const QJsonValue& r : dns.extraRecords) {
        const QString type = r[QLatin1String("type")].toString();
        if (type != QLatin1String("A") && type != QLatin1String("AAAA"))
            sink.warning(QStringLiteral("dns.extra_records"), QStringLiteral("record type \"%1\" for %2: Tailscale clients only use A and AAAA").arg(type, r[QLatin1String("name")].toString()));
    }
    if (!dns.certChallengeCommand.isEmpty() && (!dns.magicDns || dns.baseDomain.isEmpty()))
        sink.warning(QStringLiteral("dns.cert_challenge.command"), QStringLiteral("has no effect without MagicDNS: cert domains are <node>.<base_domain>"),
                     QStringLiteral("enable dns.magic_dns with a dns.base_domain that is a real public domain you control"));
    if (dns.certChallengeTimeoutMs <= 0)
        sink.error(QStringLiteral("dns.cert_challenge.timeout"), QStringLiteral("must be a positive duration"), QStringLiteral("e.g. 5m"));
}

void ConfigValidator::checkDerp(const Config& c, DiagnosticSink& sink)
{
    const auto& s = c.derp.server;
    if (s.enabled) {
        if (s.stunListenAddr.isEmpty())
            sink.error(QStringLiteral("derp.server.stun_listen_addr"), QStringLiteral("derp.server.stun_listen_addr must be set if derp.server.enabled is true"),
                       QStringLiteral("e.g. 0.0.0.0:3478"));
        else
            checkListen(QStringLiteral("derp.server.stun_listen_addr"), s.stunListenAddr, false, sink);
        if (!s.automaticallyAddEmbeddedDerpRegion && c.derp.paths.isEmpty())
            sink.error(QStringLiteral("derp.server.automatically_add_embedded_derp_region"),
                       QStringLiteral("Disabling derp.server.automatically_add_embedded_derp_region requires to configure the derp server in derp.paths"));
        if (s.regionId <= 0)
            sink.error(QStringLiteral("derp.server.region_id"), QStringLiteral("must be a positive number"), QStringLiteral("Headscale uses 999"));
        if (s.privateKeyPath.isEmpty())
            sink.error(QStringLiteral("derp.server.private_key_path"), QStringLiteral("must be set if derp.server.enabled is true"));
        if (c.serverUrl.startsWith(QLatin1String("http://")))
            sink.warning(QStringLiteral("derp.server.enabled"), QStringLiteral("the embedded DERP server needs server_url to use https:// (clients speak DERP over TLS)"));
    }
    if (!s.ipv4.isEmpty() && QHostAddress(s.ipv4).protocol() != QAbstractSocket::IPv4Protocol)
        sink.error(QStringLiteral("derp.server.ipv4"), QStringLiteral("\"%1\" is not an IPv4 address").arg(s.ipv4));
    if (!s.ipv6.isEmpty() && QHostAddress(s.ipv6).protocol() != QAbstractSocket::IPv6Protocol)
        sink.error(QStringLiteral("derp.server.ipv6"), QStringLiteral("\"%1\" is not an IPv6 address").arg(s.ipv6));
    if (s.rateLimitBytesPerSec < 0)
        sink.error(QStringLiteral("derp.server.rate_limit_bytes_per_sec"),
                   QStringLiteral("must be 0 (no limit) or a positive number of bytes per second, got %1").arg(s.rateLimitBytesPerSec),
                   QStringLiteral("e.g. 1250000 for 10 Mbit/s per client"));
    if (s.rateLimitBurstBytes < 0)
        sink.error(QStringLiteral("derp.server.rate_limit_burst_bytes"),
                   QStringLiteral("must be 0 (one maximal frame) or a positive number of bytes, got %1").arg(s.rateLimitBurstBytes));
    else if (s.rateLimitBurstBytes > 0 && s.rateLimitBytesPerSec == 0)
        sink.warning(QStringLiteral("derp.server.rate_limit_burst_bytes"),
                     QStringLiteral("has no effect while derp.server.rate_limit_bytes_per_sec is 0 (no limit)"));
    else if (s.rateLimitBurstBytes > 0 && s.rateLimitBurstBytes < kMinDerpBurst)
        sink.warning(QStringLiteral("derp.server.rate_limit_burst_bytes"),
                     QStringLiteral("%1 is below one maximal DERP frame; %2 is used instead (as derper does)")
                         .arg(s.rateLimitBurstBytes)
                         .arg(kMinDerpBurst));
    validateDerpMesh(c, sink);
    for (const QString& url : c.derp.urls)
        if (!isHttpUrl(url))
            sink.error(QStringLiteral("derp.urls"), QStringLiteral("\"%1\" is not an http(s) URL").arg(url));
    if (c.derp.autoUpdateEnabled && c.derp.updateFrequencyMs <= 0)
        sink.error(QStringLiteral("derp.update_frequency"), QStringLiteral("must be more than 0 when derp.auto_update_enabled is true"));
}

void ConfigValidator::checkTimers(const Config& c, DiagnosticSink& sink)
{
    // Keep-alives come every 60s; a shorter timeout would delete ephemeral nodes that are alive.
    constexpr qint64 kMinInactivity = 65 * 1000;
    if (c.node.ephemeralInactivityTimeoutMs <= kMinInactivity)
        sink.error(QStringLiteral("node.ephemeral.inactivity_timeout"),
                   QStringLiteral("node.ephemeral.inactivity_timeout (%1) is set too low, must be more than 1m5s").arg(formatDuration(c.node.ephemeralInactivityTimeoutMs)),
                   QStringLiteral("e.g. 30m"));
    const qint64 interval = c.node.haProbeIntervalMs;
    const qint64 timeout = c.node.haProbeTimeoutMs;
    if (interval > 0) {
        if (interval < 2000)
            sink.error(QStringLiteral("node.routes.ha.probe_interval"), QStringLiteral("node.routes.ha.probe_interval (%1) must be >= 2s").arg(formatDuration(interval)),
                       QStringLiteral("0 disables HA probing"));
        if (timeout < 1000)
            sink.error(QStringLiteral("node.routes.ha.probe_timeout"), QStringLiteral("node.routes.ha.probe_timeout (%1) must be >= 1s").arg(formatDuration(timeout)));
        if (timeout >= interval)
            sink.error(QStringLiteral("node.routes.ha.probe_timeout"),
                       QStringLiteral("node.routes.ha.probe_timeout (%1) must be less than node.routes.ha.probe_interval (%2)").arg(formatDuration(timeout), formatDuration(interval)));
    }
    if (c.tuning.nodeStoreBatchSize <= 0)
        sink.error(QStringLiteral("tuning.node_store_batch_size"), QStringLiteral("tuning.node_store_batch_size must be positive, got %1").arg(c.tuning.nodeStoreBatchSize));
    if (c.tuning.nodeStoreBatchTimeoutMs <= 0)
        sink.error(QStringLiteral("tuning.node_store_batch_timeout"), QStringLiteral("tuning.node_store_batch_timeout must be positive, got %1").arg(formatDuration(c.tuning.nodeStoreBatchTimeoutMs)));
    if (c.tuning.batcherWorkers < 0 || c.tuning.registerCacheMaxEntries < 0 || c.tuning.nodeMapsessionBufferedChanSize < 0)
        sink.error(QStringLiteral("tuning"), QStringLiteral("sizes and worker counts must not be negative"));
    if (c.cli.timeoutMs <= 0)
        sink.error(QStringLiteral("cli.timeout"), QStringLiteral("must be more than 0"), QStringLiteral("e.g. 5s"));
}

void ConfigValidator::checkTls(const Config& c, DiagnosticSink& sink)
{
    const auto& t = c.tls;
    if (!t.letsencrypt.hostname.isEmpty() && (!t.certPath.isEmpty() || !t.keyPath.isEmpty()))
        sink.error(QStringLiteral("tls_letsencrypt_hostname"), QStringLiteral("set either tls_letsencrypt_hostname or tls_cert_path/tls_key_path, not both"));
    if (t.certPath.isEmpty() != t.keyPath.isEmpty())
        sink.error(t.certPath.isEmpty() ? QStringLiteral("tls_cert_path") : QStringLiteral("tls_key_path"),
                   QStringLiteral("tls_cert_path and tls_key_path must be set together"));
    const QString challenge = t.letsencrypt.challengeType;
    if (challenge != QLatin1String("HTTP-01") && challenge != QLatin1String("TLS-ALPN-01"))
        sink.error(QStringLiteral("tls_letsencrypt_challenge_type"), QStringLiteral("the only supported values for tls_letsencrypt_challenge_type are HTTP-01 and TLS-ALPN-01"));
    else if (!t.letsencrypt.hostname.isEmpty() && challenge == QLatin1String("TLS-ALPN-01") && !c.listenAddr.endsWith(QLatin1String(":443")))
        sink.warning(QStringLiteral("listen_addr"), QStringLiteral("with TLS-ALPN-01 the server must be reachable on port 443, i.e. listen_addr should probably end in :443"));
    if (!t.letsencrypt.hostname.isEmpty() && !isHttpUrl(c.acmeUrl))
        sink.error(QStringLiteral("acme_url"), QStringLiteral("\"%1\" is not an http(s) URL").arg(c.acmeUrl));
    if (t.letsencrypt.hostname.isEmpty()) {
        // The other ACME keys only act with a hostname: say so instead of ignoring them silently.
        static const Config d;
        const auto unused = [&sink](const char* key) {
            sink.warning(QString::fromLatin1(key), QStringLiteral("has no effect without tls_letsencrypt_hostname (ACME is off)"));
        };
        if (t.letsencrypt.cacheDir != d.tls.letsencrypt.cacheDir)
            unused("tls_letsencrypt_cache_dir");
        if (t.letsencrypt.challengeType != d.tls.letsencrypt.challengeType)
            unused("tls_letsencrypt_challenge_type");
        if (t.letsencrypt.listen != d.tls.letsencrypt.listen)
            unused("tls_letsencrypt_listen");
        if (c.acmeUrl != d.acmeUrl)
            unused("acme_url");
        if (!c.acmeEmail.isEmpty())
            unused("acme_email");
    } else {
        if (t.letsencrypt.cacheDir.isEmpty())
            sink.error(QStringLiteral("tls_letsencrypt_cache_dir"), QStringLiteral("ACME needs a directory for its account key and certificates"));
        // Clients check the certificate against server_url's host: a different name fails every connection.
        const QUrl server(c.serverUrl);
        if (server.isValid() && server.host().compare(t.letsencrypt.hostname, Qt::CaseInsensitive) != 0)
            sink.warning(QStringLiteral("tls_letsencrypt_hostname"),
                         QStringLiteral("the certificate will be for %1, but server_url names %2: clients will refuse it").arg(t.letsencrypt.hostname, server.host()));
        else if (server.isValid() && server.scheme() != QLatin1String("https"))
            sink.warning(QStringLiteral("server_url"), QStringLiteral("with tls_letsencrypt_hostname Keel serves HTTPS: server_url should start with https://"));
    }
}

void ConfigValidator::checkOidc(const Config& c, DiagnosticSink& sink)
{
    const auto& o = c.oidc;
    if (!o.enabled())
        return;
    if (!isHttpUrl(o.issuer))
        sink.error(QStringLiteral("oidc.issuer"), QStringLiteral("oidc.issuer must be a valid http(s) URL: got \"%1\"").arg(o.issuer));
    else if (o.issuer.startsWith(QLatin1String("http://")) && !isLoopbackUrl(o.issuer))
        // Codes, tokens and the client secret would cross the network in the clear.
        sink.error(QStringLiteral("oidc.issuer"), QStringLiteral("oidc.issuer must use https (plain http only for a provider on a loopback address): got \"%1\"").arg(o.issuer));
    if (o.clientId.isEmpty())
        sink.error(QStringLiteral("oidc.client_id"), QStringLiteral("oidc.client_id is required when oidc.issuer is set"));
    if (o.clientSecret.isEmpty() && o.clientSecretPath.isEmpty())
        sink.error(QStringLiteral("oidc.client_secret"), QStringLiteral("oidc.client_secret or oidc.client_secret_path is required when oidc.issuer is set"));
    if (o.pkce.method != QLatin1String("plain") && o.pkce.method != QLatin1String("S256"))
        sink.error(QStringLiteral("oidc.pkce.method"), QStringLiteral("pkce.method must be either 'plain' or 'S256'"));
    if (!o.scope.contains(QLatin1String("openid")))
        sink.warning(QStringLiteral("oidc.scope"), QStringLiteral("the \"openid\" scope is missing; most identity providers require it"));
}

void ConfigValidator::checkEnums(const Config& c, DiagnosticSink& sink)
{
    checkChoice(QStringLiteral("prefixes.allocation"), c.prefixes.allocation, {QStringLiteral("sequential"), QStringLiteral("random")}, sink);
    checkChoice(QStringLiteral("log.level"), c.log.level,
                {QStringLiteral("trace"), QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warn"),
                 QStringLiteral("error"), QStringLiteral("fatal"), QStringLiteral("panic")}, sink);
    checkChoice(QStringLiteral("log.format"), c.log.format, {QStringLiteral("text"), QStringLiteral("json")}, sink);
    checkChoice(QStringLiteral("policy.mode"), c.policy.mode, {QStringLiteral("file"), QStringLiteral("database")}, sink);
    if (c.node.expiryMs < 0)
        sink.error(QStringLiteral("node.expiry"), QStringLiteral("must not be negative (0 = never)"));
}

} // namespace keel::config
