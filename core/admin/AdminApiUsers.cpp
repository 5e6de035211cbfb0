// AdminApi: /api/v1/user
#include "admin/AdminApi.h"
#include "admin/AdminReply.h"
#include "admin/ApiJson.h"

#include <QJsonArray>

namespace keel::admin {

namespace {

// Not empty, at most 63 characters of letters, digits and "-._@+" (emails work as names), and, as
// Headscale requires, starting with a letter: so a name is never a number (`--user 123` is always
// the id) and never looks like a flag.
QString checkUserName(const QString& name)
{
    if (name.isEmpty())
        return QStringLiteral("user name must not be empty");
    if (!name.at(0).isLetter())
        return QStringLiteral("user name '%1' must start with a letter").arg(name);
    if (name.size() > 63)
        return QStringLiteral("user name must be at most 63 characters");
    for (QChar c : name) {
        if (!(c.isLetterOrNumber() || QStringLiteral("-._@+").contains(c)))
            return QStringLiteral("user name '%1' contains '%2'; use letters, digits and - . _ @ +").arg(name, c);
    }
    return {};
}

} // namespace

void AdminApi::addUserRoutes(http::Router& router)
{
    store::Store& store = m_context.store;

    router.add("POST", QStringLiteral("/api/v1/user"), guarded([this](http::HttpRequest& request) {
        http::HttpResponse failure;
        const auto body = reply::body(request, &failure);
        if (!body)
            return failure;
        store::User user;
        user.name = body->value(QStringLiteral("name")).toString().trimmed();
        user.displayName = body->value(QStringLiteral("displayName")).toString();
        user.email = body->value(QStringLiteral("email")).toString();
        user.profilePicUrl = body->value(QStringLiteral("pictureUrl")).toString();
        if (const QString problem = checkUserName(user.name); !problem.isEmpty())
            return reply::badRequest(problem);
        const auto created = m_context.state.createUser(user, actorOf(request));
        if (!created)
            return reply::error(created.error());
        return reply::ok({{QStringLiteral("user"), json::user(*created)}});
    }));

    router.add("POST", QStringLiteral("/api/v1/user/{oldId}/rename/{newName}"), guarded([this](http::HttpRequest& request) {
        const qint64 id = request.pathParams.value(QStringLiteral("oldId")).toLongLong();
        const QString newName = request.pathParams.value(QStringLiteral("newName"));
        if (id <= 0)
            return reply::badRequest(QStringLiteral("user id must be a positive number"));
        if (const QString problem = checkUserName(newName); !problem.isEmpty())
            return reply::badRequest(problem);
        const auto renamed = m_context.state.renameUser(id, newName, actorOf(request));
        if (!renamed)
            return reply::error(renamed.error());
        return reply::ok({{QStringLiteral("user"), json::user(*renamed)}});
    }));

    router.add("DELETE", QStringLiteral("/api/v1/user/{id}"), guarded([this](http::HttpRequest& request) {
        const qint64 id = request.pathParams.value(QStringLiteral("id")).toLongLong();
        if (id <= 0)
            return reply::badRequest(QStringLiteral("user id must be a positive number"));
        const auto deleted = m_context.state.deleteUser(id, actorOf(request));
        if (!deleted)
            return reply::error(deleted.error());
        return reply::ok({});
    }));

    router.add("GET", QStringLiteral("/api/v1/user"), guarded([&store](http::HttpRequest& request) {
        const QUrlQuery query = request.query();
        store::UserFilter filter;
        filter.id = query.queryItemValue(QStringLiteral("id")).toLongLong();
        filter.name = query.queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded);
        filter.email = query.queryItemValue(QStringLiteral("email"), QUrl::FullyDecoded);
        const auto users = store.listUsers(filter);
        if (!users)
            return reply::error(users.error());
        QJsonArray out;
        for (const store::User& u : *users)
            out.append(json::user(u));
        return reply::ok({{QStringLiteral("users"), out}});
    }));
}

} // namespace keel::admin
