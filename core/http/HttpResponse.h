#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QJsonDocument>
#include <QList>
#include <QPair>

#include <functional>

namespace keel::http {

// A complete HTTP/1.1 response, or the start of a protocol switch.
struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    // Set by handlers that take the connection over (ts2021, DERP, WebSocket). The server writes
    // the response head unless `rawUpgrade` is set (DERP fast-start writes nothing), stops reading,
    // and hands the socket and the bytes already received after the request to this callback. The
    // callback owns the socket from then on.
    std::function<void(QIODevice* socket, const QByteArray& buffered)> upgrade;
    bool rawUpgrade = false;

    void setHeader(const QByteArray& name, const QByteArray& value);
    QByteArray header(const QByteArray& name) const;

    static HttpResponse json(int status, const QJsonDocument& doc);
    static HttpResponse text(int status, const QByteArray& text, const QByteArray& contentType = "text/plain; charset=utf-8");
    // RFC 7807 problem document (Headscale 0.30's error shape): {"type","title","status","detail"}.
    static HttpResponse problem(int status, const QString& detail);

    // The response head and body as sent on the wire. Adds Content-Length (unless an upgrade) and
    // the security headers every Keel response carries.
    QByteArray serialize(bool keepAlive) const;
};

QByteArray reasonPhrase(int status);

} // namespace keel::http
