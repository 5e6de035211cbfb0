#pragma once

#include <QJsonArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace keel::config {

// The typed configuration: every value already read, defaulted and validated by ConfigLoader.
// Key names follow Headscale's config.yaml (see resources/config-example.yaml); durations are
// milliseconds. Members are initialised to Headscale's code defaults where Headscale has one.
struct Config
{
    QString sourcePath;   // the file loaded, empty for the embedded default
    QString dataDir;      // Keel-only key `data_dir` (env KEEL_DATA_DIR)

    QString serverUrl;
    QString listenAddr;
    QString metricsListenAddr;   // empty disables the metrics listener
    QString grpcListenAddr;      // accepted for compatibility; Keel serves no gRPC
    bool grpcAllowInsecure = false;
    QStringList trustedProxies;  // CIDR text, never /0
    bool disableCheckUpdates = false;

    struct Noise
    {
        QString privateKeyPath;
    } noise;

    struct Prefixes
    {
        QString v4;                           // CIDR text, empty when not allocating IPv4
        QString v6;                           // CIDR text, empty when not allocating IPv6
        QString allocation = QStringLiteral("sequential");   // "sequential" | "random"
    } prefixes;

    struct Database
    {
        QString type = QStringLiteral("sqlite");   // "sqlite" | "postgres" ("sqlite3" is read as "sqlite")
        bool debug = false;
        struct Sqlite
        {
            QString path;
            bool writeAheadLog = true;
            int walAutocheckpoint = 1000;
        } sqlite;
        struct Postgres
        {
            QString host;
            int port = 5432;
            QString name, user, pass;
            int maxOpenConns = 10;
            int maxIdleConns = 10;
            int connMaxIdleTimeSecs = 3600;
            QString ssl = QStringLiteral("disable");   // libpq sslmode; YAML true/false -> require/disable
        } postgres;
    } database;

    struct Log
    {
        QString level = QStringLiteral("info");    // trace, debug, info, warn, error, fatal, panic
        QString format = QStringLiteral("text");   // text | json
    } log;

    struct Policy
    {
        QString mode = QStringLiteral("file");     // file | database
        QString path;                              // file mode; empty = allow all
    } policy;

    struct Dns
    {
        bool magicDns = true;
        QString baseDomain;
        bool overrideLocalDns = true;
        QStringList globalNameservers;                    // IPs or DoH URLs
        QMap<QString, QStringList> splitNameservers;      // domain -> servers
        QStringList searchDomains;
        QJsonArray extraRecords;                          // [{"name","type","value"}]
        QString extraRecordsPath;
        // Keel: /machine/set-dns through the `exec` provider (empty: set-dns answers 501).
        QStringList certChallengeCommand;
        qint64 certChallengeTimeoutMs = 5 * 60 * 1000LL;
    } dns;

    QString unixSocket = QStringLiteral("/var/run/headscale/headscale.sock");
    int unixSocketPermission = 0770;

    struct Derp
    {
        struct Server
        {
            bool enabled = false;
            int regionId = 999;
            QString regionCode = QStringLiteral("keel");
            QString regionName = QStringLiteral("Keel Embedded DERP");
            bool verifyClients = true;
            QString stunListenAddr;
            QString privateKeyPath;
            bool automaticallyAddEmbeddedDerpRegion = true;
            QString ipv4, ipv6;
            // derper's per-client receive limit (PerClientRateLimitBytesPerSec and
            // PerClientRateBurstBytes): 0 = off, the default. Mesh peers are exempt.
            int rateLimitBytesPerSec = 0;
            int rateLimitBurstBytes = 0;   // 0 = one maximal frame (65,568 bytes), also the minimum
            // Keel: the DERP mesh (derper's --mesh-psk/--mesh-psk-file/--mesh-with). meshKey is
            // 64 hex digits, read from mesh_key or the file at mesh_key_path; meshWith lists the
            // sibling servers' URLs (https://derp2.example.com/derp).
            QString meshKey;
            QString meshKeyPath;
            QStringList meshWith;
        } server;
        QStringList urls;
        QStringList paths;
        bool autoUpdateEnabled = false;
        qint64 updateFrequencyMs = 3 * 3600 * 1000LL;
    } derp;

    struct Node
    {
        qint64 expiryMs = 0;                                   // 0 = never
        qint64 ephemeralInactivityTimeoutMs = 120 * 1000LL;
        qint64 haProbeIntervalMs = 10 * 1000LL;                // 0 disables HA probing
        qint64 haProbeTimeoutMs = 5 * 1000LL;
        bool deviceApproval = false;   // node.device_approval: new nodes wait for an admin
    } node;

    struct Audit
    {
        qint64 retentionMs = 90 * 24 * 3600 * 1000LL;  // audit.retention; 0 = keep forever
    } audit;

    struct PreAuthKeys
    {
        qint64 revokedRetentionMs = 168 * 3600 * 1000LL;
    } preAuthKeys;

    struct Tls
    {
        QString certPath, keyPath;
        struct LetsEncrypt
        {
            QString hostname;
            QString cacheDir = QStringLiteral("/var/www/.cache");
            QString challengeType = QStringLiteral("HTTP-01");   // HTTP-01 | TLS-ALPN-01
            QString listen = QStringLiteral(":http");
        } letsencrypt;
        bool enabled() const { return !certPath.isEmpty() || !letsencrypt.hostname.isEmpty(); }
    } tls;
    QString acmeUrl = QStringLiteral("https://acme-v02.api.letsencrypt.org/directory");
    QString acmeEmail;

    struct Oidc
    {
        QString issuer;                 // OIDC is on when set
        QString clientId;
        QString clientSecret;           // from client_secret, or read from client_secret_path
        QString clientSecretPath;
        QStringList scope = {QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email")};
        QMap<QString, QString> extraParams;
        QStringList allowedDomains, allowedUsers, allowedGroups;
        bool emailVerifiedRequired = true;
        bool useExpiryFromToken = false;
        bool onlyStartIfOidcIsAvailable = true;
        struct Pkce
        {
            bool enabled = false;
            QString method = QStringLiteral("S256");   // S256 | plain
        } pkce;
        bool enabled() const { return !issuer.isEmpty(); }
    } oidc;

    struct { bool enabled = false; } logtail;
    struct { bool enabled = true; } taildrop;
    struct { bool enabled = false; } autoUpdate;

    struct Cli
    {
        QString address, apiKey;
        qint64 timeoutMs = 5000;
        bool insecure = false;
    } cli;

    struct Tuning
    {
        qint64 notifierSendTimeoutMs = 800;
        qint64 batchChangeDelayMs = 800;
        int nodeMapsessionBufferedChanSize = 30;
        int batcherWorkers = 0;                   // 0 = one per core
        qint64 registerCacheExpirationMs = 15 * 60 * 1000LL;
        int registerCacheMaxEntries = 1024;
        int nodeStoreBatchSize = 100;
        qint64 nodeStoreBatchTimeoutMs = 500;
    } tuning;

    // What `keel` runs with when no config file exists: everything local, under dataDir.
    static Config embeddedDefault(const QString& dataDir);
};

} // namespace keel::config
