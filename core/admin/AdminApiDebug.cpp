// AdminApi: /debug views (Headscale 0.29's /debug, behind the same credentials as /api/v1: an API
// key on TCP, nothing on the unix socket). JSON only.
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"
#include "config/ConfigDump.h"

namespace keel::admin {

void AdminApi::addDebugRoutes(http::Router& router)
{
    // The configuration in force, secrets redacted.
    router.add("GET", QStringLiteral("/debug/config"), guarded([this](http::HttpRequest&) {
        return reply::ok(config::ConfigDump::toJson(m_context.config));
    }));

    // The policy in force, as written, and where it comes from.
    router.add("GET", QStringLiteral("/debug/policy"), guarded([this](http::HttpRequest&) {
        const state::SnapshotPtr s = m_context.state.snapshot();
        QJsonObject o{{QStringLiteral("mode"), m_context.config.policy.mode},
                      {QStringLiteral("path"), m_context.config.policy.path},
                      {QStringLiteral("snapshotVersion"), QString::number(s->version)}};
        if (s->policy)
            o.insert(QStringLiteral("policy"), QString::fromUtf8(s->policy->source));
        else
            o.insert(QStringLiteral("policy"), QJsonValue::Null); // none: every node reaches every other
        return reply::ok(o);
    }));

    // What one node receives: its packet filter and SSH policy, its peers and why each is one.
    router.add("GET", QStringLiteral("/debug/node/{nodeId}"), guarded([this](http::HttpRequest& request) {
        if (!m_context.debugNode)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        const auto answer = m_context.debugNode(request.pathParams.value(QStringLiteral("nodeId")).toLongLong());
        if (!answer)
            return reply::error(store::Error::notFound(QStringLiteral("node not found")));
        return reply::ok(*answer);
    }));

    router.add("GET", QStringLiteral("/debug/derpmap"), guarded([this](http::HttpRequest&) {
        if (!m_context.derpMap)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        return reply::ok(m_context.derpMap());
    }));
}

} // namespace keel::admin
