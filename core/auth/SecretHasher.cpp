#include "auth/SecretHasher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <crypt.h>

#include <memory>

namespace keel::auth {

QByteArray SecretHasher::sha256Hex(const QByteArray& secret)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(secret.constData(), static_cast<size_t>(secret.size()), md, &len, EVP_sha256(), nullptr) != 1)
        return {};
    return QByteArray(reinterpret_cast<const char*>(md), static_cast<qsizetype>(len)).toHex();
}

bool SecretHasher::constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.constData(), b.constData(), static_cast<size_t>(a.size())) == 0;
}

bool SecretHasher::verifyBcrypt(const QByteArray& storedHash, const QByteArray& secret)
{
    // "$2a$NN$" + 22 salt + 31 hash = 60 characters.
    if (storedHash.size() != 60)
        return false;
    if (!(storedHash.startsWith("$2a$") || storedHash.startsWith("$2b$") || storedHash.startsWith("$2y$")))
        return false;
    if (secret.contains('\0'))
        return false;
    // crypt_data is ~32 KiB: keep it off the stack.
    auto data = std::make_unique<crypt_data>();
    const QByteArray setting = storedHash; // NUL-terminated copy
    const QByteArray phrase = secret;
    const char* out = crypt_r(phrase.constData(), setting.constData(), data.get());
    // libxcrypt signals failure with a string starting with '*' (or NULL on some builds).
    if (!out || out[0] == '*')
        return false;
    return constantTimeEquals(QByteArray(out), storedHash);
}

bool SecretHasher::verify(const QString& scheme, const QByteArray& storedHash, const QByteArray& secret)
{
    if (scheme == Sha256) {
        if (storedHash.size() != 64)
            return false;
        return constantTimeEquals(sha256Hex(secret), storedHash.toLower());
    }
    if (scheme == Bcrypt)
        return verifyBcrypt(storedHash, secret);
    if (scheme == Plain)
        return !storedHash.isEmpty() && constantTimeEquals(storedHash, secret);
    return false;
}

} // namespace keel::auth
