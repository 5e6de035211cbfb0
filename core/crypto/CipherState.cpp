#include "crypto/CipherState.h"

#include <openssl/evp.h>

#include <sodium.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace keel::crypto {

namespace {

const EVP_CIPHER* chachaPoly()
{
    static EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
    if (!fetched)
        std::abort(); // OpenSSL without ChaCha20-Poly1305 cannot speak the protocol at all
    return fetched;
}

} // namespace

CipherState::CipherState(const Key32& key, NonceOrder order)
    : m_key(key), m_order(order), m_ctx(EVP_CIPHER_CTX_new())
{
    if (!m_ctx)
        std::abort();
}

CipherState::~CipherState()
{
    wipe();
}

CipherState::CipherState(CipherState&& other) noexcept
    : m_key(other.m_key), m_order(other.m_order), m_counter(other.m_counter), m_ctx(std::exchange(other.m_ctx, nullptr))
{
    sodium_memzero(other.m_key.data(), other.m_key.size());
}

CipherState& CipherState::operator=(CipherState&& other) noexcept
{
    if (this != &other) {
        wipe();
        m_key = other.m_key;
        m_order = other.m_order;
        m_counter = other.m_counter;
        m_ctx = std::exchange(other.m_ctx, nullptr);
        sodium_memzero(other.m_key.data(), other.m_key.size());
    }
    return *this;
}

void CipherState::wipe()
{
    sodium_memzero(m_key.data(), m_key.size());
    EVP_CIPHER_CTX_free(m_ctx); // frees and cleanses the key schedule
    m_ctx = nullptr;
}

void CipherState::makeNonce(unsigned char nonce[12]) const
{
    std::memset(nonce, 0, 4);
    for (int i = 0; i < 8; ++i) {
        const unsigned char b = static_cast<unsigned char>(m_counter >> (8 * i));
        if (m_order == NonceOrder::LittleEndian)
            nonce[4 + i] = b;
        else
            nonce[11 - i] = b;
    }
}

bool CipherState::encrypt(QByteArrayView ad, const unsigned char* plaintext, std::size_t size, unsigned char* out)
{
    if (!m_ctx || exhausted() || size > std::size_t(INT_MAX) - kTagSize)
        return false;
    unsigned char nonce[12];
    makeNonce(nonce);
    ++m_counter;
    int len = 0;
    bool ok = EVP_CipherInit_ex2(m_ctx, chachaPoly(), m_key.data(), nonce, 1, nullptr) == 1;
    if (ok && !ad.isEmpty())
        ok = EVP_CipherUpdate(m_ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()), int(ad.size())) == 1;
    if (ok && size > 0)
        ok = EVP_CipherUpdate(m_ctx, out, &len, plaintext, int(size)) == 1;
    ok = ok && EVP_CipherFinal_ex(m_ctx, out + size, &len) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(m_ctx, EVP_CTRL_AEAD_GET_TAG, int(kTagSize), out + size) == 1;
    return ok;
}

bool CipherState::decrypt(QByteArrayView ad, const unsigned char* ciphertext, std::size_t size, unsigned char* out)
{
    if (!m_ctx || exhausted() || size < kTagSize || size > std::size_t(INT_MAX))
        return false;
    unsigned char nonce[12];
    makeNonce(nonce);
    ++m_counter;
    const std::size_t ptSize = size - kTagSize;
    unsigned char tag[kTagSize];
    std::memcpy(tag, ciphertext + ptSize, kTagSize); // before an in-place decrypt can touch it
    int len = 0;
    bool ok = EVP_CipherInit_ex2(m_ctx, chachaPoly(), m_key.data(), nonce, 0, nullptr) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(m_ctx, EVP_CTRL_AEAD_SET_TAG, int(kTagSize), tag) == 1;
    if (ok && !ad.isEmpty())
        ok = EVP_CipherUpdate(m_ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()), int(ad.size())) == 1;
    if (ok && ptSize > 0)
        ok = EVP_CipherUpdate(m_ctx, out, &len, ciphertext, int(ptSize)) == 1;
    ok = ok && EVP_CipherFinal_ex(m_ctx, out + ptSize, &len) == 1;
    if (!ok && ptSize > 0)
        sodium_memzero(out, ptSize); // never hand out unauthenticated plaintext
    return ok;
}

} // namespace keel::crypto
