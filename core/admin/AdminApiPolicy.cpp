// AdminApi: /api/v1/policy
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"

#include <QFile>
#include <QJsonArray>
#include <QUrlQuery>
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
        // The policy in force, which is the file unless its last edit was refused: then say so.
        const QString onDisk = QString::fromUtf8(file.readAll());
        const state::SnapshotPtr snapshot = m_context.state.snapshot();
        const QString inForce = snapshot->policy ? QString::fromUtf8(snapshot->policy->source) : QString();
        QJsonObject answer{{QStringLiteral("policy"), inForce}, {QStringLiteral("updatedAt"), json::time(QFileInfo(path).lastModified())}};
        if (inForce.trimmed() != onDisk.trimmed())
            answer.insert(QStringLiteral("note"), QStringLiteral("this is the policy in force; the file %1 differs (its last edit was refused: "
                                                                 "see the server log, or run `keel policy check -f %1`)").arg(path));
        return reply::ok(answer);
    }));

    // The same decision a reload makes (users, tests, sshTests), so `policy set` refuses before
    // storing what the reload would then refuse.
    const auto check = [this](const QString& text, QString* against = nullptr) -> QString {
        if (text.trimmed().isEmpty())
            return QStringLiteral("the policy is empty");
        return m_context.state.checkPolicy(text.toUtf8(), {}, against);
    };

    router.add("PUT", QStringLiteral("/api/v1/policy"), guarded([this, isDatabaseMode](http::HttpRequest& request) {
        if (!isDatabaseMode())
            return reply::badRequest(QStringLiteral("update is disabled for modes other than 'database' (policy.mode is '%1')").arg(m_context.config.policy.mode));
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        const QString text = body->value(QStringLiteral("policy")).toString();
        const auto stored = m_context.state.setPolicy(text, actorOf(request));
        if (!stored)
            return reply::error(stored.error());
        return reply::ok({{QStringLiteral("policy"), stored->text}, {QStringLiteral("updatedAt"), json::time(stored->updatedAt)}});
    }));

    // Keel's own: the question behind `keel policy explain` and the GUI's ACL editor.
    router.add("POST", QStringLiteral("/api/v1/policy/explain"), guarded([this](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        const QString src = body->value(QStringLiteral("src")).toString().trimmed();
        const QString dst = body->value(QStringLiteral("dst")).toString().trimmed();
        const int port = body->value(QStringLiteral("port")).toInt(-1);
        if (src.isEmpty() || dst.isEmpty())
            return reply::badRequest(QStringLiteral("src and dst are required (node names or tailnet addresses)"));
        if (port < 0 || port > 65535)
            return reply::badRequest(QStringLiteral("port must be a number from 0 to 65535"));
        QString protoText = body->value(QStringLiteral("proto")).toVariant().toString().toLower();
        static const QMap<QString, int> names{{QStringLiteral("tcp"), 6}, {QStringLiteral("udp"), 17},
                                              {QStringLiteral("icmp"), 1}, {QStringLiteral("sctp"), 132}};
        bool numeric = false;
        int proto = protoText.isEmpty() ? 6 : protoText.toInt(&numeric);
        if (!protoText.isEmpty() && !numeric)
            proto = names.value(protoText, -1);
        if (proto < 0 || proto > 255)
            return reply::badRequest(QStringLiteral("unknown protocol '%1': use tcp, udp, icmp, sctp or a number").arg(protoText));
        if (!m_context.explainPolicy)
            return http::HttpResponse::problem(503, QStringLiteral("the control plane is not running"));
        const auto answer = m_context.explainPolicy(src, dst, port, proto);
        if (!answer) {
            // Say which of the two names nothing: each alone against itself answers that.
            const bool srcKnown = m_context.explainPolicy(src, src, port, proto).has_value();
            const bool dstKnown = m_context.explainPolicy(dst, dst, port, proto).has_value();
            QStringList unknown;
            if (!srcKnown)
                unknown << QStringLiteral("--src '%1'").arg(src);
            if (!dstKnown)
                unknown << QStringLiteral("--dst '%1'").arg(dst);
            return reply::error(store::Error::notFound(QStringLiteral("%1 %2 no node (give a node name, a tailnet address, a host alias "
                                                                      "of the policy, tag:x, group:x or user@)").arg(unknown.join(QStringLiteral(" and ")), unknown.size() > 1 ? QStringLiteral("name") : QStringLiteral("names"))));
        }
        return reply::ok(*answer);
    }));

    // Keel's own: every stored policy, newest first, with who stored it (policy.mode database).
    router.add("GET", QStringLiteral("/api/v1/policy/history"), guarded([this, isDatabaseMode](http::HttpRequest& request) {
        if (!isDatabaseMode())
            return reply::badRequest(QStringLiteral("the policy history is kept in policy.mode database only (policy.mode is '%1')").arg(m_context.config.policy.mode));
        const QString limitText = request.query().queryItemValue(QStringLiteral("limit"));
        bool numeric = true;
        const int limit = limitText.isEmpty() ? 100 : limitText.toInt(&numeric);
        if (!numeric || limit < 1 || limit > 10000)
            return reply::badRequest(QStringLiteral("limit must be a number from 1 to 10000"));
        const auto history = m_context.store.policyHistory(limit);
        if (!history)
            return reply::error(history.error());
        QJsonArray entries;
        for (const store::PolicyRecord& p : *history)
            entries.append(QJsonObject{{QStringLiteral("id"), json::id(p.id)},
                                       {QStringLiteral("policy"), p.text},
                                       {QStringLiteral("updatedAt"), json::time(p.updatedAt)},
                                       {QStringLiteral("actor"), p.actor},
                                       {QStringLiteral("note"), p.note}});
        return reply::ok({{QStringLiteral("entries"), entries}});
    }));

    // Stores an earlier policy again (validated, audited, evented like PUT /api/v1/policy).
    router.add("POST", QStringLiteral("/api/v1/policy/rollback"), guarded([this, isDatabaseMode](http::HttpRequest& request) {
        if (!isDatabaseMode())
            return reply::badRequest(QStringLiteral("rollback is disabled for modes other than 'database' (policy.mode is '%1')").arg(m_context.config.policy.mode));
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        const qint64 id = json::parseId(body->value(QStringLiteral("id")));
        if (id <= 0)
            return reply::badRequest(QStringLiteral("id is required: the history entry to go back to (see GET /api/v1/policy/history)"));
        const auto stored = m_context.state.rollbackPolicy(id, actorOf(request));
        if (!stored)
            return reply::error(stored.error());
        return reply::ok({{QStringLiteral("policy"), stored->text}, {QStringLiteral("updatedAt"), json::time(stored->updatedAt)},
                          {QStringLiteral("id"), json::id(stored->id)}});
    }));

    router.add("POST", QStringLiteral("/api/v1/policy/check"), guarded([check](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        QString against;
        if (const QString problem = check(body->value(QStringLiteral("policy")).toString(), &against); !problem.isEmpty())
            return reply::badRequest(problem);
        // Keel's addition to Headscale's empty answer: what the policy was checked against.
        return reply::ok({{QStringLiteral("checkedAgainst"), against}});
    }));
}

} // namespace keel::admin
