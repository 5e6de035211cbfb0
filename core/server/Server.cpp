#include "server/Server.h"

#include "server/DebugViews.h"
#include "server/OnboardingPage.h"

#include "admin/ApiJson.h"
#include "admin/Reachability.h"
#include "common/FileLimit.h"

#include "KeelVersion.h"
#include "common/Clock.h"
#include "common/Log.h"
#include "control/ControlEndpoint.h"
#include "machine/ControlService.h"
#include "crypto/PrivateKeyFile.h"
#include "derp/BootstrapDns.h"
#include "derp/DerpMapBuilder.h"
#include "derp/DerpServer.h"
#include "derp/StunServer.h"
#include "http/ClientAddress.h"
#include "metrics/Instruments.h"
#include "metrics/Metrics.h"
#include "platform/Files.h"
#include "config/ConfigLoader.h"
#include "server/ConfigReload.h"
#include "server/DatabaseSettings.h"
#include "server/AcmeRuntime.h"
#include "server/DnsRuntime.h"
#include "server/MetricsCollector.h"
#include "server/OidcLogin.h"
#include "server/PolicyFileWatcher.h"
#include "server/WelcomePage.h"
#include "state/PrimaryRoutes.h"
#include "state/State.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslKey>

namespace keel::server {

namespace {

bool ensureDirectory(const QString& path, QString* error)
{
    if (path.isEmpty() || QFileInfo(path).isDir())
        return true;
    if (!QDir().mkpath(path)) {
        *error = QStringLiteral("cannot create directory %1").arg(path);
        return false;
    }
    // Keys and the database live here: keep it private to the service user.
    platform::restrictToOwner(path);
    return true;
}

bool loadTls(const config::Config& c, QSslConfiguration* tls, QString* error)
{
    QFile certFile(c.tls.certPath);
    QFile keyFile(c.tls.keyPath);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read tls_cert_path %1: %2").arg(c.tls.certPath, certFile.errorString());
        return false;
    }
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read tls_key_path %1: %2").arg(c.tls.keyPath, keyFile.errorString());
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem);
    if (chain.isEmpty() || key.isNull()) {
        *error = QStringLiteral("tls_cert_path/tls_key_path do not hold a PEM certificate and an EC or RSA key");
        return false;
    }
    *tls = QSslConfiguration::defaultConfiguration();
    // TLS 1.2 and newer, and for TLS 1.2 only forward-secret AEAD suites (what Go's crypto/tls,
    // i.e. tailscaled, prefers anyway): Qt's defaults still allow CBC and static-RSA suites.
    tls->setProtocol(QSsl::TlsV1_2OrLater);
    QList<QSslCipher> strong;
    for (const QSslCipher& cipher : QSslConfiguration::supportedCiphers()) {
        const QString name = cipher.name();
        const bool tls13 = name.startsWith(QLatin1String("TLS_"));
        const bool forwardSecret = name.startsWith(QLatin1String("ECDHE-")) || name.startsWith(QLatin1String("DHE-"));
        const bool aead = name.contains(QLatin1String("-GCM-")) || name.contains(QLatin1String("CHACHA20"));
        if (tls13 || (forwardSecret && aead))
            strong << cipher;
    }
    tls->setCiphers(strong);
    tls->setLocalCertificateChain(chain);
    tls->setPrivateKey(key);
    tls->setPeerVerifyMode(QSslSocket::VerifyNone);
    return true;
}

} // namespace

