// AdminApi: /api/v1/node
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"
#include "common/Clock.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>

namespace keel::admin {

namespace {

// A given name is one DNS label: lowercase letters, digits and '-', not starting or ending with
// '-', at most 63 characters (it becomes <name>.<base_domain> in MagicDNS).
QString checkGivenName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
    if (!re.match(name).hasMatch())
        return QStringLiteral("'%1' is not a valid node name: use 1-63 lowercase letters, digits and '-', not starting or ending with '-'").arg(name);
    return {};
}

// Routes are CIDR prefixes; they are stored in canonical form (host bits cleared).
std::optional<QStringList> canonicalRoutes(const QJsonArray& routes, QString* problem)
{
    QStringList out;
    for (const QJsonValue& v : routes) {
        const QString text = v.toString().trimmed();
        const auto [address, length] = QHostAddress::parseSubnet(text);
        if (address.isNull() || !text.contains(QLatin1Char('/'))) {
            *problem = QStringLiteral("'%1' is not a route prefix like 10.0.0.0/24 or ::/0").arg(text);
            return std::nullopt;
        }
        const QString canonical = address.toString() + QLatin1Char('/') + QString::number(length);
        if (!out.contains(canonical))
            out.append(canonical);
    }
    out.sort();
    return out;
}

} // namespace

