#include "http/HttpRequest.h"

#include <QUrl>

namespace keel::http {

QByteArray HttpRequest::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool HttpRequest::hasHeader(const QByteArray& name) const
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool HttpRequest::headerHasToken(const QByteArray& name, const QByteArray& token) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray& part : value.split(',')) {
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

QString HttpRequest::path() const
{
    const int q = target.indexOf('?');
    const QByteArray raw = q < 0 ? target : target.left(q);
    return QUrl::fromPercentEncoding(raw);
}

QUrlQuery HttpRequest::query() const
{
    const int q = target.indexOf('?');
    if (q < 0)
        return {};
    QUrlQuery query;
    query.setQuery(QString::fromUtf8(target.mid(q + 1)));
    return query;
}

bool HttpRequest::keepAlive() const
{
    if (headerHasToken("Connection", "close"))
        return false;
    if (version == "HTTP/1.0")
        return headerHasToken("Connection", "keep-alive");
    return true;
}

} // namespace keel::http
