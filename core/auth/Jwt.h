#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace keel::auth {

// A JSON Web Token in compact JWS form (RFC 7515/7519): three base64url parts. Parsing checks the
// shape only; IdTokenVerifier checks the signature and the claims.
struct Jwt
{
    QJsonObject header;
    QJsonObject payload;
    QByteArray signingInput; // "<header>.<payload>" exactly as received: what the signature covers
    QByteArray signature;    // decoded

    // nullopt with *error set for anything that is not three base64url parts of which the first
    // two are JSON objects.
    static std::optional<Jwt> parse(const QByteArray& compact, QString* error);

    // Strict base64url without padding (padding is tolerated); nullopt for other characters.
    static std::optional<QByteArray> base64UrlDecode(const QByteArray& text);
    static QByteArray base64UrlEncode(const QByteArray& data);
};

} // namespace keel::auth
