// AdminApi: /api/v1/policy
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"

#include <QFile>
#include <QFileInfo>

namespace keel::admin {

void AdminApi::addPolicyRoutes(http::Router& router)
{
    const auto isDatabaseMode = [this] { return m_context.config.policy.mode == QLatin1String("database"); };

    router.add("GET", QStringLiteral("/api/v1/policy"), guarded([this, isDatabaseMode](http::HttpRequest&) {
        if (isDatabaseMode()) {
            const auto policy = m_context.store.policy();
            if (!policy)
                return reply::error(policy.error());
            if (!policy->has_value())
                return reply::error(store::Error::notFound(QStringLiteral("no policy has been set (policy.mode is database)")));
            return reply::ok({{QStringLiteral("policy"), (*policy)->text}, {QStringLiteral("updatedAt"), json::time((*policy)->updatedAt)}});
        }
        const QString path = m_context.config.policy.path;
        if (path.isEmpty())
            return reply::error(store::Error::notFound(QStringLiteral("no policy file is configured (policy.path is empty: every node may reach every other)")));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return reply::error(store::Error::database(QStringLiteral("cannot read policy file %1: %2").arg(path, file.errorString())));
        return reply::ok({{QStringLiteral("policy"), QString::fromUtf8(file.readAll())},
                          {QStringLiteral("updatedAt"), json::time(QFileInfo(path).lastModified())}});
    }));

    const auto check = [this](const QString& text) -> QString {
        if (text.trimmed().isEmpty())
            return QStringLiteral("the policy is empty");
        return m_context.checkPolicy ? m_context.checkPolicy(text) : QString();
    };

    router.add("PUT", QStringLiteral("/api/v1/policy"), guarded([this, isDatabaseMode, check](http::HttpRequest& request) {
        if (!isDatabaseMode())
            return reply::badRequest(QStringLiteral("update is disabled for modes other than 'database' (policy.mode is '%1')").arg(m_context.config.policy.mode));
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        const QString text = body->value(QStringLiteral("policy")).toString();
        if (const QString problem = check(text); !problem.isEmpty())
            return reply::badRequest(problem);
        const auto stored = m_context.store.setPolicy(text);
        if (!stored)
            return reply::error(stored.error());
        m_context.notify(QStringLiteral("policy"), 0);
        return reply::ok({{QStringLiteral("policy"), stored->text}, {QStringLiteral("updatedAt"), json::time(stored->updatedAt)}});
    }));

    router.add("POST", QStringLiteral("/api/v1/policy/check"), guarded([check](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        if (const QString problem = check(body->value(QStringLiteral("policy")).toString()); !problem.isEmpty())
            return reply::badRequest(problem);
        return reply::ok({});
    }));
}

} // namespace keel::admin
