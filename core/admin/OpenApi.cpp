#include "admin/OpenApi.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace keel::admin {

const QList<OpenApi::Operation>& OpenApi::operations()
{
    static const QList<Operation> ops = {
        {"GET", "/api/v1/health", "Health", "Whether the server and its database answer"},
        {"GET", "/api/v1/user", "Users", "Lists users (filters: id, name, email)"},
        {"POST", "/api/v1/user", "Users", "Creates a user"},
        {"POST", "/api/v1/user/{oldId}/rename/{newName}", "Users", "Renames a user"},
        {"DELETE", "/api/v1/user/{id}", "Users", "Deletes a user and their pre-auth keys"},
        {"GET", "/api/v1/preauthkey", "PreAuthKeys", "Lists pre-auth keys (filter: user)"},
        {"POST", "/api/v1/preauthkey", "PreAuthKeys", "Creates a pre-auth key"},
        {"POST", "/api/v1/preauthkey/expire", "PreAuthKeys", "Expires a pre-auth key"},
        {"DELETE", "/api/v1/preauthkey", "PreAuthKeys", "Deletes a pre-auth key"},
        {"GET", "/api/v1/apikey", "ApiKeys", "Lists API keys"},
        {"POST", "/api/v1/apikey", "ApiKeys", "Creates an API key (the secret is shown once)"},
        {"POST", "/api/v1/apikey/expire", "ApiKeys", "Expires an API key"},
        {"DELETE", "/api/v1/apikey", "ApiKeys", "Deletes an API key (by id)"},
        {"DELETE", "/api/v1/apikey/{prefix}", "ApiKeys", "Deletes an API key (by prefix)"},
        {"GET", "/api/v1/node", "Nodes", "Lists nodes (filter: user)"},
        {"GET", "/api/v1/node/{nodeId}", "Nodes", "Shows a node"},
        {"DELETE", "/api/v1/node/{nodeId}", "Nodes", "Deletes a node"},
        {"POST", "/api/v1/node/{nodeId}/expire", "Nodes", "Expires a node's key (or sets its expiry)"},
        {"POST", "/api/v1/node/{nodeId}/rename/{newName}", "Nodes", "Renames a node"},
        {"POST", "/api/v1/node/{nodeId}/tags", "Nodes", "Sets a node's tags"},
        {"POST", "/api/v1/node/{nodeId}/user", "Nodes", "Moves a node to another user"},
        {"POST", "/api/v1/node/{nodeId}/approve_routes", "Nodes", "Sets the routes a node may serve"},
        {"POST", "/api/v1/node/register", "Nodes", "Registers a pending machine (Headscale <= 0.27 form)"},
        {"POST", "/api/v1/node/backfillips", "Nodes", "Gives nodes an address of every configured family (confirmed=true)"},
        {"POST", "/api/v1/node/{nodeId}/authorize", "Nodes", "Authorizes a node waiting for device approval"},
        {"GET", "/api/v1/policy", "Policy", "Shows the policy"},
        {"PUT", "/api/v1/policy", "Policy", "Replaces the policy"},
        {"POST", "/api/v1/policy/check", "Policy", "Checks a policy without storing it"},
        {"POST", "/api/v1/policy/explain", "Policy", "Explains whether src reaches dst, and by which rule"},
        {"GET", "/api/v1/policy/history", "Policy", "Every stored policy, newest first, with who stored it (filter: limit)"},
        {"POST", "/api/v1/policy/rollback", "Policy", "Puts an earlier policy from the history in force again"},
        {"POST", "/api/v1/auth/register", "Auth", "Approves a pending registration for a user"},
        {"POST", "/api/v1/auth/approve", "Auth", "Approves a pending auth session (an SSH check; a registration with user)"},
        {"POST", "/api/v1/auth/reject", "Auth", "Refuses a pending auth session"},
        {"GET", "/api/v1/auth/pending", "Auth", "Lists the registrations and SSH checks waiting for approval, and SSH check approvals in force"},
        {"POST", "/api/v1/debug/node", "Auth", "Creates a pending registration for a made-up machine (Headscale's DebugCreateNode)"},
        {"GET", "/api/v1/oauthclient", "OAuthClients", "Lists the OAuth clients of the Tailscale-compatible /api/v2"},
        {"POST", "/api/v1/oauthclient", "OAuthClients", "Creates an OAuth client (scopes, tags; the secret is shown once)"},
        {"DELETE", "/api/v1/oauthclient/{id}", "OAuthClients", "Deletes an OAuth client (its access tokens stop working)"},
        {"GET", "/api/v1/events", "Events", "Live events as server-sent events (resume with since or Last-Event-ID)"},
        {"GET", "/api/v1/audit", "Audit", "The audit log (filters: since, until, actor, action, target, limit)"},
        {"GET", "/api/v1/node/{nodeId}/reachable", "Nodes", "The peers a node may reach under the policy, with ports"},
        {"GET", "/api/v1/server/status", "Server", "Embedded DERP and STUN with client counts, DNS settings and extra records, the DERP map"},
        {"GET", "/api/v1/logs", "Server", "The server's log as server-sent events: recent lines, then live ones (resume with since or Last-Event-ID)"},
        {"GET", "/api/v1/openapi.json", "Meta", "This document"},
    };
    return ops;
}

