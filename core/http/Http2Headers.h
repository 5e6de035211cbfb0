#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <utility>

namespace keel::http {

// One HTTP/2 header field. Names are lower-case on the wire (RFC 9113 §8.2.1); pseudo-headers
// (":method", ":status", ...) are kept out of these lists and exposed as named fields instead.
using Http2Header = std::pair<QByteArray, QByteArray>;
using Http2Headers = QList<Http2Header>;

// The first value of `name` (compared case-insensitively), or a null QByteArray.
inline QByteArray http2HeaderValue(const Http2Headers& headers, QByteArrayView name)
{
    for (const auto& [key, value] : headers) {
        if (name.compare(key, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// Every value of `name`, in arrival order (Ts-Lb may legitimately appear twice on register).
inline QList<QByteArray> http2HeaderValues(const Http2Headers& headers, QByteArrayView name)
{
    QList<QByteArray> values;
    for (const auto& [key, value] : headers) {
        if (name.compare(key, Qt::CaseInsensitive) == 0)
            values.append(value);
    }
    return values;
}

} // namespace keel::http
