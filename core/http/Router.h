#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponse.h"

#include <QList>
#include <QStringList>

#include <functional>

namespace keel::http {

// Maps method + path pattern to a handler. Patterns are literal segments and `{name}` parameters
// ("/api/v1/node/{nodeId}/rename/{newName}"); a trailing `*` segment matches any rest of the path.
// An unknown path answers 404, a known path with another method 405 with an Allow header.
class Router
{
public:
    using Handler = std::function<HttpResponse(HttpRequest&)>;

    void add(const QByteArray& method, const QString& pattern, Handler handler);
    // Any method.
    void addAny(const QString& pattern, Handler handler);
    // What answers when nothing matches (default: 404 text).
    void setFallback(Handler handler) { m_fallback = std::move(handler); }

    HttpResponse dispatch(HttpRequest& request) const;
    // Every (method, pattern) added, in order; method is empty for addAny (the OpenAPI test).
    QList<QPair<QByteArray, QString>> routes() const;

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
    Handler m_fallback;
};

} // namespace keel::http
