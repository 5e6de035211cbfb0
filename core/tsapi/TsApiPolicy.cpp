// TsApi: /api/v2/tailnet/{tailnet}/acl and /acl/validate (the policy file)
#include "tsapi/TsApi.h"

#include "policy/HuJson.h"
#include "tsapi/TsJson.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace keel::tsapi {

namespace {

// What a tailnet without a policy does (every node reaches every other), written as a policy.
const QByteArray DefaultPolicy = "{\n  // No policy is set: every node may reach every other.\n"
                                 "  \"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]\n}\n";

QByteArray etagOf(const QByteArray& text)
{
    return '"' + QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().left(16) + '"';
}

bool wantsJson(const http::HttpRequest& request)
{
    return request.header("Accept").contains("application/json");
}

// The policy in the form the request asks for (Accept, ?details), with its ETag.
http::HttpResponse policyReply(const http::HttpRequest& request, const QByteArray& text)
{
    http::HttpResponse r;
    const QString details = request.query().queryItemValue(QStringLiteral("details")).toLower();
    if (details == QLatin1String("true") || details == QLatin1String("1")) {
        r = tsjson::ok({{QStringLiteral("acl"), QString::fromLatin1(text.toBase64())},
                        {QStringLiteral("warnings"), QJsonArray()}, {QStringLiteral("errors"), QJsonValue::Null}});
    } else if (wantsJson(request)) {
        policy::HuJson::Error error;
        const QJsonDocument doc = policy::HuJson::parse(text, &error);
        r = doc.isNull() ? tsjson::error(500, QStringLiteral("the policy in force is not valid HuJSON: %1").arg(error.message))
                         : http::HttpResponse::json(200, doc);
    } else {
        r = http::HttpResponse::text(200, text, "application/hujson");
    }
    r.setHeader("ETag", etagOf(text));
    return r;
}

} // namespace

void TsApi::addPolicyRoutes(http::Router& router)
{
    // The policy in force as text; nullopt-free: the default when none is set. `isDefault` says so.
    const auto current = [this](bool* isDefault) -> store::Result<QByteArray> {
        *isDefault = false;
        if (m_context.config.policy.mode == QLatin1String("database")) {
            const auto stored = m_context.store.policy();
            if (!stored)
                return stored.error();
            if (stored->has_value())
                return (*stored)->text.toUtf8();
        } else if (const state::SnapshotPtr s = m_context.state.snapshot(); s->policy) {
            return s->policy->source;
        }
        *isDefault = true;
        return DefaultPolicy;
    };

    add(router, "GET", QStringLiteral("/api/v2/tailnet/{tailnet}/acl"), QStringLiteral("policy_file:read"), [current](http::HttpRequest& request, const Caller&) {
        bool isDefault = false;
        const auto text = current(&isDefault);
        return text ? policyReply(request, *text) : tsjson::error(text.error());
    });

    add(router, "POST", QStringLiteral("/api/v2/tailnet/{tailnet}/acl"), QStringLiteral("policy_file"), [this, current](http::HttpRequest& request, const Caller& caller) {
        bool isDefault = false;
        const auto before = current(&isDefault);
        if (!before)
            return tsjson::error(before.error());
        const QByteArray ifMatch = request.header("If-Match").trimmed();
        if (!ifMatch.isEmpty()) {
            const QByteArray wanted = ifMatch.startsWith('"') ? ifMatch : '"' + ifMatch + '"';
            const bool matches = wanted == "\"ts-default\"" ? isDefault : wanted == etagOf(*before);
            if (!matches)
                return tsjson::error(412, QStringLiteral("precondition failed, invalid old hash"));
        }
        if (m_context.config.policy.mode != QLatin1String("database"))
            return tsjson::error(400, QStringLiteral("the policy comes from a file (policy.mode is '%1'); set policy.mode: database to change it through the API")
                                          .arg(m_context.config.policy.mode));
        const auto stored = m_context.state.setPolicy(QString::fromUtf8(request.body), state::Actor::of(caller.principal));
        if (!stored)
            return tsjson::error(400, stored.error().message);
        return policyReply(request, stored->text.toUtf8());
    });

    // A policy (an object) is checked as `POST acl` would check it, tests included; an array of
    // tests runs against the policy in force. Nothing is stored either way.
    add(router, "POST", QStringLiteral("/api/v2/tailnet/{tailnet}/acl/validate"), QStringLiteral("policy_file:read"), [this, current](http::HttpRequest& request, const Caller&) {
        QByteArray candidate = request.body;
        if (candidate.trimmed().startsWith('[')) {
            QJsonParseError e;
            const QJsonDocument tests = QJsonDocument::fromJson(candidate, &e);
            if (!tests.isArray())
                return tsjson::error(400, QStringLiteral("the tests are not a JSON array: %1").arg(e.errorString()));
            bool isDefault = false;
            const auto text = current(&isDefault);
            if (!text)
                return tsjson::error(text.error());
            policy::HuJson::Error error;
            QJsonObject policy = policy::HuJson::parse(*text, &error).object();
            policy.insert(QStringLiteral("tests"), tests.array());
            candidate = QJsonDocument(policy).toJson();
        }
        const QString problem = candidate.trimmed().isEmpty() ? QStringLiteral("the policy is empty") : m_context.state.checkPolicy(candidate);
        if (problem.isEmpty())
            return tsjson::ok({});
        return tsjson::ok({{QStringLiteral("message"), problem.contains(QLatin1String("test")) ? QStringLiteral("test(s) failed") : problem},
                           {QStringLiteral("data"), QJsonArray{QJsonObject{{QStringLiteral("errors"), QJsonArray::fromStringList(problem.split(QLatin1Char('\n'), Qt::SkipEmptyParts))}}}}});
    });
}

} // namespace keel::tsapi
