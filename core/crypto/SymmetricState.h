#pragma once

#include "crypto/Blake2s.h"
#include "crypto/CipherState.h"

#include <QByteArray>

#include <optional>
#include <utility>

namespace keel::crypto {

// Noise's SymmetricState (spec section 5.2) for BLAKE2s + ChaChaPoly: the handshake hash h, the
// chaining key ck and the current handshake cipher key. Handshake encryption uses standard
// (little-endian) nonces; within IK every key is used at nonce 0 only, so the order never shows.
class SymmetricState {
public:
    explicit SymmetricState(QByteArrayView protocolName);
    ~SymmetricState();
    SymmetricState(SymmetricState&&) = default; // plain arrays: the source is wiped by its destructor
    SymmetricState(const SymmetricState&) = delete;
    SymmetricState& operator=(const SymmetricState&) = delete;

    void mixHash(QByteArrayView data);
    // MixKey(DH(priv, pub)). False when the DH output is all zero (low-order point).
    [[nodiscard]] bool mixDh(const Key32& priv, const Key32& pub);
    // Appends ciphertext (plaintext as-is before the first MixKey) to `out` and mixes it into h.
    [[nodiscard]] bool encryptAndHash(QByteArrayView plaintext, QByteArray& out);
    // Returns the plaintext, or nothing when authentication fails (h is then left unchanged).
    std::optional<QByteArray> decryptAndHash(QByteArrayView ciphertext);

    // Split(): (initiator->responder, responder->initiator) transport keys.
    std::pair<Key32, Key32> splitKeys() const;

    const Digest32& handshakeHash() const { return m_h; }

private:
    void mixKey(QByteArrayView inputKeyMaterial);

    Digest32 m_h;
    Digest32 m_ck;
    Key32 m_k;
    bool m_hasKey = false;
    std::uint64_t m_n = 0;
};

} // namespace keel::crypto
