#pragma once

#include <QByteArray>
#include <QJsonObject>

#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace keel::acme {

// An ECDSA P-256 key (ES256): the ACME account key, and the key of each certificate Keel asks for.
// Signatures come out in JWS form (r || s, 32 bytes each), not DER.
class AccountKey
{
public:
    AccountKey();
    ~AccountKey();
    AccountKey(AccountKey&&) noexcept;
    AccountKey& operator=(AccountKey&&) noexcept;

    static AccountKey generate();
    // A PKCS#8 or SEC1 PEM private key; a null key when it is not a P-256 key.
    static AccountKey fromPem(const QByteArray& pem);

    bool isNull() const { return !m_key; }
    QByteArray toPem() const;
    // {"crv":"P-256","kty":"EC","x":..,"y":..}: the public half as a JWK (RFC 7517).
    QJsonObject jwk() const;
    // base64url(SHA-256(canonical JWK)) (RFC 7638): the second half of a key authorization.
    QByteArray thumbprint() const;
    // ES256 over `data`; empty on failure.
    QByteArray sign(const QByteArray& data) const;

    EVP_PKEY* handle() const { return m_key.get(); }

private:
    struct Free
    {
        void operator()(EVP_PKEY* k) const;
    };
    std::unique_ptr<EVP_PKEY, Free> m_key;
};

QByteArray base64Url(const QByteArray& data);

} // namespace keel::acme
