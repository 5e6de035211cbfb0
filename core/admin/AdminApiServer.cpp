// AdminApi: the running server's own state: GET /api/v1/logs (server-sent events),
// GET /api/v1/server/status, GET /api/v1/node/{id}/reachable.
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/LogStream.h"

#include <QUrlQuery>

namespace keel::admin {

void AdminApi::addServerRoutes(http::Router& router)
{
    router.add("GET", QStringLiteral("/api/v1/logs"), guarded([this](http::HttpRequest& request) {
        // ?since=ID (or Last-Event-ID on reconnect): records after it; ?since=live: new ones only;
        // neither: everything the ring still holds.
        QString text = request.query().queryItemValue(QStringLiteral("since"));
        if (text.isEmpty())
            text = QString::fromLatin1(request.header("Last-Event-ID")).trimmed();
        qint64 since = 0;
        if (text == QLatin1String("live")) {
            since = -1;
        } else if (!text.isEmpty()) {
            bool ok = false;
            since = text.toLongLong(&ok);
            if (!ok || since < 0)
                return reply::badRequest(QStringLiteral("since must be a log record id (the id: of the last line seen) or 'live'"));
        }
        http::HttpResponse r;
        r.status = 200;
        r.setHeader("Content-Type", "text/event-stream");
        r.setHeader("Cache-Control", "no-cache");
        r.setHeader("Connection", "close");
        r.setHeader("X-Accel-Buffering", "no");
        r.upgrade = [this, since](QIODevice* socket, const QByteArray&) { new LogStream(socket, since, 15'000, &m_streams); };
        return r;
    }));

    router.add("GET", QStringLiteral("/api/v1/server/status"), guarded([this](http::HttpRequest&) {
        if (!m_context.serverStatus)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        return reply::ok(m_context.serverStatus());
    }));

    router.add("GET", QStringLiteral("/api/v1/node/{nodeId}/reachable"), guarded([this](http::HttpRequest& request) {
        const qint64 id = request.pathParams.value(QStringLiteral("nodeId")).toLongLong();
        const auto node = m_context.store.nodeById(id);
        if (!node)
            return reply::error(node.error());
        if (!m_context.reachablePeers)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        return reply::ok({{QStringLiteral("nodeId"), QString::number(id)}, {QStringLiteral("peers"), m_context.reachablePeers(id)}});
    }));
}

} // namespace keel::admin
