// POST /api/v1/auth/register and the deprecated POST /api/v1/node/register: an admin approves a
// pending interactive registration (control.md 3.4 B), Headscale's `auth register` / `nodes register`.
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"

#include <QUrlQuery>

namespace keel::admin {

void AdminApi::addAuthRoutes(http::Router& router)
{
    const auto approve = [this](const QString& authId, const QString& user) {
        if (authId.isEmpty() || user.isEmpty())
            return reply::badRequest(QStringLiteral("both the registration id (authId/key) and the user are required"));
        if (!m_context.approveRegistration)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        const auto node = m_context.approveRegistration(authId, user);
        if (!node)
            return reply::error(node.error());
        json::NodeExtras extras;
        if (node->userId)
            if (auto u = m_context.store.userById(*node->userId))
                extras.user = *u;
        extras.online = m_context.isOnline && m_context.isOnline(node->id);
        return reply::ok({{QStringLiteral("node"), json::node(*node, extras)}});
    };

    router.add("POST", QStringLiteral("/api/v1/auth/register"), guarded([approve](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        return approve(body->value(QStringLiteral("authId")).toString().trimmed(),
                       body->value(QStringLiteral("user")).toString().trimmed());
    }));

    // Headscale 0.29's `auth approve|reject --auth-id ID` ({"authId"} -> {}): decides a pending
    // auth session. An SSH check session needs nothing else; a pending registration approved this
    // way needs "user" too (then the reply is {"node": ...}, as for auth/register).
    router.add("POST", QStringLiteral("/api/v1/auth/approve"), guarded([this, approve](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        const QString authId = body->value(QStringLiteral("authId")).toString().trimmed();
        if (authId.isEmpty())
            return reply::badRequest(QStringLiteral("authId is required"));
        if (m_context.decideSshCheck && m_context.decideSshCheck(authId, true))
            return reply::ok({});
        const QString user = body->value(QStringLiteral("user")).toString().trimmed();
        if (!user.isEmpty())
            return approve(authId, user);
        return http::HttpResponse::problem(404, QStringLiteral("no pending auth session for auth_id %1").arg(authId));
    }));
    router.add("POST", QStringLiteral("/api/v1/auth/reject"), guarded([this](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        const QString authId = body->value(QStringLiteral("authId")).toString().trimmed();
        if (authId.isEmpty())
            return reply::badRequest(QStringLiteral("authId is required"));
        if (m_context.decideSshCheck && m_context.decideSshCheck(authId, false))
            return reply::ok({});
        return http::HttpResponse::problem(404, QStringLiteral("no pending auth session for auth_id %1").arg(authId));
    }));

    // Headscale <= 0.27: `nodes register --user U --key K` sends the values as query parameters.
    router.add("POST", QStringLiteral("/api/v1/node/register"), guarded([approve](http::HttpRequest& request) {
        const QUrlQuery q = request.query();
        return approve(q.queryItemValue(QStringLiteral("key"), QUrl::FullyDecoded).trimmed(),
                       q.queryItemValue(QStringLiteral("user"), QUrl::FullyDecoded).trimmed());
    }));
}

} // namespace keel::admin
