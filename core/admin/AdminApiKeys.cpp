// AdminApi: /api/v1/preauthkey and /api/v1/apikey
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"
#include "common/Clock.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace keel::admin {

namespace {

// "tag:name" with Tailscale's tag charset (letters, digits, '-'; starting with a letter).
QString checkTags(const QStringList& tags)
{
    static const QRegularExpression re(QStringLiteral("^tag:[A-Za-z][A-Za-z0-9-]*$"));
    for (const QString& tag : tags) {
        if (!re.match(tag).hasMatch())
            return QStringLiteral("invalid tag '%1': tags look like tag:name (letters, digits and '-', starting with a letter)").arg(tag);
    }
    return {};
}

// The expiration of a create request: an RFC 3339 time in the future, or absent (default).
std::optional<QDateTime> expirationFrom(const QJsonObject& body, const QDateTime& fallback, QString* problem)
{
    const QJsonValue v = body.value(QStringLiteral("expiration"));
    if (v.isUndefined() || v.isNull() || v.toString().isEmpty())
        return fallback;
    const auto t = json::parseTime(v.toString());
    if (!t) {
        *problem = QStringLiteral("expiration '%1' is not an RFC 3339 time").arg(v.toString());
        return std::nullopt;
    }
    return t;
}

} // namespace

void AdminApi::addPreAuthKeyRoutes(http::Router& router)
{
    store::Store& store = m_context.store;
    const auto ownerOf = [&store](const store::PreAuthKey& key) -> std::optional<store::User> {
        if (!key.userId)
            return std::nullopt;
        auto user = store.userById(*key.userId);
        return user ? std::optional<store::User>(*user) : std::nullopt;
    };

    router.add("POST", QStringLiteral("/api/v1/preauthkey"), guarded([this, &store, ownerOf](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        store::NewPreAuthKey spec;
        const qint64 userId = json::parseId(body->value(QStringLiteral("user")));
        if (userId > 0)
            spec.userId = userId;
        else if (body->contains(QStringLiteral("user")) && !body->value(QStringLiteral("user")).toString().isEmpty())
            return reply::badRequest(QStringLiteral("user must be a numeric user id (see: keel users list)"));
        spec.reusable = body->value(QStringLiteral("reusable")).toBool();
        spec.ephemeral = body->value(QStringLiteral("ephemeral")).toBool();
        // Keel's: nodes this key registers skip device approval (node.device_approval).
        spec.preApproved = body->value(QStringLiteral("preApproved")).toBool();
        for (const QJsonValue& t : body->value(QStringLiteral("aclTags")).toArray())
            spec.tags.append(t.toString());
        if (const QString problem = checkTags(spec.tags); !problem.isEmpty())
            return reply::badRequest(problem);
        if (!spec.userId && spec.tags.isEmpty())
            return reply::badRequest(QStringLiteral("a pre-auth key needs a user or at least one tag"));
        if (spec.userId && !store.userById(*spec.userId))
            return reply::error(store::Error::notFound(QStringLiteral("user %1 not found").arg(*spec.userId)));
        QString problem;
        spec.expiration = expirationFrom(*body, Clock::now().addSecs(3600), &problem);
        if (!problem.isEmpty())
            return reply::badRequest(problem);
        const auto created = m_context.state.createPreAuthKey(spec, actorOf(request));
        if (!created)
            return reply::error(created.error());
        return reply::ok({{QStringLiteral("preAuthKey"), json::preAuthKey(created->key, ownerOf(created->key), created->fullKey)}});
    }));

    const auto idFromBodyOrQuery = [](http::HttpRequest& request, qint64* id) -> std::optional<http::HttpResponse> {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        *id = json::parseId(body->value(QStringLiteral("id")));
        if (*id <= 0)
            *id = request.query().queryItemValue(QStringLiteral("id")).toLongLong();
        if (*id <= 0)
            return reply::badRequest(QStringLiteral("a pre-auth key id is required"));
        return std::nullopt;
    };

    router.add("POST", QStringLiteral("/api/v1/preauthkey/expire"), guarded([this, idFromBodyOrQuery](http::HttpRequest& request) {
        qint64 id = 0;
        if (auto failure = idFromBodyOrQuery(request, &id))
            return *failure;
        const auto r = m_context.state.expirePreAuthKey(id, actorOf(request));
        return r ? reply::ok({}) : reply::error(r.error());
    }));

    router.add("DELETE", QStringLiteral("/api/v1/preauthkey"), guarded([this, idFromBodyOrQuery](http::HttpRequest& request) {
        qint64 id = 0;
        if (auto failure = idFromBodyOrQuery(request, &id))
            return *failure;
        const auto r = m_context.state.deletePreAuthKey(id, actorOf(request));
        return r ? reply::ok({}) : reply::error(r.error());
    }));

    router.add("GET", QStringLiteral("/api/v1/preauthkey"), guarded([&store, ownerOf](http::HttpRequest& request) {
        std::optional<qint64> user;
        if (const qint64 id = request.query().queryItemValue(QStringLiteral("user")).toLongLong(); id > 0)
            user = id;
        const auto keys = store.listPreAuthKeys(user);
        if (!keys)
            return reply::error(keys.error());
        QJsonArray out;
        for (const store::PreAuthKey& k : *keys)
            out.append(json::preAuthKey(k, ownerOf(k)));
        return reply::ok({{QStringLiteral("preAuthKeys"), out}});
    }));
}