QJsonObject OpenApi::document(const QString& version)
{
    static const QRegularExpression param(QStringLiteral("\\{([A-Za-z]+)\\}"));
    const QJsonObject problem{{QStringLiteral("description"), QStringLiteral("An RFC 7807 problem document")},
                              {QStringLiteral("content"),
                               QJsonObject{{QStringLiteral("application/problem+json"),
                                            QJsonObject{{QStringLiteral("schema"), QJsonObject{{QStringLiteral("$ref"), QStringLiteral("#/components/schemas/Problem")}}}}}}}};
    const QJsonObject anyJson{{QStringLiteral("application/json"), QJsonObject{{QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}}}};
    QJsonObject paths;
    for (const Operation& op : operations()) {
        const QString path = QString::fromLatin1(op.path);
        const QString method = QString::fromLatin1(op.method).toLower();
        QJsonArray parameters;
        for (auto it = param.globalMatch(path); it.hasNext();) {
            parameters.append(QJsonObject{{QStringLiteral("name"), it.next().captured(1)},
                                          {QStringLiteral("in"), QStringLiteral("path")},
                                          {QStringLiteral("required"), true},
                                          {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}});
        }
        QString id = QString::fromLatin1(op.method).toLower();
        for (const QString& part : path.mid(8).split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            QString p = part;
            p.remove(QLatin1Char('{')).remove(QLatin1Char('}')).remove(QLatin1Char('.')).remove(QLatin1Char('_'));
            id += p.left(1).toUpper() + p.mid(1);
        }
        QJsonObject operation{{QStringLiteral("operationId"), id},
                              {QStringLiteral("summary"), QString::fromUtf8(op.summary)},
                              {QStringLiteral("tags"), QJsonArray{QString::fromLatin1(op.tag)}},
                              {QStringLiteral("responses"),
                               QJsonObject{{QStringLiteral("200"), QJsonObject{{QStringLiteral("description"), QStringLiteral("OK")},
                                                                               {QStringLiteral("content"), anyJson}}},
                                           {QStringLiteral("default"), problem}}}};
        if (!parameters.isEmpty())
            operation.insert(QStringLiteral("parameters"), parameters);
        if (method == QLatin1String("post") || method == QLatin1String("put"))
            operation.insert(QStringLiteral("requestBody"), QJsonObject{{QStringLiteral("required"), false}, {QStringLiteral("content"), anyJson}});
        if (path == QLatin1String("/api/v1/openapi.json")) // the document itself is public
            operation.insert(QStringLiteral("security"), QJsonArray());
        QJsonObject item = paths.value(path).toObject();
        item.insert(method, operation);
        paths.insert(path, item);
    }
    return QJsonObject{
        {QStringLiteral("openapi"), QStringLiteral("3.0.3")},
        {QStringLiteral("info"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Keel admin API")},
                                             {QStringLiteral("version"), version},
                                             {QStringLiteral("description"),
                                              QStringLiteral("Headscale's /api/v1 paths and shapes. Over TCP every operation needs "
                                                             "Authorization: Bearer <API key>; over the unix socket file permissions decide.")}}},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("security"), QJsonArray{QJsonObject{{QStringLiteral("bearer"), QJsonArray()}}}},
        {QStringLiteral("components"),
         QJsonObject{{QStringLiteral("securitySchemes"),
                      QJsonObject{{QStringLiteral("bearer"), QJsonObject{{QStringLiteral("type"), QStringLiteral("http")}, {QStringLiteral("scheme"), QStringLiteral("bearer")}}}}},
                     {QStringLiteral("schemas"),
                      QJsonObject{{QStringLiteral("Problem"),
                                   QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                               {QStringLiteral("properties"),
                                                QJsonObject{{QStringLiteral("type"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                            {QStringLiteral("title"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                            {QStringLiteral("status"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}}},
                                                            {QStringLiteral("detail"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}}}}}}}}},
    };
}

} // namespace keel::admin
