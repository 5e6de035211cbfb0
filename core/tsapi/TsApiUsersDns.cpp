// TsApi: /api/v2/tailnet/{tailnet}/users, /api/v2/users/{userId}, /api/v2/tailnet/{tailnet}/dns/*
#include "tsapi/TsApi.h"

#include "tsapi/TsJson.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace keel::tsapi {

void TsApi::addUserRoutes(http::Router& router)
{
    add(router, "GET", QStringLiteral("/api/v2/tailnet/{tailnet}/users"), QStringLiteral("users:read"), [this](http::HttpRequest& request, const Caller&) {
        // Every Keel user is an active member (Keel has no roles and no shared users), so the
        // type and role filters either keep everyone or no one.
        const QString type = request.query().queryItemValue(QStringLiteral("type"));
        const QString role = request.query().queryItemValue(QStringLiteral("role"));
        const bool none = (!type.isEmpty() && type != QLatin1String("member") && type != QLatin1String("all"))
                          || (!role.isEmpty() && role != QLatin1String("member") && role != QLatin1String("all"));
        const state::SnapshotPtr s = m_context.state.snapshot();
        const auto users = m_context.store.listUsers();
        if (!users)
            return tsjson::error(users.error());
        QJsonArray out;
        for (const store::User& u : *users) {
            if (!none)
                out.append(tsjson::user(*s, u, tailnetName()));
        }
        return tsjson::ok({{QStringLiteral("users"), out}});
    });

    add(router, "GET", QStringLiteral("/api/v2/users/{userId}"), QStringLiteral("users:read"), [this](http::HttpRequest& request, const Caller&) {
        const auto user = m_context.store.userById(request.pathParams.value(QStringLiteral("userId")).toLongLong());
        if (!user)
            return tsjson::error(404, QStringLiteral("user not found"));
        return tsjson::ok(tsjson::user(*m_context.state.snapshot(), *user, tailnetName()));
    });
}

void TsApi::addDnsRoutes(http::Router& router)
{
    // Keel's DNS settings come from its configuration file (dns.*), which the API does not write.
    // A POST that asks for what is already configured succeeds (so declarative tools that only
    // restate it work); anything else is refused with the key to edit.
    const auto refuse = [](const QString& key) {
        return tsjson::error(400, QStringLiteral("Keel's DNS settings come from its configuration file: change %1 there and reload (SIGHUP)").arg(key));
    };
    const auto bodyList = [](const http::HttpRequest& request, const QString& field) -> std::optional<QStringList> {
        const QJsonDocument doc = QJsonDocument::fromJson(request.body);
        if (!doc.isObject() || !doc.object().value(field).isArray())
            return std::nullopt;
        QStringList out;
        for (const QJsonValue& v : doc.object().value(field).toArray())
            out << v.toString();
        return out;
    };
    const config::Config::Dns& dns = m_context.config.dns;

    add(router, "GET", QStringLiteral("/api/v2/tailnet/{tailnet}/dns/nameservers"), QStringLiteral("dns:read"), [&dns](http::HttpRequest&, const Caller&) {
        return tsjson::ok({{QStringLiteral("dns"), QJsonArray::fromStringList(dns.globalNameservers)}});
    });
    add(router, "POST", QStringLiteral("/api/v2/tailnet/{tailnet}/dns/nameservers"), QStringLiteral("dns"), [&dns, refuse, bodyList](http::HttpRequest& request, const Caller&) {
        const auto wanted = bodyList(request, QStringLiteral("dns"));
        if (!wanted)
            return tsjson::error(400, QStringLiteral("the body must be {\"dns\": [...]}"));
        if (*wanted != dns.globalNameservers)
            return refuse(QStringLiteral("dns.nameservers.global"));
        return tsjson::ok({{QStringLiteral("dns"), QJsonArray::fromStringList(dns.globalNameservers)}, {QStringLiteral("magicDNS"), dns.magicDns}});
    });

    add(router, "GET", QStringLiteral("/api/v2/tailnet/{tailnet}/dns/searchpaths"), QStringLiteral("dns:read"), [&dns](http::HttpRequest&, const Caller&) {
        return tsjson::ok({{QStringLiteral("searchPaths"), QJsonArray::fromStringList(dns.searchDomains)}});
    });
    add(router, "POST", QStringLiteral("/api/v2/tailnet/{tailnet}/dns/searchpaths"), QStringLiteral("dns"), [&dns, refuse, bodyList](http::HttpRequest& request, const Caller&) {
        const auto wanted = bodyList(request, QStringLiteral("searchPaths"));
        if (!wanted)
            return tsjson::error(400, QStringLiteral("the body must be {\"searchPaths\": [...]}"));
        if (*wanted != dns.searchDomains)
            return refuse(QStringLiteral("dns.search_domains"));
        return tsjson::ok({{QStringLiteral("searchPaths"), QJsonArray::fromStringList(dns.searchDomains)}});
    });

    add(router, "GET", QStringLiteral("/api/v2/tailnet/{tailnet}/dns/preferences"), QStringLiteral("dns:read"), [&dns](http::HttpRequest&, const Caller&) {
        return tsjson::ok({{QStringLiteral("magicDNS"), dns.magicDns}});
    });
    add(router, "POST", QStringLiteral("/api/v2/tailnet/{tailnet}/dns/preferences"), QStringLiteral("dns"), [&dns, refuse](http::HttpRequest& request, const Caller&) {
        const QJsonValue wanted = QJsonDocument::fromJson(request.body).object().value(QStringLiteral("magicDNS"));
        if (!wanted.isBool())
            return tsjson::error(400, QStringLiteral("the body must be {\"magicDNS\": true|false}"));
        if (wanted.toBool() != dns.magicDns)
            return refuse(QStringLiteral("dns.magic_dns"));
        return tsjson::ok({{QStringLiteral("magicDNS"), dns.magicDns}});
    });
}

} // namespace keel::tsapi
