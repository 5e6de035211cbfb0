#include "auth/JsonWebKey.h"

#include "auth/Jwt.h"

#include <QJsonArray>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace keel::auth {

namespace {

struct BnFree { void operator()(BIGNUM* b) const { BN_free(b); } };
using Bn = std::unique_ptr<BIGNUM, BnFree>;

std::optional<QByteArray> member(const QJsonObject& o, const char* name)
{
    return Jwt::base64UrlDecode(o.value(QLatin1String(name)).toString().toLatin1());
}

std::shared_ptr<EVP_PKEY> fromParams(const char* type, OSSL_PARAM_BLD* bld)
{
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY* key = nullptr;
    if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        (void)EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    if (!key)
        return {};
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> rsaKey(const QByteArray& n, const QByteArray& e)
{
    Bn bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.constData()), int(n.size()), nullptr));
    Bn be(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.constData()), int(e.size()), nullptr));
    if (!bn || !be)
        return {};
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    std::shared_ptr<EVP_PKEY> key;
    if (bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn.get()) == 1
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be.get()) == 1)
        key = fromParams("RSA", bld);
    OSSL_PARAM_BLD_free(bld);
    return key;
}

std::shared_ptr<EVP_PKEY> ecKey(const char* group, const QByteArray& x, const QByteArray& y)
{
    const QByteArray point = QByteArray(1, '\x04') + x + y; // uncompressed SEC1 point
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    std::shared_ptr<EVP_PKEY> key;
    if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.constData(), size_t(point.size())) == 1)
        key = fromParams("EC", bld);
    OSSL_PARAM_BLD_free(bld);
    return key;
}

const EVP_MD* digestFor(const QString& alg)
{
    if (alg.endsWith(QLatin1String("256")))
        return EVP_sha256();
    if (alg.endsWith(QLatin1String("384")))
        return EVP_sha384();
    if (alg.endsWith(QLatin1String("512")))
        return EVP_sha512();
    return nullptr;
}

// JWS carries ECDSA signatures as r||s of fixed width; OpenSSL verifies DER.
QByteArray rawToDer(const QByteArray& raw)
{
    const int half = int(raw.size() / 2);
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.constData()), half, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.constData()) + half, half, nullptr);
    QByteArray der;
    if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
        r = s = nullptr; // owned by sig now
        const int len = i2d_ECDSA_SIG(sig, nullptr);
        if (len > 0) {
            der.resize(len);
            unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
            i2d_ECDSA_SIG(sig, &p);
        }
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return der;
}

} // namespace

std::optional<JsonWebKey> JsonWebKey::fromJson(const QJsonObject& jwk, QString* error)
{
    JsonWebKey k;
    k.m_kid = jwk.value(QLatin1String("kid")).toString();
    k.m_kty = jwk.value(QLatin1String("kty")).toString();
    k.m_alg = jwk.value(QLatin1String("alg")).toString();
    if (jwk.value(QLatin1String("use")).toString() == QLatin1String("enc")) {
        *error = QStringLiteral("key %1 is an encryption key").arg(k.m_kid);
        return std::nullopt;
    }
    if (k.m_kty == QLatin1String("RSA")) {
        const auto n = member(jwk, "n"), e = member(jwk, "e");
        if (!n || !e || n->isEmpty() || e->isEmpty() || n->size() < 256) { // RFC 7518 3.3: 2048 bits at least
            *error = QStringLiteral("RSA key %1 has a missing, bad or short modulus/exponent").arg(k.m_kid);
            return std::nullopt;
        }
        k.m_key = rsaKey(*n, *e);
    } else if (k.m_kty == QLatin1String("EC")) {
        k.m_curve = jwk.value(QLatin1String("crv")).toString();
        const int width = k.m_curve == QLatin1String("P-256") ? 32 : k.m_curve == QLatin1String("P-384") ? 48 : 0;
        const auto x = member(jwk, "x"), y = member(jwk, "y");
        if (!width || !x || !y || x->size() != width || y->size() != width) {
            *error = QStringLiteral("EC key %1: unsupported curve \"%2\" or bad coordinates").arg(k.m_kid, k.m_curve);
            return std::nullopt;
        }
        k.m_key = ecKey(width == 32 ? "prime256v1" : "secp384r1", *x, *y);
    } else {
        *error = QStringLiteral("key %1 has unsupported type \"%2\"").arg(k.m_kid, k.m_kty);
        return std::nullopt;
    }
    if (!k.m_key) {
        *error = QStringLiteral("key %1 is not a valid %2 public key").arg(k.m_kid, k.m_kty);
        return std::nullopt;
    }
    return k;
}

bool JsonWebKey::supports(const QString& alg) const
{
    if (!m_alg.isEmpty() && m_alg != alg)
        return false;
    if (m_kty == QLatin1String("RSA"))
        return alg == QLatin1String("RS256") || alg == QLatin1String("RS384") || alg == QLatin1String("RS512");
    if (m_kty == QLatin1String("EC"))
        return (alg == QLatin1String("ES256") && m_curve == QLatin1String("P-256"))
            || (alg == QLatin1String("ES384") && m_curve == QLatin1String("P-384"));
    return false;
}

bool JsonWebKey::verify(const QString& alg, const QByteArray& signingInput, const QByteArray& signature) const
{
    if (!supports(alg))
        return false;
    QByteArray sig = signature;
    if (m_kty == QLatin1String("EC")) {
        if (signature.size() != (m_curve == QLatin1String("P-256") ? 64 : 96))
            return false;
        sig = rawToDer(signature);
        if (sig.isEmpty())
            return false;
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, digestFor(alg), nullptr, m_key.get()) == 1
        && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.constData()), size_t(sig.size()),
                            reinterpret_cast<const unsigned char*>(signingInput.constData()), size_t(signingInput.size())) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

JsonWebKeySet JsonWebKeySet::fromJson(const QJsonObject& jwks, QStringList* skipped)
{
    JsonWebKeySet set;
    for (const QJsonValue& v : jwks.value(QLatin1String("keys")).toArray()) {
        QString error;
        if (auto k = JsonWebKey::fromJson(v.toObject(), &error))
            set.m_keys.append(*k);
        else if (skipped)
            skipped->append(error);
    }
    return set;
}

const JsonWebKey* JsonWebKeySet::find(const QString& kid, const QString& alg) const
{
    const JsonWebKey* only = nullptr;
    int candidates = 0;
    for (const JsonWebKey& k : m_keys) {
        if (!kid.isEmpty()) {
            if (k.kid() == kid && k.supports(alg))
                return &k;
            continue;
        }
        if (k.supports(alg)) {
            only = &k;
            ++candidates;
        }
    }
    return candidates == 1 ? only : nullptr;
}

QStringList JsonWebKeySet::kids() const
{
    QStringList out;
    for (const JsonWebKey& k : m_keys)
        out << k.kid();
    return out;
}

} // namespace keel::auth
