#include "acme/AccountKey.h"

#include <QCryptographicHash>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace keel::acme {

namespace {

QByteArray coordinate(EVP_PKEY* key, const char* name)
{
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
        return {};
    QByteArray out(32, '\0');
    const int ok = BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_free(bn);
    return ok == 32 ? out : QByteArray();
}

bool isP256(EVP_PKEY* key)
{
    char group[64] = {};
    size_t len = 0;
    return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC
           && EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) == 1
           && QByteArray(group, int(len)) == "prime256v1";
}

} // namespace

QByteArray base64Url(const QByteArray& data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

void AccountKey::Free::operator()(EVP_PKEY* k) const
{
    EVP_PKEY_free(k);
}

AccountKey::AccountKey() = default;
AccountKey::~AccountKey() = default;
AccountKey::AccountKey(AccountKey&&) noexcept = default;
AccountKey& AccountKey::operator=(AccountKey&&) noexcept = default;

AccountKey AccountKey::generate()
{
    AccountKey k;
    k.m_key.reset(EVP_EC_gen("P-256"));
    return k;
}

AccountKey AccountKey::fromPem(const QByteArray& pem)
{
    AccountKey k;
    BIO* bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    if (!bio)
        return k;
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (key && isP256(key))
        k.m_key.reset(key);
    else
        EVP_PKEY_free(key);
    return k;
}

QByteArray AccountKey::toPem() const
{
    if (!m_key)
        return {};
    BIO* bio = BIO_new(BIO_s_mem());
    QByteArray out;
    if (PEM_write_bio_PrivateKey(bio, m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1) {
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        out = QByteArray(data, int(len));
    }
    BIO_free(bio);
    return out;
}

QJsonObject AccountKey::jwk() const
{
    if (!m_key)
        return {};
    return QJsonObject{{QStringLiteral("crv"), QStringLiteral("P-256")},
                       {QStringLiteral("kty"), QStringLiteral("EC")},
                       {QStringLiteral("x"), QString::fromLatin1(base64Url(coordinate(m_key.get(), OSSL_PKEY_PARAM_EC_PUB_X)))},
                       {QStringLiteral("y"), QString::fromLatin1(base64Url(coordinate(m_key.get(), OSSL_PKEY_PARAM_EC_PUB_Y)))}};
}

QByteArray AccountKey::thumbprint() const
{
    if (!m_key)
        return {};
    // RFC 7638: the required members in lexicographic order, no whitespace.
    const QByteArray canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + base64Url(coordinate(m_key.get(), OSSL_PKEY_PARAM_EC_PUB_X))
                                 + "\",\"y\":\"" + base64Url(coordinate(m_key.get(), OSSL_PKEY_PARAM_EC_PUB_Y)) + "\"}";
    return base64Url(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256));
}

QByteArray AccountKey::sign(const QByteArray& data) const
{
    if (!m_key)
        return {};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    QByteArray der;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, m_key.get()) == 1
        && EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.constData()), size_t(data.size())) == 1) {
        der.resize(qsizetype(len));
        if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len,
                           reinterpret_cast<const unsigned char*>(data.constData()), size_t(data.size())) == 1)
            der.resize(qsizetype(len));
        else
            der.clear();
    }
    EVP_MD_CTX_free(ctx);
    if (der.isEmpty())
        return {};
    // JWS wants the two integers side by side (RFC 7518 3.4), OpenSSL gives an ASN.1 sequence.
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.constData());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
    if (!sig)
        return {};
    QByteArray raw(64, '\0');
    const bool ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32) == 32
                    && BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32) == 32;
    ECDSA_SIG_free(sig);
    return ok ? raw : QByteArray();
}

} // namespace keel::acme