void AdminApi::addApiKeyRoutes(http::Router& router)
{
    store::Store& store = m_context.store;

    router.add("POST", QStringLiteral("/api/v1/apikey"), guarded([this](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        QString problem;
        const auto expiration = expirationFrom(*body, Clock::now().addDays(90), &problem);
        if (!problem.isEmpty())
            return reply::badRequest(problem);
        const auto created = m_context.state.createApiKey(expiration, actorOf(request));
        if (!created)
            return reply::error(created.error());
        return reply::ok({{QStringLiteral("apiKey"), created->fullKey}});
    }));

    // Expire and delete select a key by id or by prefix (either the bare prefix or the listed form).
    const auto select = [&store](const QJsonObject& body, const http::HttpRequest& request, const QString& pathPrefix) -> store::Result<store::ApiKey> {
        qint64 id = json::parseId(body.value(QStringLiteral("id")));
        if (id <= 0)
            id = request.query().queryItemValue(QStringLiteral("id")).toLongLong();
        QString prefix = body.value(QStringLiteral("prefix")).toString();
        if (prefix.isEmpty())
            prefix = pathPrefix;
        if (id > 0 && !prefix.isEmpty())
            return store::Error::invalid(QStringLiteral("give either an id or a prefix, not both"));
        if (id > 0)
            return store.apiKeyById(id);
        if (!prefix.isEmpty())
            return store.apiKeyByPrefix(prefix);
        return store::Error::invalid(QStringLiteral("an API key id or prefix is required"));
    };

    router.add("POST", QStringLiteral("/api/v1/apikey/expire"), guarded([this, select](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        const auto key = select(*body, request, {});
        if (!key)
            return reply::error(key.error());
        const auto r = m_context.state.expireApiKey(key->id, actorOf(request));
        return r ? reply::ok({}) : reply::error(r.error());
    }));

    const auto deleteKey = [this, select](http::HttpRequest& request) {
        const auto key = select({}, request, request.pathParams.value(QStringLiteral("prefix")));
        if (!key)
            return reply::error(key.error());
        const auto r = m_context.state.deleteApiKey(key->id, actorOf(request));
        return r ? reply::ok({}) : reply::error(r.error());
    };
    router.add("DELETE", QStringLiteral("/api/v1/apikey/{prefix}"), guarded(deleteKey));
    router.add("DELETE", QStringLiteral("/api/v1/apikey"), guarded(deleteKey));

    router.add("GET", QStringLiteral("/api/v1/apikey"), guarded([&store](http::HttpRequest&) {
        const auto keys = store.listApiKeys();
        if (!keys)
            return reply::error(keys.error());
        QJsonArray out;
        for (const store::ApiKey& k : *keys)
            out.append(json::apiKey(k));
        return reply::ok({{QStringLiteral("apiKeys"), out}});
    }));
}

} // namespace keel::admin
