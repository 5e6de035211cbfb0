#include "auth/IdTokenVerifier.h"

#include "auth/Jwt.h"

#include <QJsonArray>

namespace keel::auth {

namespace {

using F = IdTokenVerifier::Failure;

IdTokenVerifier::Result fail(F f, const QString& message)
{
    IdTokenVerifier::Result r;
    r.failure = f;
    r.message = message;
    return r;
}

// NumericDate: seconds since the epoch, possibly with a fraction. Only years 0001-9999 are taken:
// a larger number would overflow the milliseconds (undefined behaviour; found by fuzz_oidc), and no
// provider means one.
std::optional<QDateTime> numericDate(const QJsonValue& v)
{
    constexpr double kLatest = 253402300799.0;     // 9999-12-31T23:59:59Z
    constexpr double kEarliest = -62135596800.0;   // 0001-01-01T00:00:00Z
    if (!v.isDouble())
        return std::nullopt;
    const double seconds = v.toDouble();
    if (!(seconds >= kEarliest && seconds <= kLatest))   // also refuses NaN
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000.0), Qt::UTC);
}

} // namespace

IdTokenVerifier::Result IdTokenVerifier::verify(const QByteArray& token, const JsonWebKeySet& keys, const Expectations& e)
{
    QString error;
    const auto jwt = Jwt::parse(token, &error);
    if (!jwt)
        return fail(F::Malformed, QStringLiteral("the ID token is malformed: %1").arg(error));
    const QString alg = jwt->header.value(QLatin1String("alg")).toString();
    static const QStringList supported = {QStringLiteral("RS256"), QStringLiteral("RS384"), QStringLiteral("RS512"),
                                          QStringLiteral("ES256"), QStringLiteral("ES384")};
    if (!supported.contains(alg))
        return fail(F::UnsupportedAlgorithm, QStringLiteral("the ID token is signed with \"%1\"; Keel accepts %2").arg(alg, supported.join(QStringLiteral(", "))));
    const QString kid = jwt->header.value(QLatin1String("kid")).toString();
    const JsonWebKey* key = keys.find(kid, alg);
    if (!key) {
        Result r = fail(F::UnknownKey, QStringLiteral("no %1 key with id \"%2\" in the provider's key set").arg(alg, kid));
        r.kid = kid;
        return r;
    }
    if (!key->verify(alg, jwt->signingInput, jwt->signature))
        return fail(F::BadSignature, QStringLiteral("the ID token's signature does not verify with key \"%1\"").arg(kid));

    const QJsonObject& c = jwt->payload;
    const QString iss = c.value(QLatin1String("iss")).toString();
    if (iss != e.issuer)
        return fail(F::WrongIssuer, QStringLiteral("the ID token was issued by \"%1\", not by the configured issuer \"%2\"").arg(iss, e.issuer));
    const QJsonValue aud = c.value(QLatin1String("aud"));
    QStringList audiences;
    if (aud.isString())
        audiences << aud.toString();
    for (const QJsonValue& a : aud.toArray())
        audiences << a.toString();
    if (!audiences.contains(e.clientId))
        return fail(F::WrongAudience, QStringLiteral("the ID token is meant for [%1], not for client \"%2\"").arg(audiences.join(QLatin1Char(' ')), e.clientId));
    const QString azp = c.value(QLatin1String("azp")).toString();
    if ((audiences.size() > 1 || !azp.isEmpty()) && azp != e.clientId)
        return fail(F::WrongAudience, QStringLiteral("the ID token's authorized party \"%1\" is not client \"%2\"").arg(azp, e.clientId));
    const auto exp = numericDate(c.value(QLatin1String("exp")));
    const auto iat = numericDate(c.value(QLatin1String("iat")));
    if (!exp || !iat)
        return fail(F::Malformed, QStringLiteral("the ID token lacks a numeric exp or iat between the years 1 and 9999"));
    if (*exp <= e.now.addSecs(-e.skewSeconds))
        return fail(F::Expired, QStringLiteral("the ID token expired at %1").arg(exp->toString(Qt::ISODate)));
    if (*iat > e.now.addSecs(e.skewSeconds))
        return fail(F::IssuedInFuture, QStringLiteral("the ID token claims to be issued at %1, in the future").arg(iat->toString(Qt::ISODate)));
    if (c.value(QLatin1String("sub")).toString().isEmpty())
        return fail(F::Malformed, QStringLiteral("the ID token has no subject"));
    if (c.value(QLatin1String("nonce")).toString() != e.nonce)
        return fail(F::WrongNonce, QStringLiteral("the ID token's nonce does not match this login"));
    Result r;
    r.claims = c;
    r.expiry = *exp;
    r.kid = kid;
    return r;
}

} // namespace keel::auth
