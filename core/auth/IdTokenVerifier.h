#pragma once

#include "auth/JsonWebKey.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace keel::auth {

// Checks an ID token as OpenID Connect Core 3.1.3.7 asks: a JWS signed by one of the provider's
// keys (never "none", never an HMAC with the client secret), `iss` equal to the configured issuer,
// our client_id in `aud` (and in `azp` when there are several audiences), `exp` in the future and
// `iat` not in the future, both with a clock skew allowance, and the `nonce` we sent.
class IdTokenVerifier
{
public:
    enum class Failure {
        None,
        Malformed,
        UnsupportedAlgorithm,
        UnknownKey,   // no key with this kid: the caller may refetch the JWKS once and retry
        BadSignature,
        WrongIssuer,
        WrongAudience,
        Expired,
        IssuedInFuture,
        WrongNonce,
    };

    struct Expectations
    {
        QString issuer;
        QString clientId;
        QString nonce;
        QDateTime now;
        qint64 skewSeconds = 60;
    };

    struct Result
    {
        Failure failure = Failure::None;
        QString message;     // why, for the log and the error page
        QJsonObject claims;  // the payload, when failure == None
        QDateTime expiry;    // `exp`
        QString kid;         // the header's key id (for UnknownKey)
        bool ok() const { return failure == Failure::None; }
    };

    static Result verify(const QByteArray& token, const JsonWebKeySet& keys, const Expectations& expect);
};

} // namespace keel::auth
