#pragma once

#include "http/Http2Headers.h"

#include <QByteArray>

namespace keel::http {

// A complete request as an Http2ServerSession hands it to its handler: pseudo-headers split out,
// the regular header fields in arrival order, and the whole body (bounded by the session's limit).
struct Http2Request
{
    qint32 streamId = 0;
    QByteArray method;    // ":method"
    QByteArray scheme;    // ":scheme" ("https" from Tailscale clients even over plain Noise)
    QByteArray authority; // ":authority" (control host, or the literal "unused"); never route on it
    QByteArray path;      // ":path", including any query string
    Http2Headers headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const { return http2HeaderValue(headers, name); }
    QList<QByteArray> headerValues(QByteArrayView name) const { return http2HeaderValues(headers, name); }
};

} // namespace keel::http
