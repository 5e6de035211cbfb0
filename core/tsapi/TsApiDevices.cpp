// TsApi: /api/v2/tailnet/{tailnet}/devices and /api/v2/device/{deviceId}[/...]
#include "tsapi/TsApi.h"

#include "common/Clock.h"
#include "tsapi/TsJson.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace keel::tsapi {

namespace {

std::optional<QJsonObject> jsonBody(const http::HttpRequest& request, http::HttpResponse* failure)
{
    if (request.body.trimmed().isEmpty())
        return QJsonObject();
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &e);
    if (!doc.isObject()) {
        *failure = tsjson::error(400, QStringLiteral("the request body is not a JSON object: %1").arg(e.errorString()));
        return std::nullopt;
    }
    return doc.object();
}

QJsonObject routesOf(const store::Node& n)
{
    QStringList enabled;
    for (const QString& r : n.approvedRoutes) {
        if (n.announcedRoutes.contains(r))
            enabled << r;
    }
    return {{QStringLiteral("advertisedRoutes"), QJsonArray::fromStringList(n.announcedRoutes)},
            {QStringLiteral("enabledRoutes"), QJsonArray::fromStringList(enabled)}};
}

} // namespace

void TsApi::addDeviceRoutes(http::Router& router)
{
    const auto deviceId = [](const http::HttpRequest& request) {
        return request.pathParams.value(QStringLiteral("deviceId")).toLongLong();
    };
    // The device a path names, from the snapshot; 404 in Tailscale's words when none.
    const auto find = [this, deviceId](const http::HttpRequest& request, state::SnapshotPtr* s) -> const state::LiveNode* {
        *s = m_context.state.snapshot();
        return (*s)->node(deviceId(request));
    };
    const auto notFound = [] { return tsjson::error(404, QStringLiteral("device not found")); };
    const auto done = [](const auto& result) {
        return result ? tsjson::empty() : tsjson::error(result.error());
    };

    add(router, "GET", QStringLiteral("/api/v2/tailnet/{tailnet}/devices"), QStringLiteral("devices:core:read"), [this](http::HttpRequest&, const Caller&) {
        const state::SnapshotPtr s = m_context.state.snapshot();
        QJsonArray out;
        for (const auto& live : s->nodes)
            out.append(tsjson::device(*s, *live, m_context.config));
        return tsjson::ok({{QStringLiteral("devices"), out}});
    });

    add(router, "GET", QStringLiteral("/api/v2/device/{deviceId}"), QStringLiteral("devices:core:read"), [this, find, notFound](http::HttpRequest& request, const Caller&) {
        state::SnapshotPtr s;
        const state::LiveNode* live = find(request, &s);
        return live ? tsjson::ok(tsjson::device(*s, *live, m_context.config)) : notFound();
    });

    add(router, "DELETE", QStringLiteral("/api/v2/device/{deviceId}"), QStringLiteral("devices:core"), [this, deviceId, done](http::HttpRequest& request, const Caller& caller) {
        return done(m_context.state.deleteNode(deviceId(request), state::Actor::of(caller.principal)));
    });

    add(router, "POST", QStringLiteral("/api/v2/device/{deviceId}/expire"), QStringLiteral("devices:core"), [this, deviceId, done](http::HttpRequest& request, const Caller& caller) {
        return done(m_context.state.setExpiry(deviceId(request), Clock::now(), state::Actor::of(caller.principal)));
    });

    add(router, "POST", QStringLiteral("/api/v2/device/{deviceId}/authorized"), QStringLiteral("devices:core"), [this, deviceId, done, find, notFound](http::HttpRequest& request, const Caller& caller) {
        http::HttpResponse failure;
        const auto body = jsonBody(request, &failure);
        if (!body)
            return failure;
        if (!body->value(QStringLiteral("authorized")).isBool())
            return tsjson::error(400, QStringLiteral("authorized (true or false) is required"));
        if (body->value(QStringLiteral("authorized")).toBool())
            return done(m_context.state.authorizeNode(deviceId(request), state::Actor::of(caller.principal)));
        state::SnapshotPtr s;
        if (!find(request, &s))
            return notFound();
        return tsjson::error(400, QStringLiteral("Keel cannot take a device's authorization back; expire its key or delete it instead"));
    });

    add(router, "POST", QStringLiteral("/api/v2/device/{deviceId}/tags"), QStringLiteral("devices:core"), [this, deviceId, done](http::HttpRequest& request, const Caller& caller) {
        http::HttpResponse failure;
        const auto body = jsonBody(request, &failure);
        if (!body)
            return failure;
        static const QRegularExpression re(QStringLiteral("^tag:[A-Za-z][A-Za-z0-9-]*$"));
        QStringList tags;
        for (const QJsonValue& v : body->value(QStringLiteral("tags")).toArray()) {
            if (!re.match(v.toString()).hasMatch())
                return tsjson::error(400, QStringLiteral("invalid tag '%1': tags look like tag:name").arg(v.toString()));
            tags << v.toString();
        }
        // Tailscale: an OAuth client may only hand out its own tags.
        if (caller.client && !caller.client->tags.isEmpty()) {
            for (const QString& t : tags) {
                if (!caller.client->tags.contains(t))
                    return tsjson::error(403, QStringLiteral("tag %1 is not one of this OAuth client's tags (%2)").arg(t, caller.client->tags.join(QLatin1Char(','))));
            }
        }
        tags.sort();
        tags.removeDuplicates();
        return done(m_context.state.setTags(deviceId(request), tags, state::Actor::of(caller.principal)));
    });

    add(router, "POST", QStringLiteral("/api/v2/device/{deviceId}/key"), QStringLiteral("devices:core"), [this, deviceId, done, find, notFound](http::HttpRequest& request, const Caller& caller) {
        http::HttpResponse failure;
        const auto body = jsonBody(request, &failure);
        if (!body)
            return failure;
        if (!body->value(QStringLiteral("keyExpiryDisabled")).isBool())
            return tsjson::error(400, QStringLiteral("keyExpiryDisabled (true or false) is required"));
        state::SnapshotPtr s;
        const state::LiveNode* live = find(request, &s);
        if (!live)
            return notFound();
        std::optional<QDateTime> expiry;
        if (!body->value(QStringLiteral("keyExpiryDisabled")).toBool()) {
            // Keel does not keep the expiry a disabled key had: re-enabling starts the tailnet's
            // node.expiry again from now (180 days when that is "never").
            if (live->node.expiry)
                return tsjson::empty();
            const qint64 ms = m_context.config.node.expiryMs > 0 ? m_context.config.node.expiryMs : qint64(180) * 24 * 3600 * 1000;
            expiry = Clock::now().addMSecs(ms);
        }
        return done(m_context.state.setExpiry(deviceId(request), expiry, state::Actor::of(caller.principal)));
    });

    add(router, "POST", QStringLiteral("/api/v2/device/{deviceId}/name"), QStringLiteral("devices:core"), [this, deviceId, done, find, notFound](http::HttpRequest& request, const Caller& caller) {
        http::HttpResponse failure;
        const auto body = jsonBody(request, &failure);
        if (!body)
            return failure;
        state::SnapshotPtr s;
        const state::LiveNode* live = find(request, &s);
        if (!live)
            return notFound();
        QString name = body->value(QStringLiteral("name")).toString().trimmed().toLower();
        // The FQDN form names the same label.
        const QString suffix = QLatin1Char('.') + m_context.config.dns.baseDomain;
        if (!m_context.config.dns.baseDomain.isEmpty() && name.endsWith(suffix))
            name.chop(suffix.size());
        if (name.endsWith(QLatin1Char('.')))
            name.chop(1);
        // Empty: back to the name made from the OS hostname.
        if (name.isEmpty())
            name = live->node.hostname.toLower();
        static const QRegularExpression re(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
        if (!re.match(name).hasMatch())
            return tsjson::error(400, QStringLiteral("'%1' is not a valid device name: use 1-63 letters, digits and '-'").arg(name));
        return done(m_context.state.renameNode(deviceId(request), name, state::Actor::of(caller.principal)));
    });

    add(router, "GET", QStringLiteral("/api/v2/device/{deviceId}/routes"), QStringLiteral("devices:routes:read"), [find, notFound](http::HttpRequest& request, const Caller&) {
        state::SnapshotPtr s;
        const state::LiveNode* live = find(request, &s);
        return live ? tsjson::ok(routesOf(live->node)) : notFound();
    });

    add(router, "POST", QStringLiteral("/api/v2/device/{deviceId}/routes"), QStringLiteral("devices:routes"), [this, deviceId](http::HttpRequest& request, const Caller& caller) {
        http::HttpResponse failure;
        const auto body = jsonBody(request, &failure);
        if (!body)
            return failure;
        QStringList routes;
        for (const QJsonValue& v : body->value(QStringLiteral("routes")).toArray()) {
            const QString text = v.toString().trimmed();
            const auto [address, length] = QHostAddress::parseSubnet(text);
            if (address.isNull() || !text.contains(QLatin1Char('/')))
                return tsjson::error(400, QStringLiteral("'%1' is not a route prefix like 10.0.0.0/24 or ::/0").arg(text));
            const QString canonical = address.toString() + QLatin1Char('/') + QString::number(length);
            if (!routes.contains(canonical))
                routes << canonical;
        }
        routes.sort();
        const auto node = m_context.state.setApprovedRoutes(deviceId(request), routes, state::Actor::of(caller.principal));
        return node ? tsjson::ok(routesOf(node->node)) : tsjson::error(node.error());
    });
}

} // namespace keel::tsapi
