#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QList>
#include <QStringList>

#include <functional>
#include <optional>

namespace keel::http {

// Maps method + path pattern to a handler. Patterns are literal segments and `{name}` parameters
// ("/api/v1/node/{nodeId}/rename/{newName}"); a trailing `*` segment matches any rest of the path.
// An unknown path answers 404, a known path with another method 405 with an Allow header.
class Router
{
public:
    using Handler = std::function<HttpResponse(HttpRequest&)>;
    // Returns a refusal (e.g. 401) or nothing when the caller may learn more.
    using Guard = std::function<std::optional<HttpResponse>(HttpRequest&)>;
    struct RouteInfo
    {
        QByteArray method; // empty = any
        QString pattern;
    };

    void add(const QByteArray& method, const QString& pattern, Handler handler);
    // Any method.
    void addAny(const QString& pattern, Handler handler);
    // What answers when nothing matches (default: 404 text).
    void setFallback(Handler handler) { m_fallback = std::move(handler); }
    // Paths under `prefix` answer a wrong method only to callers `guard` lets through: a 405 with
    // its Allow header tells an unauthenticated caller which routes exist. Routes that match
    // check their callers themselves; the guard runs only where a 405 would be answered.
    void guardMethodErrors(const QString& prefix, Guard guard) { m_guards.append({prefix, std::move(guard)}); }
    // Every registered route, in registration order; method is empty for addAny (for the tests
    // that must cover each one: the authorization matrix, the OpenAPI document).
    QList<RouteInfo> routes() const;

    HttpResponse dispatch(HttpRequest& request) const;

private:
    struct Route
    {
        QByteArray method;  // empty = any
        QString pattern;
        QStringList segments;
        Handler handler;
    };
    static bool match(const Route& route, const QStringList& path, QMap<QString, QString>* params);

    QList<Route> m_routes;
    QList<std::pair<QString, Guard>> m_guards;
    Handler m_fallback;
};

} // namespace keel::http
