#include "config/ConfigBuilder.h"

#include "config/Duration.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>

namespace keel::config {

namespace {

QString scalarText(const YAML::Node& node)
{
    return QString::fromStdString(node.Scalar());
}

QStringList splitWhitespace(const QString& text)
{
    static const QRegularExpression ws(QStringLiteral("\\s+"));
    return text.split(ws, Qt::SkipEmptyParts);
}

QString describe(const YAML::Node& node)
{
    if (node.IsSequence())
        return QStringLiteral("a list");
    if (node.IsMap())
        return QStringLiteral("a mapping");
    if (node.IsScalar())
        return QStringLiteral("\"%1\"").arg(scalarText(node));
    return QStringLiteral("nothing");
}

} // namespace

ConfigBuilder::ConfigBuilder(const RawSettings& raw, DiagnosticSink& sink, Options options)
    : m_raw(raw)
    , m_sink(sink)
    , m_options(std::move(options))
{
}

Config ConfigBuilder::build()
{
    QString dataDir = m_options.defaultDataDir;
    readPath(QStringLiteral("data_dir"), dataDir);
    dataDir = QDir::cleanPath(QDir(m_options.baseDir).absoluteFilePath(dataDir));

    const Config base = Config::embeddedDefault(dataDir);
    // A file means "the defaults, plus this": every absent key keeps the value it has with no file
    // at all, so a one-line `listen_addr:` file runs like the embedded default on another port.
    // (Headscale's own defaults would make such a file fail for missing DNS settings, and would
    // put the admin socket in Headscale's /var/run/headscale.) A complete Headscale config.yaml
    // sets every key that matters, so it reads the same either way; the few differences are in
    // docs/migrating-from-headscale.md.
    Config c = base;
    readServer(c, base);
    readPrefixes(c, base);
    readDatabase(c);
    readDns(c);
    readDerp(c);
    readNodeAndTimers(c);
    readTls(c);
    readOidc(c);
    readMisc(c);
    return c;
}

void ConfigBuilder::readServer(Config& c, const Config&)
{
    readString(QStringLiteral("server_url"), c.serverUrl);
    readString(QStringLiteral("listen_addr"), c.listenAddr);
    readString(QStringLiteral("metrics_listen_addr"), c.metricsListenAddr);
    readString(QStringLiteral("grpc_listen_addr"), c.grpcListenAddr);
    readBool(QStringLiteral("grpc_allow_insecure"), c.grpcAllowInsecure);
    readList(QStringLiteral("trusted_proxies"), c.trustedProxies);
    readBool(QStringLiteral("disable_check_updates"), c.disableCheckUpdates);
    readPath(QStringLiteral("noise.private_key_path"), c.noise.privateKeyPath);
    readPath(QStringLiteral("unix_socket"), c.unixSocket);

    QString permission;
    if (readString(QStringLiteral("unix_socket_permission"), permission)) {
        // Headscale reads it as octal text: "0770", "0o770" or "770".
        QString digits = permission.trimmed();
        if (digits.startsWith(QLatin1String("0o")) || digits.startsWith(QLatin1String("0O")))
            digits = digits.mid(2);
        bool ok = false;
        const int mode = digits.toInt(&ok, 8);
        if (!ok || digits.isEmpty() || mode < 0 || mode > 0777)
            m_sink.error(QStringLiteral("unix_socket_permission"), QStringLiteral("\"%1\" is not an octal file mode").arg(permission),
                         QStringLiteral("write it quoted, e.g. \"0770\""));
        else
            c.unixSocketPermission = mode;
    }
}

void ConfigBuilder::readPrefixes(Config& c, const Config& base)
{
    const QString v4Key = QStringLiteral("prefixes.v4");
    const QString v6Key = QStringLiteral("prefixes.v6");
    // Headscale has no default prefixes; Keel uses both standard ranges when neither is given.
    // Once the file gives one, the other is only used if given too (a v4-only or v6-only tailnet,
    // as in Headscale). An environment override changes just the key it names.
    const auto inFile = [this](const QString& key) {
        const RawValue* v = m_raw.get(key);
        return v && !v->fromEnv;
    };
    if (m_options.fromFile && (inFile(v4Key) || inFile(v6Key))) {
        c.prefixes.v4.clear();
        c.prefixes.v6.clear();
    } else {
        c.prefixes.v4 = base.prefixes.v4;
        c.prefixes.v6 = base.prefixes.v6;
    }
    readString(v4Key, c.prefixes.v4);
    readString(v6Key, c.prefixes.v6);
    c.prefixes.v4 = c.prefixes.v4.trimmed();
    c.prefixes.v6 = c.prefixes.v6.trimmed();
    readString(QStringLiteral("prefixes.allocation"), c.prefixes.allocation);
}

void ConfigBuilder::readDatabase(Config& c)
{
    auto& db = c.database;
    if (readString(QStringLiteral("database.type"), db.type) && db.type == QLatin1String("sqlite3"))
        db.type = QStringLiteral("sqlite");
    readBool(QStringLiteral("database.debug"), db.debug);
    readPath(QStringLiteral("database.sqlite.path"), db.sqlite.path);
    readBool(QStringLiteral("database.sqlite.write_ahead_log"), db.sqlite.writeAheadLog);
    readInt(QStringLiteral("database.sqlite.wal_autocheckpoint"), db.sqlite.walAutocheckpoint);
    readString(QStringLiteral("database.postgres.host"), db.postgres.host);
    readInt(QStringLiteral("database.postgres.port"), db.postgres.port);
    readString(QStringLiteral("database.postgres.name"), db.postgres.name);
    readString(QStringLiteral("database.postgres.user"), db.postgres.user);
    readString(QStringLiteral("database.postgres.pass"), db.postgres.pass);
    readInt(QStringLiteral("database.postgres.max_open_conns"), db.postgres.maxOpenConns);
    readInt(QStringLiteral("database.postgres.max_idle_conns"), db.postgres.maxIdleConns);
    readInt(QStringLiteral("database.postgres.conn_max_idle_time_secs"), db.postgres.connMaxIdleTimeSecs);
    QString ssl;
    if (readString(QStringLiteral("database.postgres.ssl"), ssl)) {
        // A YAML boolean means require / disable; any other text is a libpq sslmode.
        const QString lower = ssl.trimmed().toLower();
        if (lower == QLatin1String("true") || lower == QLatin1String("yes") || lower == QLatin1String("1"))
            db.postgres.ssl = QStringLiteral("require");
        else if (lower == QLatin1String("false") || lower == QLatin1String("no") || lower == QLatin1String("0") || lower.isEmpty())
            db.postgres.ssl = QStringLiteral("disable");
        else
            db.postgres.ssl = lower;
    }
}

void ConfigBuilder::readDns(Config& c)
{
    auto& dns = c.dns;
    readBool(QStringLiteral("dns.magic_dns"), dns.magicDns);
    if (readString(QStringLiteral("dns.base_domain"), dns.baseDomain))
        dns.baseDomain = dns.baseDomain.trimmed();
    const bool overrideGiven = readBool(QStringLiteral("dns.override_local_dns"), dns.overrideLocalDns);
    readList(QStringLiteral("dns.nameservers.global"), dns.globalNameservers);
    // Keel's default leaves the clients' resolvers alone because it has no nameservers to offer;
    // once global nameservers are given, Headscale's default (use them) applies.
    if (!overrideGiven && !m_raw.get(QStringLiteral("dns.override_local_dns")))
        dns.overrideLocalDns = !dns.globalNameservers.isEmpty();
    readListMap(QStringLiteral("dns.nameservers.split"), dns.splitNameservers);
    readList(QStringLiteral("dns.search_domains"), dns.searchDomains);
    readRecords(QStringLiteral("dns.extra_records"), dns.extraRecords);
    readPath(QStringLiteral("dns.extra_records_path"), dns.extraRecordsPath);
    readList(QStringLiteral("dns.cert_challenge.command"), dns.certChallengeCommand);
    readDuration(QStringLiteral("dns.cert_challenge.timeout"), dns.certChallengeTimeoutMs);
}

void ConfigBuilder::readDerp(Config& c)
{
    auto& s = c.derp.server;
    readBool(QStringLiteral("derp.server.enabled"), s.enabled);
    readInt(QStringLiteral("derp.server.region_id"), s.regionId);
    readString(QStringLiteral("derp.server.region_code"), s.regionCode);
    readString(QStringLiteral("derp.server.region_name"), s.regionName);
    readBool(QStringLiteral("derp.server.verify_clients"), s.verifyClients);
    readString(QStringLiteral("derp.server.stun_listen_addr"), s.stunListenAddr);
    readPath(QStringLiteral("derp.server.private_key_path"), s.privateKeyPath);
    readBool(QStringLiteral("derp.server.automatically_add_embedded_derp_region"), s.automaticallyAddEmbeddedDerpRegion);
    readString(QStringLiteral("derp.server.ipv4"), s.ipv4);
    readString(QStringLiteral("derp.server.ipv6"), s.ipv6);
    readInt(QStringLiteral("derp.server.rate_limit_bytes_per_sec"), s.rateLimitBytesPerSec);
    readInt(QStringLiteral("derp.server.rate_limit_burst_bytes"), s.rateLimitBurstBytes);
    readDerpMesh(c);
    readList(QStringLiteral("derp.urls"), c.derp.urls);
    readPathList(QStringLiteral("derp.paths"), c.derp.paths);
    readBool(QStringLiteral("derp.auto_update_enabled"), c.derp.autoUpdateEnabled);
    readDuration(QStringLiteral("derp.update_frequency"), c.derp.updateFrequencyMs);
}

void ConfigBuilder::readDerpMesh(Config& c)
{
    auto& s = c.derp.server;
    readString(QStringLiteral("derp.server.mesh_key"), s.meshKey);
    readList(QStringLiteral("derp.server.mesh_with"), s.meshWith);
    const QString pathKey = QStringLiteral("derp.server.mesh_key_path");
    if (!readPath(pathKey, s.meshKeyPath) || s.meshKeyPath.isEmpty())
        return;
    if (!s.meshKey.isEmpty()) {
        m_sink.error(pathKey, QStringLiteral("derp.server.mesh_key and derp.server.mesh_key_path are mutually exclusive"),
                     QStringLiteral("keep one of them"));
        return;
    }
    // derper's --mesh-psk-file: the key is the file's content, surrounding whitespace ignored.
    QFile file(s.meshKeyPath);
    if (!file.open(QIODevice::ReadOnly)) {
        m_sink.error(pathKey, QStringLiteral("cannot read \"%1\": %2").arg(s.meshKeyPath, file.errorString()));
        return;
    }
    s.meshKey = QString::fromUtf8(file.read(4096)).trimmed();
}

void ConfigBuilder::readNodeAndTimers(Config& c)
{
    readDuration(QStringLiteral("node.expiry"), c.node.expiryMs);
    readDuration(QStringLiteral("node.ephemeral.inactivity_timeout"), c.node.ephemeralInactivityTimeoutMs);
    readBool(QStringLiteral("node.device_approval"), c.node.deviceApproval);
    readDuration(QStringLiteral("audit.retention"), c.audit.retentionMs);
    readDuration(QStringLiteral("node.routes.ha.probe_interval"), c.node.haProbeIntervalMs);
    readDuration(QStringLiteral("node.routes.ha.probe_timeout"), c.node.haProbeTimeoutMs);
    readDuration(QStringLiteral("preauth_keys.revoked_retention"), c.preAuthKeys.revokedRetentionMs);
    auto& t = c.tuning;
    readDuration(QStringLiteral("tuning.notifier_send_timeout"), t.notifierSendTimeoutMs);
    readDuration(QStringLiteral("tuning.batch_change_delay"), t.batchChangeDelayMs);
    readInt(QStringLiteral("tuning.node_mapsession_buffered_chan_size"), t.nodeMapsessionBufferedChanSize);
    readInt(QStringLiteral("tuning.batcher_workers"), t.batcherWorkers);
    readDuration(QStringLiteral("tuning.register_cache_expiration"), t.registerCacheExpirationMs);
    readInt(QStringLiteral("tuning.register_cache_max_entries"), t.registerCacheMaxEntries);
    readInt(QStringLiteral("tuning.node_store_batch_size"), t.nodeStoreBatchSize);
    readDuration(QStringLiteral("tuning.node_store_batch_timeout"), t.nodeStoreBatchTimeoutMs);
}

void ConfigBuilder::readTls(Config& c)
{
    readPath(QStringLiteral("tls_cert_path"), c.tls.certPath);
    readPath(QStringLiteral("tls_key_path"), c.tls.keyPath);
    readString(QStringLiteral("tls_letsencrypt_hostname"), c.tls.letsencrypt.hostname);
    readPath(QStringLiteral("tls_letsencrypt_cache_dir"), c.tls.letsencrypt.cacheDir);
    readString(QStringLiteral("tls_letsencrypt_challenge_type"), c.tls.letsencrypt.challengeType);
    readString(QStringLiteral("tls_letsencrypt_listen"), c.tls.letsencrypt.listen);
    readString(QStringLiteral("acme_url"), c.acmeUrl);
    readString(QStringLiteral("acme_email"), c.acmeEmail);
}

void ConfigBuilder::readOidc(Config& c)
{
    auto& o = c.oidc;
    readBool(QStringLiteral("oidc.only_start_if_oidc_is_available"), o.onlyStartIfOidcIsAvailable);
    readString(QStringLiteral("oidc.issuer"), o.issuer);
    readString(QStringLiteral("oidc.client_id"), o.clientId);
    readString(QStringLiteral("oidc.client_secret"), o.clientSecret);
    readList(QStringLiteral("oidc.scope"), o.scope);
    readStringMap(QStringLiteral("oidc.extra_params"), o.extraParams);
    readList(QStringLiteral("oidc.allowed_domains"), o.allowedDomains);
    readList(QStringLiteral("oidc.allowed_users"), o.allowedUsers);
    readList(QStringLiteral("oidc.allowed_groups"), o.allowedGroups);
    readBool(QStringLiteral("oidc.email_verified_required"), o.emailVerifiedRequired);
    readBool(QStringLiteral("oidc.use_expiry_from_token"), o.useExpiryFromToken);
    // Keel's default is PKCE on (RFC 9700 recommends it for every client; providers that do not
    // know it ignore it); Headscale's is off. Config{} keeps false: without a file OIDC is off anyway.
    o.pkce.enabled = true;
    readBool(QStringLiteral("oidc.pkce.enabled"), o.pkce.enabled);
    readString(QStringLiteral("oidc.pkce.method"), o.pkce.method);

    const QString pathKey = QStringLiteral("oidc.client_secret_path");
    if (!readString(pathKey, o.clientSecretPath) || o.clientSecretPath.isEmpty())
        return;
    // Environment-expanded like Headscale (systemd: ${CREDENTIALS_DIRECTORY}/oidc_client_secret).
    o.clientSecretPath = resolvePath(expandEnv(o.clientSecretPath));
    if (!o.clientSecret.isEmpty()) {
        m_sink.error(pathKey, QStringLiteral("oidc_client_secret and oidc_client_secret_path are mutually exclusive"),
                     QStringLiteral("keep one of oidc.client_secret and oidc.client_secret_path"));
        return;
    }
    QFile file(o.clientSecretPath);
    if (!file.open(QIODevice::ReadOnly)) {
        m_sink.error(pathKey, QStringLiteral("cannot read \"%1\": %2").arg(o.clientSecretPath, file.errorString()));
        return;
    }
    o.clientSecret = QString::fromUtf8(file.read(64 * 1024)).trimmed();
}

void ConfigBuilder::readMisc(Config& c)
{
    readString(QStringLiteral("log.level"), c.log.level);
    readString(QStringLiteral("log.format"), c.log.format);
    readString(QStringLiteral("policy.mode"), c.policy.mode);
    readPath(QStringLiteral("policy.path"), c.policy.path);
    readBool(QStringLiteral("logtail.enabled"), c.logtail.enabled);
    readBool(QStringLiteral("taildrop.enabled"), c.taildrop.enabled);
    readBool(QStringLiteral("auto_update.enabled"), c.autoUpdate.enabled);
    readString(QStringLiteral("cli.address"), c.cli.address);
    readString(QStringLiteral("cli.api_key"), c.cli.apiKey);
    readDuration(QStringLiteral("cli.timeout"), c.cli.timeoutMs);
    readBool(QStringLiteral("cli.insecure"), c.cli.insecure);
}

bool ConfigBuilder::readString(const QString& key, QString& out)
{
    const RawValue* v = m_raw.get(key);
    if (!v)
        return false;
    if (!v->node || v->node.IsNull()) {
        out.clear();   // "key:" with no value means empty (e.g. metrics_listen_addr: disables)
        return true;
    }
    if (!v->node.IsScalar()) {
        m_sink.error(key, QStringLiteral("expected a single value, got %1").arg(describe(v->node)));
        return false;
    }
    out = scalarText(v->node);
    return true;
}

bool ConfigBuilder::readPath(const QString& key, QString& out)
{
    QString text;
    if (!readString(key, text))
        return false;
    out = resolvePath(text.trimmed());
    return true;
}

bool ConfigBuilder::readBool(const QString& key, bool& out)
{
    QString text;
    if (!readString(key, text) || text.trimmed().isEmpty())
        return false;
    const QString t = text.trimmed().toLower();
    static const QStringList yes = {QStringLiteral("true"), QStringLiteral("yes"), QStringLiteral("on"), QStringLiteral("1"), QStringLiteral("t")};
    static const QStringList no = {QStringLiteral("false"), QStringLiteral("no"), QStringLiteral("off"), QStringLiteral("0"), QStringLiteral("f")};
    if (yes.contains(t)) {
        out = true;
        return true;
    }
    if (no.contains(t)) {
        out = false;
        return true;
    }
    m_sink.error(key, QStringLiteral("expected true or false, got \"%1\"").arg(text));
    return false;
}

bool ConfigBuilder::readInt(const QString& key, int& out)
{
    QString text;
    if (!readString(key, text) || text.trimmed().isEmpty())
        return false;
    bool ok = false;
    const int value = text.trimmed().toInt(&ok);
    if (!ok) {
        m_sink.error(key, QStringLiteral("expected a whole number, got \"%1\"").arg(text));
        return false;
    }
    out = value;
    return true;
}

bool ConfigBuilder::readDuration(const QString& key, qint64& outMs)
{
    QString text;
    if (!readString(key, text) || text.trimmed().isEmpty())
        return false;
    QString why;
    const auto ms = parseDurationMs(text, &why);
    if (!ms) {
        m_sink.error(key, why, QStringLiteral("use units y, w, d, h, m, s, ms, largest first: 30s, 15m, 24h, 90d, 1h30m, or 0"));
        return false;
    }
    outMs = *ms;
    return true;
}

bool ConfigBuilder::readList(const QString& key, QStringList& out)
{
    const RawValue* v = m_raw.get(key);
    if (!v)
        return false;
    QStringList items;
    if (!v->node || v->node.IsNull()) {
        // empty list
    } else if (v->node.IsScalar()) {
        items = splitWhitespace(scalarText(v->node));   // environment style: "1.1.1.1 8.8.8.8"
    } else if (v->node.IsSequence()) {
        for (const YAML::Node& item : v->node) {
            if (!item.IsScalar()) {
                m_sink.error(key, QStringLiteral("every entry must be a single value, got %1").arg(describe(item)));
                return false;
            }
            items << scalarText(item).trimmed();
        }
    } else {
        m_sink.error(key, QStringLiteral("expected a list, got %1").arg(describe(v->node)));
        return false;
    }
    out = items;
    return true;
}

bool ConfigBuilder::readPathList(const QString& key, QStringList& out)
{
    QStringList items;
    if (!readList(key, items))
        return false;
    for (QString& item : items)
        item = resolvePath(item);
    out = items;
    return true;
}

bool ConfigBuilder::readStringMap(const QString& key, QMap<QString, QString>& out)
{
    const RawValue* v = m_raw.get(key);
    if (!v)
        return false;
    QMap<QString, QString> map;
    if (v->node && !v->node.IsNull()) {
        if (!v->node.IsMap()) {
            m_sink.error(key, QStringLiteral("expected a mapping of names to values, got %1").arg(describe(v->node)));
            return false;
        }
        for (auto it = v->node.begin(); it != v->node.end(); ++it) {
            if (!it->first.IsScalar() || !(it->second.IsScalar() || it->second.IsNull())) {
                m_sink.error(key, QStringLiteral("every entry must be name: value"));
                return false;
            }
            map.insert(scalarText(it->first), it->second.IsNull() ? QString() : scalarText(it->second));
        }
    }
    out = map;
    return true;
}

bool ConfigBuilder::readListMap(const QString& key, QMap<QString, QStringList>& out)
{
    const RawValue* v = m_raw.get(key);
    if (!v)
        return false;
    QMap<QString, QStringList> map;
    if (v->node && !v->node.IsNull()) {
        if (!v->node.IsMap()) {
            m_sink.error(key, QStringLiteral("expected a mapping of domain to a list of nameservers, got %1").arg(describe(v->node)),
                         QStringLiteral("e.g. split: {example.com: [1.1.1.1]}"));
            return false;
        }
        for (auto it = v->node.begin(); it != v->node.end(); ++it) {
            if (!it->first.IsScalar()) {
                m_sink.error(key, QStringLiteral("every domain must be a plain name"));
                return false;
            }
            const QString domain = scalarText(it->first);
            // A copy: iterating `it->second` directly would walk a temporary that is already gone.
            const YAML::Node value = it->second;
            QStringList servers;
            if (value.IsScalar()) {
                servers = splitWhitespace(scalarText(value));
            } else if (value.IsSequence()) {
                for (const YAML::Node& s : value) {
                    if (!s.IsScalar()) {
                        m_sink.error(key, QStringLiteral("%1: every nameserver must be a single value").arg(domain));
                        return false;
                    }
                    servers << scalarText(s).trimmed();
                }
            } else if (!value.IsNull()) {
                m_sink.error(key, QStringLiteral("%1: expected a list of nameservers").arg(domain));
                return false;
            }
            map.insert(domain, servers);
        }
    }
    out = map;
    return true;
}

bool ConfigBuilder::readRecords(const QString& key, QJsonArray& out)
{
    const RawValue* v = m_raw.get(key);
    if (!v)
        return false;
    QJsonArray records;
    if (v->node && !v->node.IsNull()) {
        if (!v->node.IsSequence()) {
            m_sink.error(key, QStringLiteral("expected a list of records, got %1").arg(describe(v->node)),
                         QStringLiteral("e.g. - {name: grafana.example.com, type: A, value: 100.64.0.3}"));
            return false;
        }
        int index = 0;
        for (const YAML::Node& item : v->node) {
            QJsonObject record;
            bool good = item.IsMap();
            for (const char* field : {"name", "type", "value"}) {
                const YAML::Node f = good ? item[field] : YAML::Node();
                if (!f || !f.IsScalar() || f.Scalar().empty()) {
                    good = false;
                    break;
                }
                record.insert(QLatin1String(field), scalarText(f).trimmed());
            }
            if (!good) {
                m_sink.error(key, QStringLiteral("record %1 must have name, type and value").arg(index),
                             QStringLiteral("e.g. {name: grafana.example.com, type: A, value: 100.64.0.3}"));
                return false;
            }
            records.append(record);
            ++index;
        }
    }
    out = records;
    return true;
}

QString ConfigBuilder::resolvePath(const QString& path) const
{
    if (path.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    return QDir::cleanPath(QDir(m_options.baseDir).absoluteFilePath(path));
}

QString ConfigBuilder::expandEnv(const QString& text) const
{
    // $VAR and ${VAR}, as Go's os.ExpandEnv; unset variables expand to nothing.
    static const QRegularExpression var(QStringLiteral("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))"));
    QString out;
    qsizetype last = 0;
    auto it = var.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(last, m.capturedStart() - last);
        const QString name = m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
        out += m_options.env.value(name);
        last = m.capturedEnd();
    }
    out += text.mid(last);
    return out;
}

} // namespace keel::config
