// AdminApi: /api/v1/oauthclient (the OAuth clients of the Tailscale-compatible /api/v2)
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"
#include "tsapi/Scopes.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace keel::admin {

namespace {

QJsonObject clientJson(const store::OAuthClient& c)
{
    return {{QStringLiteral("id"), json::id(c.id)},
            {QStringLiteral("clientId"), c.clientId},
            {QStringLiteral("description"), c.description},
            {QStringLiteral("scopes"), QJsonArray::fromStringList(c.scopes)},
            {QStringLiteral("tags"), QJsonArray::fromStringList(c.tags)},
            {QStringLiteral("createdAt"), json::time(c.createdAt)},
            {QStringLiteral("lastUsed"), json::optionalTime(c.lastUsed)}};
}

QStringList stringsOf(const QJsonValue& v)
{
    if (v.isString())
        return tsapi::Scopes::parse(v.toString());
    QStringList out;
    for (const QJsonValue& e : v.toArray())
        out << e.toString().trimmed();
    out.removeAll(QString());
    out.removeDuplicates();
    return out;
}

} // namespace

void AdminApi::addOAuthClientRoutes(http::Router& router)
{
    router.add("GET", QStringLiteral("/api/v1/oauthclient"), guarded([this](http::HttpRequest&) {
        const auto clients = m_context.store.listOAuthClients();
        if (!clients)
            return reply::error(clients.error());
        QJsonArray out;
        for (const store::OAuthClient& c : *clients)
            out.append(clientJson(c));
        return reply::ok({{QStringLiteral("oauthClients"), out}});
    }));

    router.add("POST", QStringLiteral("/api/v1/oauthclient"), guarded([this](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        store::NewOAuthClient spec;
        spec.description = body->value(QStringLiteral("description")).toString().trimmed();
        spec.scopes = stringsOf(body->value(QStringLiteral("scopes")));
        spec.tags = stringsOf(body->value(QStringLiteral("tags")));
        if (spec.scopes.isEmpty())
            return reply::badRequest(QStringLiteral("an OAuth client needs at least one scope (%1)").arg(tsapi::Scopes::known().join(QStringLiteral(", "))));
        if (const QString unknown = tsapi::Scopes::firstUnknown(spec.scopes); !unknown.isEmpty())
            return reply::badRequest(QStringLiteral("unknown scope '%1' (known: %2)").arg(unknown, tsapi::Scopes::known().join(QStringLiteral(", "))));
        static const QRegularExpression tag(QStringLiteral("^tag:[A-Za-z][A-Za-z0-9-]*$"));
        for (const QString& t : std::as_const(spec.tags)) {
            if (!tag.match(t).hasMatch())
                return reply::badRequest(QStringLiteral("invalid tag '%1': tags look like tag:name").arg(t));
        }
        // Tailscale: tags are mandatory when the scopes let the client make auth keys or change devices.
        if (tsapi::Scopes::needsTags(spec.scopes) && spec.tags.isEmpty())
            return reply::badRequest(QStringLiteral("scopes devices:core and auth_keys need tags: the tags the client's auth keys and devices may carry (--tags tag:x)"));
        const auto created = m_context.state.createOAuthClient(spec, actorOf(request));
        if (!created)
            return reply::error(created.error());
        return reply::ok({{QStringLiteral("oauthClient"), clientJson(created->client)}, {QStringLiteral("clientSecret"), created->secret}});
    }));

    router.add("DELETE", QStringLiteral("/api/v1/oauthclient/{id}"), guarded([this](http::HttpRequest& request) {
        const QString given = request.pathParams.value(QStringLiteral("id"));
        const auto r = m_context.state.deleteOAuthClient(given.toLongLong(), actorOf(request));
        return r ? reply::ok({}) : reply::error(r.error());
    }));
}

} // namespace keel::admin
