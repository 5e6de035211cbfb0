#include "admin/AdminApi.h"

#include "admin/AdminReply.h"
#include "admin/OpenApi.h"
#include "common/Log.h"
#include "http/ClientAddress.h"

#include "KeelVersion.h"

#include <QJsonDocument>

namespace keel::admin {

std::optional<http::HttpResponse> AdminApi::refuse(http::HttpRequest& request)
{
    if (request.transport == http::Transport::UnixSocket) {
        request.principal = request.peerUid >= 0 ? QStringLiteral("unix:%1").arg(request.peerUid) : QStringLiteral("unix:");
        return std::nullopt;
    }
    const QByteArray auth = request.header("Authorization");
    const auto unauthorized = [] { return http::HttpResponse::text(401, "Unauthorized"); };
    // The scheme name is case-insensitive (RFC 9110 11.1): "bearer", "BEARER" are the same.
    if (auth.size() < 7 || auth.left(7).toLower() != "bearer ")
        return unauthorized();
    const auto key = m_context.state.authenticateApiKey(QString::fromUtf8(auth.mid(7).trimmed()));
    if (!key) {
        // Logged without the key text: the prefix an attacker sent is not worth a log line each.
        qCDebug(lcAdmin).noquote() << "API request with a rejected key from" << http::ClientAddress::describe(request);
        return unauthorized();
    }
    request.principal = QStringLiteral("apikey:") + key->prefix;
    return std::nullopt;
}

AdminApi::Handler AdminApi::guarded(Handler handler)
{
    return [this, handler = std::move(handler)](http::HttpRequest& request) -> http::HttpResponse {
        if (std::optional<http::HttpResponse> refused = refuse(request))
            return *refused;
        if (const auto bad = reply::badIdParameter(request))
            return *bad;
        return handler(request);
    };
}

void AdminApi::registerRoutes(http::Router& router)
{
    // A wrong method on a real path answers 401 before 405 to a caller without a key.
    router.guardMethodErrors(QStringLiteral("/api/"), [this](http::HttpRequest& request) -> std::optional<http::HttpResponse> {
        // /api/v2 has its own credentials (OAuth tokens too) and its own guard (tsapi).
        if (request.path().startsWith(QLatin1String("/api/v2/")))
            return std::nullopt;
        return refuse(request);
    });
    router.guardMethodErrors(QStringLiteral("/debug/"), [this](http::HttpRequest& request) { return refuse(request); });
    router.add("GET", QStringLiteral("/api/v1/health"), guarded([this](http::HttpRequest&) {
        return reply::ok({{QStringLiteral("databaseConnectivity"), m_context.store.ping()}});
    }));
    addUserRoutes(router);
    addPreAuthKeyRoutes(router);
    addApiKeyRoutes(router);
    addNodeRoutes(router);
    addPolicyRoutes(router);
    addAuthRoutes(router);
    addOAuthClientRoutes(router);
    addDebugRoutes(router);
    addEventRoutes(router);
    addAuditRoutes(router);
    addServerRoutes(router);
    // The OpenAPI document of the routes above (public, as Headscale's is).
    router.add("GET", QStringLiteral("/api/v1/openapi.json"), [](http::HttpRequest&) {
        return http::HttpResponse::json(200, QJsonDocument(OpenApi::document(QStringLiteral(KEEL_VERSION))));
    });
    // Anything else under /api/ is a 404 in the API's error shape, behind the same key check so
    // the path layout does not leak to unauthenticated callers.
    router.addAny(QStringLiteral("/api/*"), guarded([](http::HttpRequest& request) {
        return http::HttpResponse::problem(404, QStringLiteral("no API endpoint %1 %2").arg(QString::fromLatin1(request.method), request.path()));
    }));
}

} // namespace keel::admin