void AdminApi::addNodeRoutes(http::Router& router)
{
    store::Store& store = m_context.store;

    // Headscale's subnetRoutes: exit routes included, except in approve_routes' reply.
    const auto render = [this, &store](const store::Node& node, bool withExit = true) {
        json::NodeExtras extras;
        if (node.userId) {
            if (auto u = store.userById(*node.userId))
                extras.user = *u;
        }
        if (node.authKeyId) {
            if (auto k = store.preAuthKeyById(*node.authKeyId)) {
                extras.preAuthKey = *k;
                if (k->userId) {
                    if (auto ku = store.userById(*k->userId))
                        extras.preAuthKeyUser = *ku;
                }
            }
        }
        extras.online = m_context.isOnline && m_context.isOnline(node.id);
        if (m_context.servingRoutes)
            extras.primaryRoutes = m_context.servingRoutes(node.id, withExit);
        return json::node(node, extras);
    };
    const auto nodeReply = [render](const store::Result<state::LiveNode>& node) {
        if (!node)
            return reply::error(node.error());
        return reply::ok({{QStringLiteral("node"), render(node->node)}});
    };
    const auto nodeId = [](const http::HttpRequest& request) {
        return request.pathParams.value(QStringLiteral("nodeId")).toLongLong();
    };

    router.add("GET", QStringLiteral("/api/v1/node"), guarded([&store, render](http::HttpRequest& request) {
        std::optional<qint64> userId;
        const QString user = request.query().queryItemValue(QStringLiteral("user"), QUrl::FullyDecoded);
        if (!user.isEmpty()) {
            // Headscale filters by user name; an id works too.
            bool isNumber = false;
            const qint64 id = user.toLongLong(&isNumber);
            const auto found = isNumber ? store.userById(id) : store.userByName(user);
            if (!found)
                return reply::error(found.error());
            userId = found->id;
        }
        const auto nodes = store.listNodes(userId);
        if (!nodes)
            return reply::error(nodes.error());
        QJsonArray out;
        for (const store::Node& n : *nodes)
            out.append(render(n));
        return reply::ok({{QStringLiteral("nodes"), out}});
    }));

    router.add("GET", QStringLiteral("/api/v1/node/{nodeId}"), guarded([&store, render, nodeId](http::HttpRequest& request) {
        const auto node = store.nodeById(nodeId(request));
        if (!node)
            return reply::error(node.error());
        return reply::ok({{QStringLiteral("node"), render(*node)}});
    }));

    router.add("DELETE", QStringLiteral("/api/v1/node/{nodeId}"), guarded([this, nodeId](http::HttpRequest& request) {
        const auto r = m_context.state.deleteNode(nodeId(request), actorOf(request));
        if (!r)
            return reply::error(r.error());
        return reply::ok({});
    }));

    // Device approval (node.device_approval): lets a waiting node in.
    router.add("POST", QStringLiteral("/api/v1/node/{nodeId}/authorize"), guarded([this, nodeReply, nodeId](http::HttpRequest& request) {
        return nodeReply(m_context.state.authorizeNode(nodeId(request), actorOf(request)));
    }));

    router.add("POST", QStringLiteral("/api/v1/node/{nodeId}/expire"), guarded([this, nodeReply, nodeId](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        const QUrlQuery query = request.query();
        QString expiryText = body->value(QStringLiteral("expiry")).toString();
        if (expiryText.isEmpty())
            expiryText = query.queryItemValue(QStringLiteral("expiry"), QUrl::FullyDecoded);
        const bool disable = body->value(QStringLiteral("disableExpiry")).toBool()
                             || query.queryItemValue(QStringLiteral("disableExpiry")) == QLatin1String("true");
        std::optional<QDateTime> expiry = Clock::now();
        if (disable) {
            expiry.reset();
        } else if (!expiryText.isEmpty()) {
            expiry = json::parseTime(expiryText);
            if (!expiry)
                return reply::badRequest(QStringLiteral("expiry '%1' is not an RFC 3339 time").arg(expiryText));
        }
        return nodeReply(m_context.state.setExpiry(nodeId(request), expiry, actorOf(request)));
    }));

    router.add("POST", QStringLiteral("/api/v1/node/{nodeId}/rename/{newName}"), guarded([this, nodeReply, nodeId](http::HttpRequest& request) {
        const QString name = request.pathParams.value(QStringLiteral("newName"));
        if (const QString problem = checkGivenName(name); !problem.isEmpty())
            return reply::badRequest(problem);
        return nodeReply(m_context.state.renameNode(nodeId(request), name, actorOf(request)));
    }));

    router.add("POST", QStringLiteral("/api/v1/node/{nodeId}/tags"), guarded([this, nodeReply, nodeId](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        static const QRegularExpression re(QStringLiteral("^tag:[A-Za-z][A-Za-z0-9-]*$"));
        QStringList tags;
        for (const QJsonValue& v : body->value(QStringLiteral("tags")).toArray()) {
            if (!re.match(v.toString()).hasMatch())
                return reply::badRequest(QStringLiteral("invalid tag '%1': tags look like tag:name").arg(v.toString()));
            if (!tags.contains(v.toString()))
                tags.append(v.toString());
        }
        tags.sort();
        return nodeReply(m_context.state.setTags(nodeId(request), tags, actorOf(request)));
    }));

    router.add("POST", QStringLiteral("/api/v1/node/{nodeId}/approve_routes"), guarded([this, render, nodeId](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        QString problem;
        const auto routes = canonicalRoutes(body->value(QStringLiteral("routes")).toArray(), &problem);
        if (!routes)
            return reply::badRequest(problem);
        const auto node = m_context.state.setApprovedRoutes(nodeId(request), *routes, actorOf(request));
        if (!node)
            return reply::error(node.error());
        return reply::ok({{QStringLiteral("node"), render(node->node, false)}});
    }));

    // Headscale's backfillips: addresses for the families the prefixes configure (confirmed=true).
    router.add("POST", QStringLiteral("/api/v1/node/backfillips"), guarded([this](http::HttpRequest& request) {
        if (request.query().queryItemValue(QStringLiteral("confirmed")) != QLatin1String("true"))
            return reply::badRequest(QStringLiteral("backfilling changes node addresses: ask with ?confirmed=true"));
        const auto changes = m_context.state.backfillIps(actorOf(request));
        if (!changes)
            return reply::error(changes.error());
        return reply::ok({{QStringLiteral("changes"), QJsonArray::fromStringList(*changes)}});
    }));

    // Headscale <= 0.27's "move": give a user-owned node to another user.
    router.add("POST", QStringLiteral("/api/v1/node/{nodeId}/user"), guarded([this, &store, nodeReply, nodeId](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        qint64 userId = json::parseId(body->value(QStringLiteral("user")));
        if (userId <= 0)
            userId = request.query().queryItemValue(QStringLiteral("user")).toLongLong();
        const auto user = store.userById(userId);
        if (!user)
            return reply::error(user.error());
        return nodeReply(m_context.state.setOwner(nodeId(request), user->id, actorOf(request)));
    }));
}

} // namespace keel::admin
