#include "crypto/X25519.h"

#include <sodium.h>

#include <cstdlib>

namespace keel::crypto::x25519 {

void ensureInitialized()
{
    // sodium_init is idempotent and thread-safe; the static makes later calls free.
    static const bool ok = sodium_init() >= 0;
    if (!ok)
        std::abort(); // no entropy source: nothing secure can be done
}

void generatePrivate(Key32& out)
{
    ensureInitialized();
    randombytes_buf(out.data(), out.size());
    out[0] &= 248;
    out[31] = static_cast<unsigned char>((out[31] & 127) | 64);
}

void publicFromPrivate(Key32& out, const Key32& priv)
{
    ensureInitialized();
    crypto_scalarmult_base(out.data(), priv.data());
}

bool sharedSecret(Key32& out, const Key32& priv, const Key32& pub)
{
    ensureInitialized();
    return crypto_scalarmult(out.data(), priv.data(), pub.data()) == 0;
}

} // namespace keel::crypto::x25519
