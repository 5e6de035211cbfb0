#pragma once

#include "admin/AdminContext.h"
#include "http/Router.h"

#include <QObject>

namespace keel::admin {

// The admin API under /api/v1 (Headscale's REST paths and shapes, spec D.3). The same routes serve
// the unix socket, where file permissions are the access control, and the public listener, where
// every request needs `Authorization: Bearer <api key>`; a missing, wrong or expired key gets 401
// with the plain body "Unauthorized" and nothing else.
class AdminApi
{
public:
    explicit AdminApi(AdminContext& context) : m_context(context) {}

    void registerRoutes(http::Router& router);

private:
    using Handler = http::Router::Handler;
    // Wraps a handler with the API-key check for non-unix transports.
    Handler guarded(Handler handler);
    // The 401 for a caller without a valid key (nothing on the unix socket); sets request.principal.
    std::optional<http::HttpResponse> refuse(http::HttpRequest& request);

    void addUserRoutes(http::Router& router);
    void addPreAuthKeyRoutes(http::Router& router);
    void addApiKeyRoutes(http::Router& router);
    void addNodeRoutes(http::Router& router);
    void addPolicyRoutes(http::Router& router);
    void addAuthRoutes(http::Router& router); // AdminApiAuth.cpp
    void addOAuthClientRoutes(http::Router& router); // AdminApiOAuth.cpp: the OAuth clients of /api/v2
    void addDebugRoutes(http::Router& router); // AdminApiDebug.cpp: /debug views (same credentials)
    void addEventRoutes(http::Router& router); // AdminApiEvents.cpp: GET /api/v1/events (SSE)
    void addAuditRoutes(http::Router& router); // AdminApiEvents.cpp: GET /api/v1/audit
    // AdminApiServer.cpp: GET /api/v1/logs (SSE), /api/v1/server/status, /api/v1/node/{id}/reachable
    void addServerRoutes(http::Router& router);
    // The parent of the live streams this API opened (GET /api/v1/events, /api/v1/logs): a stream
    // whose client never leaves ends with the API instead of outliving the server.
    QObject m_streams;
    // Who a guarded request acts as, for the audit log.
    static state::Actor actorOf(const http::HttpRequest& request) { return state::Actor::of(request.principal); }

    AdminContext& m_context;
};

} // namespace keel::admin
