#include "http/Router.h"

namespace keel::http {

namespace {
QStringList splitPath(const QString& path)
{
    return path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}
} // namespace

void Router::add(const QByteArray& method, const QString& pattern, Handler handler)
{
    m_routes.append({method, pattern, splitPath(pattern), std::move(handler)});
}

void Router::addAny(const QString& pattern, Handler handler)
{
    add({}, pattern, std::move(handler));
}

QList<Router::RouteInfo> Router::routes() const
{
    QList<RouteInfo> out;
    for (const Route& route : m_routes)
        out.append({route.method, route.pattern});
    return out;
}

bool Router::match(const Route& route, const QStringList& path, QMap<QString, QString>* params)
{
    const QStringList& seg = route.segments;
    const bool wildcard = !seg.isEmpty() && seg.last() == QLatin1String("*");
    const qsizetype fixed = wildcard ? seg.size() - 1 : seg.size();
    if (wildcard ? path.size() < fixed : path.size() != fixed)
        return false;
    QMap<QString, QString> found;
    for (qsizetype i = 0; i < fixed; ++i) {
        const QString& s = seg[i];
        if (s.startsWith(QLatin1Char('{')) && s.endsWith(QLatin1Char('}')))
            found.insert(s.mid(1, s.size() - 2), path[i]);
        else if (s != path[i])
            return false;
    }
    if (params)
        *params = found;
    return true;
}

HttpResponse Router::dispatch(HttpRequest& request) const
{
    const QStringList path = splitPath(request.path());
    // Exact patterns before wildcards, so "/api/v1/user" with a wrong method answers 405 even
    // though "/api/*" would also match it.
    QList<QByteArray> allowed;
    for (const bool wildcards : {false, true}) {
        for (const Route& route : m_routes) {
            if ((!route.segments.isEmpty() && route.segments.last() == QLatin1String("*")) != wildcards)
                continue;
            QMap<QString, QString> params;
            if (!match(route, path, &params))
                continue;
            if (!route.method.isEmpty() && route.method != request.method) {
                allowed.append(route.method);
                continue;
            }
            if (wildcards && !allowed.isEmpty())
                break;
            request.pathParams = params;
            request.routePattern = route.pattern;
            return route.handler(request);
        }
        if (!allowed.isEmpty()) {
            for (const auto& [prefix, guard] : m_guards) {
                if (!request.path().startsWith(prefix))
                    continue;
                if (std::optional<HttpResponse> refused = guard(request))
                    return *refused;
            }
            HttpResponse r = HttpResponse::text(405, "method not allowed\n");
            r.setHeader("Allow", allowed.join(", "));
            return r;
        }
    }
    if (m_fallback)
        return m_fallback(request);
    return HttpResponse::text(404, "404 page not found\n");
}

} // namespace keel::http
