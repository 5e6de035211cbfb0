#pragma once

#include <QJsonObject>

#include "admin/AdminApi.h"
#include "tsapi/TsApi.h"
#include "config/Config.h"
#include "crypto/Keys.h"
#include "http/HttpServer.h"
#include "http/Router.h"
#include "store/Store.h"

namespace keel::state {
class State;
}
namespace keel::control {
class ControlService;
}
namespace keel::server {
class PolicyFileWatcher;
class DnsRuntime;
class AcmeRuntime;
class OidcLogin;
}
namespace keel::derp {
class BootstrapDns;
class DerpServer;
class DerpMapBuilder;
class StunServer;
}

#include <QObject>
#include <QProcessEnvironment>

#include <memory>
#include <optional>

namespace keel::server {

// The composition root: builds every part of a running Keel from a Config and wires them together.
// `keel serve` and Keel Manager's in-process mode both use it.
class Server : public QObject
{
    Q_OBJECT

public:
    explicit Server(config::Config config, QObject* parent = nullptr);
    ~Server() override;

    // Creates the data directory, opens the database (migrating it), loads or creates the Noise
    // key, and starts the listeners. On failure returns false with a sentence in *error and leaves
    // nothing running.
    bool start(QString* error);
    // Tells connected clients the server is going away (DERP Restarting); the caller keeps the event
    // loop running a moment so those frames leave, then calls stop().
    void beginShutdown();
    // SIGHUP: re-reads the policy file (policy.mode file). A bad file keeps the current policy.
    void reloadPolicy();
    // SIGHUP: re-reads the config file and applies the dns.* keys (except base_domain) at once,
    // logging the changed keys that need a restart; then reloads the policy. A file with errors
    // changes nothing. Returns the keys applied.
    QStringList reload(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
    void stop();

    const config::Config& config() const { return m_config; }
    store::Store& store() { return *m_store; }
    // The control logic once start() succeeded (tests run its periodic jobs after moving a clock).
    control::ControlService* controlService() const { return m_controlService.get(); }
    // The one writer of the tailnet (in-process front ends: Keel Manager, tests).
    state::State* state() const { return m_state.get(); }
    quint16 httpPort() const;
    quint16 metricsPort() const;
    QString noisePublicKey() const;
    // The public listener's routes (the admin API among them), for tests that must cover each one.
    const http::Router& publicRouter() const { return m_publicRouter; }

private:
    bool openStore(QString* error);
    bool loadKeys(QString* error);
    bool startListeners(QString* error);
    void addPublicRoutes();
    bool startDerp(QString* error);
    // derp.server.rate_limit_* into the running relay (at start and on reload).
    void applyDerpRateLimit();
    // GET /api/v1/server/status (ServerStatus.cpp).
    QJsonObject statusJson() const;

    config::Config m_config;
    std::unique_ptr<store::Store> m_store;
    std::optional<crypto::MachinePrivate> m_noiseKey;
    // The control plane: the in-memory model and the register/map logic (destroyed before the store).
    std::unique_ptr<state::State> m_state;
    std::unique_ptr<control::ControlService> m_controlService;
    std::unique_ptr<DnsRuntime> m_dnsRuntime; // after the control service: destroyed before it
    // DERP: the map every node gets (always), and the embedded relay + STUN (derp.server.enabled).
    std::unique_ptr<derp::DerpMapBuilder> m_derpMap;
    std::unique_ptr<derp::DerpServer> m_derp;
    std::unique_ptr<derp::BootstrapDns> m_bootstrapDns; // with the embedded DERP only
    std::unique_ptr<derp::StunServer> m_stun;
    std::unique_ptr<PolicyFileWatcher> m_policyWatcher;
    std::unique_ptr<OidcLogin> m_oidc; // oidc.issuer set
    std::unique_ptr<admin::AdminContext> m_adminContext;
    std::unique_ptr<admin::AdminApi> m_adminApi;
    std::unique_ptr<AcmeRuntime> m_acme; // tls_letsencrypt_hostname set; outlives m_public (its listener)
    std::unique_ptr<tsapi::TsApi> m_tsApi; // /api/v2, Tailscale's API
    http::Router m_publicRouter;
    http::Router m_socketRouter;
    http::Router m_metricsRouter;
    std::unique_ptr<http::HttpServer> m_public;
    std::unique_ptr<http::HttpServer> m_socket;
    std::unique_ptr<http::HttpServer> m_metrics;
};

} // namespace keel::server
