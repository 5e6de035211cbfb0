#include "auth/Jwt.h"

#include <QJsonDocument>
#include <QList>

namespace keel::auth {

std::optional<QByteArray> Jwt::base64UrlDecode(const QByteArray& text)
{
    QByteArray t = text;
    while (t.endsWith('='))
        t.chop(1);
    for (char c : t) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return std::nullopt;
    }
    if (t.size() % 4 == 1)
        return std::nullopt;
    const auto r = QByteArray::fromBase64Encoding(t, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                                                         | QByteArray::AbortOnBase64DecodingErrors);
    if (!r)
        return std::nullopt;
    return *r;
}

QByteArray Jwt::base64UrlEncode(const QByteArray& data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<Jwt> Jwt::parse(const QByteArray& compact, QString* error)
{
    const QList<QByteArray> parts = compact.trimmed().split('.');
    if (parts.size() != 3) {
        *error = QStringLiteral("not a signed JWT (expected three dot-separated parts, got %1)").arg(parts.size());
        return std::nullopt;
    }
    Jwt jwt;
    const auto header = base64UrlDecode(parts[0]);
    const auto payload = base64UrlDecode(parts[1]);
    const auto signature = base64UrlDecode(parts[2]);
    if (!header || !payload || !signature) {
        *error = QStringLiteral("a JWT part is not base64url");
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument h = QJsonDocument::fromJson(*header, &pe);
    if (!h.isObject()) {
        *error = QStringLiteral("the JWT header is not a JSON object");
        return std::nullopt;
    }
    const QJsonDocument p = QJsonDocument::fromJson(*payload, &pe);
    if (!p.isObject()) {
        *error = QStringLiteral("the JWT payload is not a JSON object");
        return std::nullopt;
    }
    jwt.header = h.object();
    jwt.payload = p.object();
    jwt.signingInput = parts[0] + '.' + parts[1];
    jwt.signature = *signature;
    return jwt;
}

} // namespace keel::auth
