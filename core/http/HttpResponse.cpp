#include "http/HttpResponse.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace keel::http {

void HttpResponse::setHeader(const QByteArray& name, const QByteArray& value)
{
    for (auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray HttpResponse::header(const QByteArray& name) const
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

HttpResponse HttpResponse::json(int status, const QJsonDocument& doc)
{
    HttpResponse r;
    r.status = status;
    r.body = doc.toJson(QJsonDocument::Compact);
    r.setHeader("Content-Type", "application/json");
    return r;
}

HttpResponse HttpResponse::text(int status, const QByteArray& text, const QByteArray& contentType)
{
    HttpResponse r;
    r.status = status;
    r.body = text;
    r.setHeader("Content-Type", contentType);
    return r;
}

namespace {

// The gRPC status code grpc-gateway (Headscale's REST API) maps to an HTTP status.
int grpcCodeFor(int httpStatus)
{
    switch (httpStatus) {
    case 400: return 3;    // InvalidArgument
    case 401: return 16;   // Unauthenticated
    case 403: return 7;    // PermissionDenied
    case 404: return 5;    // NotFound
    case 409: return 6;    // AlreadyExists
    case 412: return 9;    // FailedPrecondition
    case 429: return 8;    // ResourceExhausted
    case 501: return 12;   // Unimplemented
    case 503: return 14;   // Unavailable
    case 504: return 4;    // DeadlineExceeded
    default: return httpStatus >= 500 ? 13 : 2;   // Internal, Unknown
    }
}

} // namespace

HttpResponse HttpResponse::problem(int status, const QString& detail)
{
    // RFC 9457 (type, title, status, detail), plus the fields of Headscale's grpc-gateway errors
    // (code, message, details) so scripts written against Headscale read `.message` and `.code`.
    const QJsonObject obj{{QStringLiteral("type"), QStringLiteral("about:blank")},
                          {QStringLiteral("title"), QString::fromLatin1(reasonPhrase(status))},
                          {QStringLiteral("status"), status},
                          {QStringLiteral("detail"), detail},
                          {QStringLiteral("code"), grpcCodeFor(status)},
                          {QStringLiteral("message"), detail},
                          {QStringLiteral("details"), QJsonArray()}};
    HttpResponse r = json(status, QJsonDocument(obj));
    r.setHeader("Content-Type", "application/problem+json");
    return r;
}

QByteArray HttpResponse::serialize(bool keepAlive) const
{
    QByteArray out;
    out.reserve(256 + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (!upgrade) {
        if (header("Content-Length").isEmpty())
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        if (!keepAlive && header("Connection").isEmpty())
            out += "Connection: close\r\n";
    }
    if (header("Date").isEmpty())
        out += "Date: " + QDateTime::currentDateTimeUtc().toString(QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1() + "\r\n";
    // Headscale sends these on every response; so do we (no framing, no sniffing, no referrer).
    out += "X-Frame-Options: DENY\r\n"
           "Content-Security-Policy: frame-ancestors 'none'\r\n"
           "X-Content-Type-Options: nosniff\r\n"
           "Referrer-Policy: no-referrer\r\n\r\n";
    if (!upgrade)
        out += body;
    return out;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

} // namespace keel::http
