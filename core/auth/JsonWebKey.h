#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

typedef struct evp_pkey_st EVP_PKEY;

namespace keel::auth {

// One public signing key of a provider's JWKS (RFC 7517): RSA (n, e) or EC P-256/P-384 (x, y),
// held as an OpenSSL EVP_PKEY. Verifies the JWS algorithms an OpenID provider signs ID tokens with:
// RS256/384/512 and ES256/384 (raw r||s signatures, RFC 7518 3.4).
class JsonWebKey
{
public:
    // nullopt (with *error) for keys we cannot use: other types, curves, or broken numbers.
    static std::optional<JsonWebKey> fromJson(const QJsonObject& jwk, QString* error);

    QString kid() const { return m_kid; }
    QString kty() const { return m_kty; }
    // Whether `alg` is one this key can verify (RSA key for RS*, the matching curve for ES*).
    bool supports(const QString& alg) const;
    bool verify(const QString& alg, const QByteArray& signingInput, const QByteArray& signature) const;

private:
    QString m_kid;
    QString m_kty;
    QString m_alg;   // the key's own "alg", when it states one
    QString m_curve; // "P-256" | "P-384" for EC keys
    std::shared_ptr<EVP_PKEY> m_key;
};

// A provider's key set. Keys meant for encryption ("use": "enc") and keys of unknown types are
// skipped, not fatal: providers publish them side by side with the signing keys.
class JsonWebKeySet
{
public:
    static JsonWebKeySet fromJson(const QJsonObject& jwks, QStringList* skipped = nullptr);
    // The key for a token header: by kid; without a kid, the only key that supports `alg`.
    const JsonWebKey* find(const QString& kid, const QString& alg) const;
    qsizetype size() const { return m_keys.size(); }
    QStringList kids() const;

private:
    QList<JsonWebKey> m_keys;
};

} // namespace keel::auth
