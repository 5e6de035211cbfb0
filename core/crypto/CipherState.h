#pragma once

#include "crypto/X25519.h"

#include <QByteArrayView>

#include <cstddef>
#include <cstdint>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace keel::crypto {

// Noise's CipherState for ChaCha20-Poly1305 (OpenSSL 3 EVP): a key and a 64-bit message counter
// used as the nonce "4 zero bytes || counter". The Noise spec encodes the counter little-endian;
// Tailscale's ts2021 transport encodes it BIG-endian (controlbase/conn.go), hence the choice.
// The counter value 2^64-1 is never used: once reached, the state refuses to work (no rekey).
class CipherState {
public:
    enum class NonceOrder { LittleEndian, BigEndian };
    static constexpr std::size_t kTagSize = 16;

    CipherState(const Key32& key, NonceOrder order);
    ~CipherState();
    CipherState(CipherState&& other) noexcept;
    CipherState& operator=(CipherState&& other) noexcept;
    CipherState(const CipherState&) = delete;
    CipherState& operator=(const CipherState&) = delete;

    // out must hold size + kTagSize bytes; out may equal plaintext (in place). Uses and then
    // increments the counter. False when the counter is exhausted.
    [[nodiscard]] bool encrypt(QByteArrayView ad, const unsigned char* plaintext, std::size_t size, unsigned char* out);

    // size includes the tag; out must hold size - kTagSize bytes; out may equal ciphertext.
    // The counter advances even on failure (as in Go); callers treat any failure as fatal.
    [[nodiscard]] bool decrypt(QByteArrayView ad, const unsigned char* ciphertext, std::size_t size, unsigned char* out);

    std::uint64_t counter() const { return m_counter; }
    // Positions the counter: the handshake keeps its own nonce, and tests reach the exhaustion rule.
    void setCounter(std::uint64_t counter) { m_counter = counter; }
    bool exhausted() const { return m_counter == UINT64_MAX; }

private:
    void makeNonce(unsigned char nonce[12]) const;
    void wipe();

    Key32 m_key;
    NonceOrder m_order;
    std::uint64_t m_counter = 0;
    EVP_CIPHER_CTX* m_ctx = nullptr;
};

} // namespace keel::crypto
