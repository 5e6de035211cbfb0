#include "crypto/Blake2s.h"

#include <openssl/evp.h>
#include <openssl/params.h>

#include <sodium.h>

#include <cstdlib>
#include <memory>

namespace keel::crypto::blake2s {

namespace {

const EVP_MD* md()
{
    // Fetched once: EVP_MD_fetch is costly and the result is immutable and thread-safe.
    static EVP_MD* fetched = EVP_MD_fetch(nullptr, "BLAKE2S-256", nullptr);
    if (!fetched)
        std::abort(); // OpenSSL without BLAKE2s cannot speak the protocol at all
    return fetched;
}

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct HmacCtxFree {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

EVP_MAC* hmacAlgorithm()
{
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac)
        std::abort();
    return mac;
}

} // namespace

Digest32 hash(std::initializer_list<QByteArrayView> parts)
{
    Digest32 out;
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    unsigned int len = 0;
    bool ok = ctx && EVP_DigestInit_ex(ctx.get(), md(), nullptr) == 1;
    for (const QByteArrayView& p : parts)
        ok = ok && EVP_DigestUpdate(ctx.get(), p.data(), size_t(p.size())) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size();
    if (!ok)
        std::abort(); // only on allocation failure inside OpenSSL
    return out;
}

Digest32 hmac(QByteArrayView key, std::initializer_list<QByteArrayView> parts)
{
    Digest32 out;
    std::unique_ptr<EVP_MAC_CTX, HmacCtxFree> ctx(EVP_MAC_CTX_new(hmacAlgorithm()));
    char digestName[] = "BLAKE2S-256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", digestName, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t len = 0;
    bool ok = ctx
        && EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), size_t(key.size()), params) == 1;
    for (const QByteArrayView& p : parts)
        ok = ok && EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(p.data()), size_t(p.size())) == 1;
    ok = ok && EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) == 1 && len == out.size();
    if (!ok)
        std::abort();
    return out;
}

void hkdf2(const Digest32& chainingKey, QByteArrayView inputKeyMaterial, Digest32& out1, Digest32& out2)
{
    static const char one = 0x01;
    static const char two = 0x02;
    Digest32 prk = hmac(view(chainingKey), {inputKeyMaterial});
    out1 = hmac(view(prk), {QByteArrayView(&one, 1)});
    out2 = hmac(view(prk), {view(out1), QByteArrayView(&two, 1)});
    sodium_memzero(prk.data(), prk.size());
}

} // namespace keel::crypto::blake2s
