#include "admin/AdminApi.h"

#include "admin/AdminReply.h"
#include "admin/OpenApi.h"
#include "common/Log.h"

#include "KeelVersion.h"

#include <QJsonDocument>

namespace keel::admin {

AdminApi::Handler AdminApi::guarded(Handler handler)
{
    return [this, handler = std::move(handler)](http::HttpRequest& request) -> http::HttpResponse {
        if (request.transport != http::Transport::UnixSocket) {
            const QByteArray auth = request.header("Authorization");
            const auto unauthorized = [] { return http::HttpResponse::text(401, "Unauthorized"); };
            if (!auth.startsWith("Bearer "))
                return unauthorized();
            const auto key = m_context.state.authenticateApiKey(QString::fromUtf8(auth.mid(7).trimmed()));
            if (!key) {
                // Logged without the key text: the prefix an attacker sent is not worth a log line each.
                qCDebug(lcAdmin) << "API request with a rejected key from" << request.peerAddress.toString();
                return unauthorized();
            }
            request.principal = QStringLiteral("apikey:") + key->prefix;
        } else {
            request.principal = request.peerUid >= 0 ? QStringLiteral("unix:%1").arg(request.peerUid) : QStringLiteral("unix:");
        }
        if (const auto bad = reply::badIdParameter(request))
            return *bad;
        return handler(request);
    };
}

void AdminApi::registerRoutes(http::Router& router)
{
    router.add("GET", QStringLiteral("/api/v1/health"), guarded([this](http::HttpRequest&) {
        return reply::ok({{QStringLiteral("databaseConnectivity"), m_context.store.ping()}});
    }));
    addUserRoutes(router);
    addPreAuthKeyRoutes(router);
    addApiKeyRoutes(router);
    addNodeRoutes(router);
    addPolicyRoutes(router);
    addAuthRoutes(router);
    addEventRoutes(router);
    addAuditRoutes(router);
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