Server::Server(config::Config config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
{
}

Server::~Server()
{
    stop();
}

bool Server::start(QString* error)
{
    if (!ensureDirectory(m_config.dataDir, error))
        return false;
    http::ClientAddress::setTrustedProxies(m_config.trustedProxies);
    metrics::Instruments::registerAll();
    if (!openStore(error) || !loadKeys(error))
        return false;
    QString stateError;
    m_state = state::State::load(*m_store, m_config, &stateError);
    if (!m_state) {
        *error = QStringLiteral("cannot load the tailnet state: %1").arg(stateError);
        return false;
    }
    // Every map carries the DERP map as it is now; a change reaches every node as a fresh full map
    // (rare: a refresh of derp.urls/derp.paths that really changed something).
    m_derpMap = std::make_unique<derp::DerpMapBuilder>(m_config);
    control::MapperOptions mapperOptions = control::MapperOptions::fromConfig(m_config);
    mapperOptions.derpMap = [this] { return m_derpMap->currentMap(); };
    m_controlService = std::make_unique<control::ControlService>(*m_state, std::move(mapperOptions),
                                                                 control::ControlService::Options::fromConfig(m_config));
    m_dnsRuntime = std::make_unique<DnsRuntime>(m_config, *m_controlService);
    if (!m_dnsRuntime->configure(error))
        return false;
    connect(m_derpMap.get(), &derp::DerpMapBuilder::mapChanged, this, [this](const QJsonObject&) {
        m_controlService->batcher().addChanges({state::Change::full()});
    });
    if (!startDerp(error))
        return false;
    if (m_config.policy.mode != QLatin1String("database") && !m_config.policy.path.isEmpty()) {
        m_policyWatcher = std::make_unique<PolicyFileWatcher>(m_config.policy.path, [this] {
            QString refused;
            return m_state->reloadPolicy(&refused) ? QString() : refused;
        });
    }
    if (m_bootstrapDns)
        connect(m_derpMap.get(), &derp::DerpMapBuilder::mapChanged, m_bootstrapDns.get(), &derp::BootstrapDns::update);
    m_derpMap->start();
    if (m_bootstrapDns)
        m_bootstrapDns->update(m_derpMap->currentMap());
    if (m_config.oidc.enabled()) {
        m_oidc = std::make_unique<OidcLogin>(m_config, *m_state, m_controlService->registration());
        m_oidc->setSshCheck(&m_controlService->sshCheck());
        if (!m_oidc->start(error))
            return false;
        m_oidc->registerRoutes(m_publicRouter);
    }

    m_adminContext = std::make_unique<admin::AdminContext>(admin::AdminContext{*m_store, *m_state, m_config, {}, {}, {}, {}, {}, {}, {}, {}, {}});
    m_adminContext->explainPolicy = [this](const QString& src, const QString& dst, int port, int proto) {
        return m_controlService->mapper().explain(m_state->snapshot(), src, dst, port, proto);
    };
    m_adminContext->isOnline = [this](qint64 nodeId) { return m_controlService->isOnline(nodeId); };
    m_adminContext->debugNode = [this](qint64 nodeId) { return DebugViews::node(m_controlService->mapper(), m_state->snapshot(), nodeId); };
    m_adminContext->derpMap = [this] { return m_derpMap->currentMap(); };
    m_adminContext->servingRoutes = [this](qint64 nodeId, bool withExit) {
        const state::SnapshotPtr s = m_state->snapshot();
        QStringList routes = s->primaryRoutesOf(nodeId);
        if (withExit && s->exitNodes.contains(nodeId))
            if (const state::LiveNode* n = s->node(nodeId))
                routes += state::PrimaryRoutes::servedExitRoutes(n->node);
        return routes;
    };
    m_adminContext->approveRegistration = [this](const QString& authId, const QString& user, const state::Actor& by) -> store::Result<store::Node> {
        auto r = m_controlService->registration().approve(authId, user, by);
        if (!r)
            return r.error();
        return r->node;
    };
    m_adminContext->rejectRegistration = [this](const QString& authId, const state::Actor& by) {
        return m_controlService->registration().reject(authId, by);
    };
    m_adminContext->pendingRegistrations = [this] { return m_controlService->registration().pendingJson(); };
    // Events show objects exactly as the admin API does.
    m_state->setEventRenderer(admin::eventRenderer(*m_store));
    m_adminContext->decideSshCheck = [this](const QString& authId, bool approve, const state::Actor& by) {
        return m_controlService->sshCheck().decide(authId, approve, by);
    };
    m_adminContext->debugCreateNode = [this](const QString& authId, const QString& name, const QString& user, const QStringList& routes,
                                             const state::Actor& by) {
        return m_controlService->registration().addDebugPending({authId, name, user, routes}, by);
    };
    m_adminContext->pendingSshChecks = [this] { return m_controlService->sshCheck().pendingJson(); };
    m_adminContext->sshApprovals = [this] { return m_controlService->sshCheck().approvalsJson(); };
    m_adminContext->reachablePeers = [this](qint64 nodeId) {
        const state::SnapshotPtr s = m_state->snapshot();
        control::Mapper& mapper = m_controlService->mapper();
        return admin::reachablePeers(*s, nodeId, mapper.visiblePeers(s, nodeId), [&](qint64 peer) { return mapper.packetFilter(s, peer); });
    };
    m_adminContext->serverStatus = [this] { return statusJson(); };
    // /api/v2 first: its catch-all must answer before /api/v1's "/api/*".
    m_tsApi = std::make_unique<tsapi::TsApi>(*m_adminContext);
    m_tsApi->registerRoutes(m_publicRouter);
    m_tsApi->registerRoutes(m_socketRouter);
    m_adminApi = std::make_unique<admin::AdminApi>(*m_adminContext);
    m_adminApi->registerRoutes(m_publicRouter);
    m_adminApi->registerRoutes(m_socketRouter);
    addPublicRoutes();

    if (!startListeners(error)) {
        stop();
        return false;
    }
    return true;
}

void Server::beginShutdown()
{
    // DERP clients are told to come back soon (Restarting) instead of finding the relay gone.
    if (m_derp)
        m_derp->shutdown();
    // Map streams end cleanly, then each ts2021 session gets a GOAWAY: what it has sent is still
    // answered (registrations in flight are stored and acknowledged), nothing new starts.
    if (m_controlService)
        m_controlService->shutdown();
    if (auto* control = findChild<control::ControlEndpoint*>(QStringLiteral("keel-control-endpoint")))
        control->shutdown(std::chrono::milliseconds(1000));
}

void Server::reloadPolicy()
{
    if (m_policyWatcher)
        m_policyWatcher->reload();
}

QStringList Server::reload(const QProcessEnvironment& env)
{
    QStringList applied;
    if (m_config.sourcePath.isEmpty()) {
        qCInfo(lcServer) << "reload: running on the embedded default config, no file to re-read";
    } else {
        const config::LoadResult loaded = config::ConfigLoader::loadFile(m_config.sourcePath, env);
        if (!loaded.ok()) {
            for (const config::Diagnostic& d : loaded.errors())
                qCWarning(lcServer).noquote() << d.toString();
            qCWarning(lcServer).noquote() << "reload:" << m_config.sourcePath << "has errors; the running configuration is kept";
        } else {
            QStringList restart;
            for (const QString& key : ConfigReload::changedKeys(m_config, loaded.config))
                (ConfigReload::isReloadable(key) ? applied : restart) << key;
            if (!restart.isEmpty())
                qCWarning(lcServer).noquote() << "reload: changed keys that need a restart to take effect (still running with the old values):"
                                              << restart.join(QStringLiteral(", "));
            if (!applied.isEmpty()) {
                ConfigReload::applyReloadable(m_config, loaded.config);
                log::setLevel(m_config.log.level);
                http::ClientAddress::setTrustedProxies(m_config.trustedProxies);
                applyDerpRateLimit();
                QString error;
                if (!m_dnsRuntime->configure(&error))
                    qCWarning(lcServer).noquote() << "reload:" << error;
                qCInfo(lcServer).noquote() << "reload: applied" << applied.join(QStringLiteral(", "));
            } else if (restart.isEmpty()) {
                qCInfo(lcServer) << "reload: the config file is unchanged";
            }
        }
    }
    reloadPolicy();
    return applied;
}

void Server::stop()
{
    m_public.reset();
    m_socket.reset();
    m_metrics.reset();
    m_acme.reset();
}

bool Server::openStore(QString* error)
{
    const store::DatabaseOptions options = databaseOptions(m_config);
    if (options.type != QLatin1String("postgres") && !ensureDirectory(QFileInfo(options.sqlitePath).absolutePath(), error))
        return false;
    QString storeError;
    m_store = store::Store::open(options, &storeError);
    if (!m_store) {
        *error = QStringLiteral("cannot open the database (%1): %2").arg(describeDatabase(options), storeError);
        return false;
    }
    qCInfo(lcServer).noquote() << "database:" << describeDatabase(options) << "schema version" << m_store->schemaVersion();
    return true;
}

bool Server::loadKeys(QString* error)
{
    const QString path = m_config.noise.privateKeyPath;
    if (!ensureDirectory(QFileInfo(path).absolutePath(), error))
        return false;
    const bool existed = QFileInfo::exists(path);
    QString keyError;
    m_noiseKey = crypto::loadOrCreatePrivateKeyFile(path, &keyError);
    if (!m_noiseKey) {
        *error = keyError;
        return false;
    }
    qCInfo(lcServer).noquote() << (existed ? "noise key: loaded" : "noise key: generated") << path
                               << "public" << m_noiseKey->publicKey().toString();
    return true;
}

QString Server::noisePublicKey() const
{
    return m_noiseKey ? m_noiseKey->publicKey().toString() : QString();
}

void Server::addPublicRoutes()
{
    m_publicRouter.add("GET", QStringLiteral("/key"), [this](http::HttpRequest& request) {
        const QString v = request.query().queryItemValue(QStringLiteral("v"));
        bool ok = false;
        const int capver = v.toInt(&ok);
        if (!ok)
            return http::HttpResponse::text(400, "v= query parameter (capability version) is required\n");
        if (capver < 39)  // pre-Noise clients: Headscale answers them with an empty 200
            return http::HttpResponse::text(200, {});
        const QJsonObject body{{QStringLiteral("legacyPublicKey"), QStringLiteral("mkey:") + QString(64, QLatin1Char('0'))},
                               {QStringLiteral("publicKey"), noisePublicKey()}};
        return http::HttpResponse::json(200, QJsonDocument(body));
    });
    // ts2021 (GET for WebSocket clients, POST for tailscaled). A child of this Server: it owns the
    // upgraded connections, which therefore outlive the HTTP listener's reset in stop().
    // One descriptor per connected node: take what the system allows (the soft limit is often
    // 1,024 under a service manager) and accept as many control connections as it can hold.
    const qint64 fileLimit = raiseOpenFileLimit();
    control::ControlEndpoint::Options endpointOptions;
    endpointOptions.maxConnections = controlConnectionBudget(fileLimit, endpointOptions.maxConnections);
    for (const QString& proxy : m_config.trustedProxies) {
        const auto subnet = QHostAddress::parseSubnet(proxy);
        if (!subnet.first.isNull())
            endpointOptions.unlimitedSources.append(subnet);
    }
    qCInfo(lcServer).noquote() << "open-file limit" << fileLimit << "- up to" << endpointOptions.maxConnections << "control connections";
    auto* control = new control::ControlEndpoint(*m_noiseKey, endpointOptions, this);
    control->setObjectName(QStringLiteral("keel-control-endpoint"));
    control->registerRoutes(m_publicRouter);
    control->setHandler(m_controlService->handler());
    // The page behind an interactive registration's AuthURL.
    // Only for an id that is pending: the page shows an admin command with the id in it, and a
    // link on this origin must not be able to show one with text of the sender's choosing.
    m_publicRouter.add("GET", QStringLiteral("/register/{authId}"), [this](http::HttpRequest& request) {
        const QString authId = request.pathParams.value(QStringLiteral("authId"));
        if (!m_controlService->registration().isPending(authId))
            return http::HttpResponse::text(404, "registration request not found or expired\n");
        if (m_oidc) // with OIDC the link starts a login at the provider
            return m_oidc->registerPage(request);
        return http::HttpResponse::text(200, control::ControlService::registerPage(authId), "text/html; charset=utf-8");
    });
    // How to point each client at this server (Headscale serves /apple and /windows).
    for (const QString& platform : {QStringLiteral("apple"), QStringLiteral("windows"), QStringLiteral("onboarding")}) {
        m_publicRouter.add("GET", QLatin1Char('/') + platform, [this, platform](http::HttpRequest&) {
            return http::HttpResponse::text(200, OnboardingPage::render(m_config.serverUrl, platform), "text/html; charset=utf-8");
        });
    }
    // The page behind an SSH check's auth URL (Headscale 0.29's /auth/{auth_id}).
    m_publicRouter.add("GET", QStringLiteral("/auth/{authId}"), [this](http::HttpRequest& request) {
        if (m_oidc) // with OIDC the source node's owner logs in to approve it
            return m_oidc->sshCheckPage(request);
        const auto [status, html] = m_controlService->sshCheck().page(request.pathParams.value(QStringLiteral("authId")));
        return http::HttpResponse::text(status, html, "text/html; charset=utf-8");
    });
    // The HA prober's pings come back here: tailscaled answers a PingRequest with HEAD on its URL
    // (control.md 5.5). GET answers the same, for people checking by hand.
    for (const QByteArray& method : {QByteArrayLiteral("HEAD"), QByteArrayLiteral("GET")}) {
        m_publicRouter.add(method, QStringLiteral("/machine/ping-response"), [this](http::HttpRequest& request) {
            const int status = m_controlService->pingResponse(request.query().queryItemValue(QStringLiteral("id")));
            return http::HttpResponse::text(status, {});
        });
    }
    m_publicRouter.add("GET", QStringLiteral("/health"), [this](http::HttpRequest&) {
        const bool up = m_store->ping();
        http::HttpResponse r = http::HttpResponse::json(up ? 200 : 500, QJsonDocument(QJsonObject{{QStringLiteral("status"), up ? QStringLiteral("pass") : QStringLiteral("fail")}}));
        r.setHeader("Content-Type", "application/health+json");
        return r;
    });
    m_publicRouter.add("GET", QStringLiteral("/version"), [](http::HttpRequest&) {
        return http::HttpResponse::json(200, QJsonDocument(QJsonObject{{QStringLiteral("version"), QStringLiteral(KEEL_VERSION)},
                                                                       {QStringLiteral("qt"), QString::fromLatin1(qVersion())}}));
    });
    m_publicRouter.add("GET", QStringLiteral("/robots.txt"), [](http::HttpRequest&) {
        return http::HttpResponse::text(200, "User-agent: *\nDisallow: /\n");
    });
    m_publicRouter.add("GET", QStringLiteral("/"), [this](http::HttpRequest&) {
        http::HttpResponse r = http::HttpResponse::text(200, WelcomePage::render(m_config.serverUrl, QStringLiteral(KEEL_VERSION)),
                                                        "text/html; charset=utf-8");
        // Nothing on the page loads from anywhere: say so to the browser too.
        r.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        return r;
    });

    m_metricsRouter.add("GET", QStringLiteral("/metrics"), [this](http::HttpRequest&) {
        auto& registry = metrics::Registry::instance();
        registry.gauge("keel_build_info", "Build information.", {{"version", KEEL_VERSION}}).set(1);
        registry.gauge("keel_http_open_connections", "Open connections on the public listener.").set(m_public ? m_public->openConnections() : 0);
        const state::SnapshotPtr snapshot = m_state->snapshot();
        MetricsCollector::Sources sources;
        sources.snapshot = snapshot.get();
        sources.isOnline = [this](qint64 id) { return m_controlService->isOnline(id); };
        sources.mapSessions = m_controlService->batcher().sessionCount();
        sources.derp = m_derp ? &m_derp->stats() : nullptr;
        if (m_stun) {
            sources.stun = true;
            sources.stunSuccess = m_stun->counters().success;
            sources.stunNotStun = m_stun->counters().notStun;
            sources.stunWriteError = m_stun->counters().writeError;
        }
        const QByteArray out = registry.render() + MetricsCollector::render(sources) + metrics::renderProcessMetrics();
        return http::HttpResponse::text(200, out, "text/plain; version=0.0.4; charset=utf-8");
    });
}

void Server::applyDerpRateLimit()
{
    if (!m_derp)
        return;
    derp::DerpServer::Options options = m_derp->options();
    options.rateLimitBytesPerSec = quint64(std::max(0, m_config.derp.server.rateLimitBytesPerSec));
    options.rateLimitBurstBytes = quint64(std::max(0, m_config.derp.server.rateLimitBurstBytes));
    m_derp->setOptions(options);
}

bool Server::startDerp(QString* error)
{
    const auto& d = m_config.derp.server;
    if (!d.enabled)
        return true;
    QString keyError;
    const auto key = crypto::loadOrCreatePrivateKeyFile(d.privateKeyPath, &keyError);
    if (!key) {
        *error = QStringLiteral("DERP key: %1").arg(keyError);
        return false;
    }
    if (*key == *m_noiseKey) {
        // Headscale refuses this too: one key must not serve two protocols.
        *error = QStringLiteral("derp.server.private_key_path and noise.private_key_path hold the same key; they must differ");
        return false;
    }
    m_derp = std::make_unique<derp::DerpServer>(crypto::NodePrivate(key->raw()));
    applyDerpRateLimit();
    if (d.verifyClients) {
        // Only nodes the control plane knows, with an unexpired key, may use the relay.
        m_derp->setClientVerifier([this](const crypto::NodePublic& nodeKey, const QHostAddress&) {
            const state::SnapshotPtr snapshot = m_state->snapshot();
            const state::LiveNode* node = snapshot->nodeByKey(nodeKey.toString());
            return node && !node->isExpired(Clock::now());
        });
    }
    m_derp->registerRoutes(m_publicRouter);
    // derper's /bootstrap-dns, as Headscale serves it next to its embedded DERP.
    m_bootstrapDns = std::make_unique<derp::BootstrapDns>();
    m_publicRouter.add("GET", QStringLiteral("/bootstrap-dns"), [this](http::HttpRequest& request) {
        const QString q = request.query().queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
        return http::HttpResponse::json(200, QJsonDocument(m_bootstrapDns->answer(q)));
    });
    if (!d.meshKey.isEmpty() && !m_derp->setMeshKey(d.meshKey)) {
        *error = QStringLiteral("derp.server.mesh_key is not 64 hex digits");
        return false;
    }
    for (const QString& peer : d.meshWith) {
        // Each sibling is dialled as a DERP client with the mesh key; it reconnects by itself.
        m_derp->addMeshPeer(QUrl(peer));
        qCInfo(lcServer).noquote() << "DERP mesh: forwarding with" << peer;
    }
    m_stun = std::make_unique<derp::StunServer>();
    if (!m_stun->start(d.stunListenAddr, error))
        return false;
    qCInfo(lcServer).noquote() << "embedded DERP region" << d.regionId << d.regionCode << "on /derp, STUN on" << d.stunListenAddr
                               << (d.verifyClients ? "(known nodes only)" : "(open to any client)");
    return true;
}

bool Server::startListeners(QString* error)
{
    m_public = std::make_unique<http::HttpServer>(m_publicRouter);
    // Requests not (yet) upgraded: a quarter of the descriptors, so slow connections can never
    // take the ones the control connections need.
    const qint64 fileLimit = raiseOpenFileLimit();
    m_public->setMaxConnections(fileLimit > 0 ? int(std::clamp<qint64>(fileLimit / 4, 64, 4096)) : 4096);
    std::optional<QSslConfiguration> tls;
    if (!m_config.tls.certPath.isEmpty()) {
        QSslConfiguration c;
        if (!loadTls(m_config, &c, error))
            return false;
        // The embedded DERP's meta certificate ends the chain: clients then skip the 101 (fast start).
        if (m_derp && !m_derp->metaCertificate().isNull())
            c.setLocalCertificateChain(c.localCertificateChain() << m_derp->metaCertificate());
        tls = c;
    }
    if (!m_config.tls.letsencrypt.hostname.isEmpty()) {
        // TLS by ACME: the listener's certificate comes from the CA and changes at runtime.
        m_acme = std::make_unique<AcmeRuntime>(m_config, m_derp ? m_derp->metaCertificate() : QSslCertificate());
        if (!m_acme->start(error) || !m_public->listen(m_config.listenAddr, error, m_acme->takeListener()))
            return false;
        tls = QSslConfiguration();   // for the log line below
    } else if (!m_public->listen(m_config.listenAddr, error, tls ? &*tls : nullptr)) {
        return false;
    }
    // One formatted string: the stream operator puts a space between parts ("port 8080 )").
    qCInfo(lcServer).noquote() << QStringLiteral("listening on %1%2 (port %3), server_url %4")
                                      .arg(tls ? QStringLiteral("https://") : QStringLiteral("http://"), m_config.listenAddr)
                                      .arg(m_public->tcpPort())
                                      .arg(m_config.serverUrl);

    if (!m_config.unixSocket.isEmpty()) {
        if (!ensureDirectory(QFileInfo(m_config.unixSocket).absolutePath(), error))
            return false;
        m_socket = std::make_unique<http::HttpServer>(m_socketRouter);
        if (!m_socket->listenUnix(m_config.unixSocket, m_config.unixSocketPermission, error))
            return false;
        qCInfo(lcServer).noquote() << "admin socket:" << m_config.unixSocket << "mode" << QString::number(m_config.unixSocketPermission, 8);
    }

    if (!m_config.metricsListenAddr.isEmpty()) {
        m_metrics = std::make_unique<http::HttpServer>(m_metricsRouter);
        if (!m_metrics->listen(m_config.metricsListenAddr, error))
            return false;
        qCInfo(lcServer).noquote() << "metrics on http://" + m_config.metricsListenAddr + "/metrics";
    }
    return true;
}

quint16 Server::httpPort() const
{
    return m_public ? m_public->tcpPort() : 0;
}

quint16 Server::metricsPort() const
{
    return m_metrics ? m_metrics->tcpPort() : 0;
}

} // namespace keel::server
