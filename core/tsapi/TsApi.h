#pragma once

#include "admin/AdminContext.h"
#include "http/Router.h"
#include "store/OAuthClient.h"

#include <optional>

namespace keel::tsapi {

// Tailscale's API v2 (docs/api-v2.md): the endpoints the Terraform provider, the Kubernetes
// operator and scripts use, in Tailscale's shapes and error form, on the same State calls as
// /api/v1. Callers authenticate with an API key (Bearer, or Basic with the key as user name, as
// Tailscale's clients send it) or with an OAuth access token from POST /api/v2/oauth/token,
// whose scopes each endpoint checks. `{tailnet}` is "-" or the tailnet's base domain.
class TsApi
{
public:
    explicit TsApi(admin::AdminContext& context) : m_context(context) {}

    void registerRoutes(http::Router& router);

    // Who is calling: scopes absent = full access (an API key, the unix socket).
    struct Caller
    {
        QString principal;
        std::optional<QStringList> scopes;
        std::optional<store::OAuthClient> client;
    };
    using Handler = std::function<http::HttpResponse(http::HttpRequest&, const Caller&)>;

private:
    // Registers a route that needs `scope` (a Tailscale scope name) and, for paths with
    // {tailnet}, checks the tailnet.
    void add(http::Router& router, const QByteArray& method, const QString& pattern, const QString& scope, Handler handler);
    // The caller, or the 401 Tailscale answers.
    std::optional<Caller> authenticate(http::HttpRequest& request, http::HttpResponse* refusal);
    bool knownTailnet(const QString& tailnet) const;
    QString tailnetName() const;

    void addTokenRoute(http::Router& router);   // TsApiToken.cpp
    void addDeviceRoutes(http::Router& router); // TsApiDevices.cpp
    void addKeyRoutes(http::Router& router);    // TsApiKeys.cpp
    void addPolicyRoutes(http::Router& router); // TsApiPolicy.cpp
    void addUserRoutes(http::Router& router);   // TsApiUsersDns.cpp
    void addDnsRoutes(http::Router& router);    // TsApiUsersDns.cpp

    admin::AdminContext& m_context;
};

} // namespace keel::tsapi
