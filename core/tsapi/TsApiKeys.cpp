// TsApi: /api/v2/tailnet/{tailnet}/keys[/{keyId}] (auth keys; Keel's pre-auth keys)
#include "tsapi/TsApi.h"

#include "common/Clock.h"
#include "common/JsonNumbers.h"
#include "tsapi/TsJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace keel::tsapi {

namespace {

constexpr qint64 MaxExpirySecs = qint64(90) * 24 * 3600; // Tailscale: 1 to 90 days, 90 by default

// The auth key a create request asks for, or the 400 that says why not.
std::optional<store::NewPreAuthKey> keySpec(const QJsonObject& body, const TsApi::Caller& caller, http::HttpResponse* failure)
{
    const QString type = body.value(QStringLiteral("keyType")).toString();
    if (!type.isEmpty() && type != QLatin1String("auth")) {
        *failure = tsjson::error(400, QStringLiteral("Keel creates only auth keys here (keyType \"auth\"); OAuth clients are made with `keel oauth-clients create`"));
        return std::nullopt;
    }
    const QJsonObject create = body.value(QStringLiteral("capabilities")).toObject().value(QStringLiteral("devices")).toObject()
                                   .value(QStringLiteral("create")).toObject();
    store::NewPreAuthKey spec;
    spec.reusable = create.value(QStringLiteral("reusable")).toBool();
    spec.ephemeral = create.value(QStringLiteral("ephemeral")).toBool();
    spec.preApproved = create.value(QStringLiteral("preauthorized")).toBool();
    static const QRegularExpression re(QStringLiteral("^tag:[A-Za-z][A-Za-z0-9-]*$"));
    for (const QJsonValue& v : create.value(QStringLiteral("tags")).toArray()) {
        if (!re.match(v.toString()).hasMatch()) {
            *failure = tsjson::error(400, QStringLiteral("invalid tag '%1': tags look like tag:name").arg(v.toString()));
            return std::nullopt;
        }
        spec.tags << v.toString();
    }
    if (spec.tags.isEmpty()) {
        // Keel's API keys and OAuth clients belong to no user, so a key without tags would make
        // nodes owned by nobody.
        *failure = tsjson::error(400, QStringLiteral("an auth key made through /api/v2 needs tags (capabilities.devices.create.tags): "
                                                     "the caller owns no user (for a user's key: keel preauthkeys create --user NAME)"));
        return std::nullopt;
    }
    if (caller.client && !caller.client->tags.isEmpty()) {
        for (const QString& t : spec.tags) {
            if (!caller.client->tags.contains(t)) {
                *failure = tsjson::error(400, QStringLiteral("requested tags [%1] are invalid or not permitted: this OAuth client may use %2")
                                                  .arg(spec.tags.join(QLatin1Char(',')), caller.client->tags.join(QLatin1Char(','))));
                return std::nullopt;
            }
        }
    }
    const QJsonValue expiry = body.value(QStringLiteral("expirySeconds"));
    const bool unset = expiry.isUndefined() || expiry.isNull() || (expiry.isDouble() && expiry.toDouble() == 0);
    const qint64 secs = unset ? MaxExpirySecs : common::jsonInteger(expiry).value_or(-1);
    if (secs < 0 || secs > MaxExpirySecs) {
        *failure = tsjson::error(400, QStringLiteral("expirySeconds must be between 1 and %1 (90 days)").arg(MaxExpirySecs));
        return std::nullopt;
    }
    spec.expiration = Clock::now().addSecs(secs);
    return spec;
}

// Active: neither expired nor (single use) spent, as Tailscale's list shows.
bool active(const store::PreAuthKey& k)
{
    return !k.isExpired(Clock::now()) && !(k.used && !k.reusable);
}

} // namespace

void TsApi::addKeyRoutes(http::Router& router)
{
    const auto keyId = [](const http::HttpRequest& request) {
        return request.pathParams.value(QStringLiteral("keyId")).toLongLong();
    };

    add(router, "GET", QStringLiteral("/api/v2/tailnet/{tailnet}/keys"), QStringLiteral("auth_keys:read"), [this](http::HttpRequest&, const Caller&) {
        const auto keys = m_context.store.listPreAuthKeys(std::nullopt);
        if (!keys)
            return tsjson::error(keys.error());
        QJsonArray out;
        for (const store::PreAuthKey& k : *keys) {
            if (active(k))
                out.append(tsjson::key(k));
        }
        return tsjson::ok({{QStringLiteral("keys"), out}});
    });

    add(router, "POST", QStringLiteral("/api/v2/tailnet/{tailnet}/keys"), QStringLiteral("auth_keys"), [this](http::HttpRequest& request, const Caller& caller) {
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &e);
        if (!doc.isObject())
            return tsjson::error(400, QStringLiteral("the request body is not a JSON object: %1").arg(e.errorString()));
        http::HttpResponse failure;
        const auto spec = keySpec(doc.object(), caller, &failure);
        if (!spec)
            return failure;
        const auto created = m_context.state.createPreAuthKey(*spec, state::Actor::of(caller.principal));
        if (!created)
            return tsjson::error(created.error());
        QJsonObject o = tsjson::key(created->key, created->fullKey);
        // Keel keeps no description; the reply echoes the one asked for, as Tailscale's does.
        o.insert(QStringLiteral("description"), doc.object().value(QStringLiteral("description")).toString());
        return tsjson::ok(o);
    });

    add(router, "GET", QStringLiteral("/api/v2/tailnet/{tailnet}/keys/{keyId}"), QStringLiteral("auth_keys:read"), [this, keyId](http::HttpRequest& request, const Caller&) {
        const auto key = m_context.store.preAuthKeyById(keyId(request));
        return key ? tsjson::ok(tsjson::key(*key)) : tsjson::error(404, QStringLiteral("key not found"));
    });

    add(router, "DELETE", QStringLiteral("/api/v2/tailnet/{tailnet}/keys/{keyId}"), QStringLiteral("auth_keys"), [this, keyId](http::HttpRequest& request, const Caller& caller) {
        if (!m_context.store.preAuthKeyById(keyId(request)))
            return tsjson::error(404, QStringLiteral("key not found"));
        const auto r = m_context.state.deletePreAuthKey(keyId(request), state::Actor::of(caller.principal));
        return r ? tsjson::empty() : tsjson::error(r.error());
    });
}

} // namespace keel::tsapi
