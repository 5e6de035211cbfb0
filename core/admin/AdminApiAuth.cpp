// /api/v1/auth: pending interactive registrations (control.md 3.4 B). Headscale 0.29's
// `auth register|approve|reject` and the deprecated POST /api/v1/node/register, plus Keel's
// GET /api/v1/auth/pending (the list Headscale's users ask for, headscale #2736).
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"

#include <QUrlQuery>

namespace keel::admin {

void AdminApi::addAuthRoutes(http::Router& router)
{
    const auto approve = [this](const QString& authId, const QString& user, const state::Actor& by) {
        if (authId.isEmpty())
            return reply::badRequest(QStringLiteral("the registration id (authId) is required; see: keel auth list"));
        if (user.isEmpty()) {
            // An id that names nothing pending is a 404 (Headscale's answer), whatever else is missing.
            bool pending = false;
            if (m_context.pendingRegistrations)
                for (const QJsonValue& v : m_context.pendingRegistrations())
                    pending = pending || v.toObject().value(QStringLiteral("authId")).toString() == authId;
            if (!pending)
                return http::HttpResponse::problem(404, QStringLiteral("no pending auth session for auth_id %1").arg(authId));
            return reply::badRequest(QStringLiteral("a new machine needs the user who will own it (user)"));
        }
        if (!m_context.approveRegistration)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        const auto node = m_context.approveRegistration(authId, user, by);
        if (!node)
            return reply::error(node.error());
        json::NodeExtras extras;
        if (node->userId)
            if (auto u = m_context.store.userById(*node->userId))
                extras.user = *u;
        extras.online = m_context.isOnline && m_context.isOnline(node->id);
        return reply::ok({{QStringLiteral("node"), json::node(*node, extras)}});
    };
    const auto bodyOf = [](http::HttpRequest& request, http::HttpResponse* failure) { return reply::body(request, failure); };

    // Headscale 0.29's `auth register|approve|reject --auth-id ID`. An id may name a pending SSH
    // check (decided with the id alone, answers {}) or a pending registration: every one of those
    // is a new machine, so approving it needs the user who will own it (then the reply is
    // {"node": ...}); without one it is refused with a clear 400.
    const auto decide = [this, approve, bodyOf](http::HttpRequest& request, bool allow, bool sshToo) {
        http::HttpResponse failure;
        const auto body = bodyOf(request, &failure);
        if (!body)
            return failure;
        const QString authId = body->value(QStringLiteral("authId")).toString().trimmed();
        if (authId.isEmpty())
            return reply::badRequest(QStringLiteral("the registration id (authId) is required; see: keel auth list"));
        if (sshToo && m_context.decideSshCheck && m_context.decideSshCheck(authId, allow, actorOf(request)))
            return reply::ok({});
        if (allow)
            return approve(authId, body->value(QStringLiteral("user")).toString().trimmed(), actorOf(request));
        if (!m_context.rejectRegistration)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        const auto r = m_context.rejectRegistration(authId, actorOf(request));
        return r ? reply::ok({}) : reply::error(r.error());
    };
    router.add("POST", QStringLiteral("/api/v1/auth/register"),
               guarded([decide](http::HttpRequest& request) { return decide(request, true, false); }));
    router.add("POST", QStringLiteral("/api/v1/auth/approve"),
               guarded([decide](http::HttpRequest& request) { return decide(request, true, true); }));
    router.add("POST", QStringLiteral("/api/v1/auth/reject"),
               guarded([decide](http::HttpRequest& request) { return decide(request, false, true); }));

    router.add("GET", QStringLiteral("/api/v1/auth/pending"), guarded([this](http::HttpRequest&) {
        return reply::ok({{QStringLiteral("registrations"), m_context.pendingRegistrations ? m_context.pendingRegistrations() : QJsonArray()},
                          {QStringLiteral("sshChecks"), m_context.pendingSshChecks ? m_context.pendingSshChecks() : QJsonArray()},
                          {QStringLiteral("sshApprovals"), m_context.sshApprovals ? m_context.sshApprovals() : QJsonArray()}});
    }));

    // Headscale's DebugCreateNode: {"user", "key", "name", "routes": [...]}.
    router.add("POST", QStringLiteral("/api/v1/debug/node"), guarded([this, bodyOf](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = bodyOf(request, &failure);
        if (!body)
            return failure;
        QStringList routes;
        for (const QJsonValue& v : body->value(QStringLiteral("routes")).toArray())
            routes << v.toString();
        const QString key = body->value(QStringLiteral("key")).toString().trimmed();
        const QString name = body->value(QStringLiteral("name")).toString().trimmed();
        const QString user = body->value(QStringLiteral("user")).toString().trimmed();
        if (key.isEmpty() || name.isEmpty() || user.isEmpty())
            return reply::badRequest(QStringLiteral("key (a registration id), name and user are required"));
        if (!m_context.debugCreateNode)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        const auto made = m_context.debugCreateNode(key, name, user, routes, actorOf(request));
        return made ? reply::ok({{QStringLiteral("node"), *made}}) : reply::error(made.error());
    }));

    // Headscale <= 0.27: `nodes register --user U --key K` sends the values as query parameters.
    router.add("POST", QStringLiteral("/api/v1/node/register"), guarded([approve](http::HttpRequest& request) {
        const QUrlQuery q = request.query();
        return approve(q.queryItemValue(QStringLiteral("key"), QUrl::FullyDecoded).trimmed(),
                       q.queryItemValue(QStringLiteral("user"), QUrl::FullyDecoded).trimmed(), actorOf(request));
    }));
}

} // namespace keel::admin
