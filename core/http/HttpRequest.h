#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace keel::http {

// Where a request came from. The admin API trusts the unix socket (file permissions are the
// access control) and demands an API key on TCP.
enum class Transport { Tcp, Tls, UnixSocket };

// One parsed HTTP/1.1 request. Header names keep their spelling; lookups ignore case.
struct HttpRequest
{
    QByteArray method;
    QByteArray target;   // as sent: path plus optional ?query
    QByteArray version;  // "HTTP/1.1" or "HTTP/1.0"
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    // Filled by the server, not the parser.
    Transport transport = Transport::Tcp;
    QHostAddress peerAddress;
    QMap<QString, QString> pathParams;  // filled by the Router from "{name}" segments
    QString routePattern;               // the pattern that matched ("/api/v1/user/{id}"), for metrics
    qint64 peerUid = -1;                // unix socket: the connecting process's uid (SO_PEERCRED)
    QString principal;                  // who the request acts as, set by an auth guard ("unix:1000")

    QByteArray header(const QByteArray& name) const;
    bool hasHeader(const QByteArray& name) const;
    // Whether a comma-separated header (Connection, Upgrade) contains the token, ignoring case.
    bool headerHasToken(const QByteArray& name, const QByteArray& token) const;
    // The decoded path (no query), e.g. "/api/v1/user".
    QString path() const;
    QUrlQuery query() const;
    bool keepAlive() const;
};

} // namespace keel::http
