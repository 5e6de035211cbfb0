// AdminApi: GET /api/v1/events (server-sent events, docs/events.md) and GET /api/v1/audit.
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"
#include "admin/EventStream.h"

#include <QJsonArray>

namespace keel::admin {

void AdminApi::addEventRoutes(http::Router& router)
{
    router.add("GET", QStringLiteral("/api/v1/events"), guarded([this](http::HttpRequest& request) {
        // Resume point: ?since=N, else the Last-Event-ID header an EventSource sends on reconnect.
        QString text = request.query().queryItemValue(QStringLiteral("since"));
        if (text.isEmpty())
            text = QString::fromLatin1(request.header("Last-Event-ID")).trimmed();
        std::optional<quint64> since;
        if (!text.isEmpty()) {
            bool ok = false;
            since = text.toULongLong(&ok);
            if (!ok)
                return reply::badRequest(QStringLiteral("since must be an event sequence number (the id: of the last event seen)"));
        }
        http::HttpResponse r;
        r.status = 200;
        r.setHeader("Content-Type", "text/event-stream");
        r.setHeader("Cache-Control", "no-cache");
        // The stream has no length: it ends when either side closes the connection.
        r.setHeader("Connection", "close");
        r.setHeader("X-Accel-Buffering", "no");
        state::EventBus& bus = m_context.state.events();
        r.upgrade = [this, &bus, since](QIODevice* socket, const QByteArray&) {
            new EventStream(socket, bus, since, 15'000, &m_streams);
        };
        return r;
    }));
}

void AdminApi::addAuditRoutes(http::Router& router)
{
    router.add("GET", QStringLiteral("/api/v1/audit"), guarded([this](http::HttpRequest& request) {
        const QUrlQuery q = request.query();
        store::AuditFilter filter;
        for (auto [name, slot] : {std::pair{"since", &filter.since}, std::pair{"until", &filter.until}}) {
            const QString v = q.queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
            if (v.isEmpty())
                continue;
            *slot = json::parseTime(v);
            if (!*slot)
                return reply::badRequest(QStringLiteral("%1 '%2' is not an RFC 3339 time").arg(QLatin1String(name), v));
        }
        filter.actor = q.queryItemValue(QStringLiteral("actor"), QUrl::FullyDecoded);
        filter.action = q.queryItemValue(QStringLiteral("action"), QUrl::FullyDecoded);
        filter.target = q.queryItemValue(QStringLiteral("target"), QUrl::FullyDecoded);
        if (const QString limit = q.queryItemValue(QStringLiteral("limit")); !limit.isEmpty()) {
            bool ok = false;
            filter.limit = limit.toInt(&ok);
            if (!ok || filter.limit < 1 || filter.limit > 10'000)
                return reply::badRequest(QStringLiteral("limit must be a number from 1 to 10000"));
        }
        const auto entries = m_context.state.auditLog(filter);
        if (!entries)
            return reply::error(entries.error());
        QJsonArray out;
        for (const store::AuditEntry& e : *entries)
            out.append(QJsonObject{{QStringLiteral("id"), json::id(e.id)},
                                   {QStringLiteral("time"), json::time(e.time)},
                                   {QStringLiteral("actor"), e.actor},
                                   {QStringLiteral("action"), e.action},
                                   {QStringLiteral("target"), e.target},
                                   {QStringLiteral("detail"), e.detail}});
        return reply::ok({{QStringLiteral("entries"), out}});
    }));
}

} // namespace keel::admin
