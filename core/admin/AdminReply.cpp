#include "admin/AdminReply.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace keel::admin::reply {

int statusFor(const store::Error& error)
{
    switch (error.kind) {
    case store::Error::NotFound: return 404;
    case store::Error::Conflict: return 409;
    case store::Error::Invalid: return 400;
    case store::Error::Database: return 500;
    }
    return 500;
}

http::HttpResponse error(const store::Error& e)
{
    return http::HttpResponse::problem(statusFor(e), e.message);
}

http::HttpResponse badRequest(const QString& detail)
{
    return http::HttpResponse::problem(400, detail);
}

http::HttpResponse ok(const QJsonObject& body)
{
    return http::HttpResponse::json(200, QJsonDocument(body));
}

std::optional<http::HttpResponse> badIdParameter(const http::HttpRequest& request)
{
    for (const char* name : {"nodeId", "id", "oldId"}) {
        const QString key = QLatin1String(name);
        if (!request.pathParams.contains(key))
            continue;
        bool ok = false;
        const QString text = request.pathParams.value(key);
        if (text.toULongLong(&ok) == 0 || !ok || !text.at(0).isDigit())
            return badRequest(QStringLiteral("invalid %1 '%2' in the path: IDs are positive whole numbers").arg(key, text));
    }
    return std::nullopt;
}

std::optional<QJsonObject> body(const http::HttpRequest& request, http::HttpResponse* failure)
{
    if (request.body.trimmed().isEmpty())
        return QJsonObject{};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *failure = badRequest(QStringLiteral("request body is not valid JSON: %1 at offset %2")
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *failure = badRequest(QStringLiteral("request body must be a JSON object"));
        return std::nullopt;
    }
    return doc.object();
}

} // namespace keel::admin::reply
