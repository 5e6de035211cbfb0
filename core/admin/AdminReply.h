#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponse.h"
#include "store/Result.h"

#include <QJsonObject>

#include <optional>

namespace keel::admin {

// Small helpers every admin route uses: error replies in the RFC 7807 shape, the HTTP status for a
// store error, and the JSON body of a request.
namespace reply {

int statusFor(const store::Error& error);
http::HttpResponse error(const store::Error& error);
http::HttpResponse badRequest(const QString& detail);
http::HttpResponse ok(const QJsonObject& body);

// A 400 when a numeric path parameter ({nodeId}, {id}, {oldId}) is not a positive number
// (`/api/v1/node/abc`), as Headscale answers; nullopt when every one is fine.
std::optional<http::HttpResponse> badIdParameter(const http::HttpRequest& request);

// The request body as a JSON object; an empty body is an empty object. nullopt (with *failure set
// to a 400) when the body is not a JSON object.
std::optional<QJsonObject> body(const http::HttpRequest& request, http::HttpResponse* failure);

} // namespace reply
} // namespace keel::admin
