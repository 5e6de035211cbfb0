#include "crypto/SymmetricState.h"

#include <sodium.h>

#include <cstring>

namespace keel::crypto {

SymmetricState::SymmetricState(QByteArrayView protocolName)
{
    // Names of at most HASHLEN bytes are zero-padded, longer ones hashed (Noise section 5.2).
    if (protocolName.size() <= qsizetype(m_h.size())) {
        m_h.fill(0);
        std::memcpy(m_h.data(), protocolName.data(), size_t(protocolName.size()));
    } else {
        m_h = blake2s::hash({protocolName});
    }
    m_ck = m_h;
    m_k.fill(0);
}

SymmetricState::~SymmetricState()
{
    sodium_memzero(m_ck.data(), m_ck.size());
    sodium_memzero(m_k.data(), m_k.size());
}

void SymmetricState::mixHash(QByteArrayView data)
{
    m_h = blake2s::hash({blake2s::view(m_h), data});
}

void SymmetricState::mixKey(QByteArrayView inputKeyMaterial)
{
    Digest32 newCk;
    Digest32 k;
    blake2s::hkdf2(m_ck, inputKeyMaterial, newCk, k);
    m_ck = newCk;
    std::memcpy(m_k.data(), k.data(), m_k.size());
    sodium_memzero(k.data(), k.size());
    sodium_memzero(newCk.data(), newCk.size());
    m_hasKey = true;
    m_n = 0;
}

bool SymmetricState::mixDh(const Key32& priv, const Key32& pub)
{
    Key32 shared;
    const bool ok = x25519::sharedSecret(shared, priv, pub);
    if (ok)
        mixKey(blake2s::view(shared));
    sodium_memzero(shared.data(), shared.size());
    return ok;
}

bool SymmetricState::encryptAndHash(QByteArrayView plaintext, QByteArray& out)
{
    const qsizetype start = out.size();
    if (!m_hasKey) {
        out.append(plaintext);
    } else {
        out.resize(start + plaintext.size() + qsizetype(CipherState::kTagSize));
        CipherState cipher(m_k, CipherState::NonceOrder::LittleEndian);
        cipher.setCounter(m_n);
        unsigned char* dst = reinterpret_cast<unsigned char*>(out.data()) + start;
        if (!cipher.encrypt(blake2s::view(m_h), reinterpret_cast<const unsigned char*>(plaintext.data()),
                            size_t(plaintext.size()), dst))
            return false;
        ++m_n;
    }
    mixHash(QByteArrayView(out).sliced(start));
    return true;
}

std::optional<QByteArray> SymmetricState::decryptAndHash(QByteArrayView ciphertext)
{
    QByteArray plaintext;
    if (!m_hasKey) {
        plaintext = ciphertext.toByteArray();
    } else {
        if (ciphertext.size() < qsizetype(CipherState::kTagSize))
            return std::nullopt;
        plaintext.resize(ciphertext.size() - qsizetype(CipherState::kTagSize));
        CipherState cipher(m_k, CipherState::NonceOrder::LittleEndian);
        cipher.setCounter(m_n);
        if (!cipher.decrypt(blake2s::view(m_h), reinterpret_cast<const unsigned char*>(ciphertext.data()),
                            size_t(ciphertext.size()), reinterpret_cast<unsigned char*>(plaintext.data())))
            return std::nullopt;
        ++m_n;
    }
    mixHash(ciphertext);
    return plaintext;
}

std::pair<Key32, Key32> SymmetricState::splitKeys() const
{
    Digest32 k1;
    Digest32 k2;
    blake2s::hkdf2(m_ck, QByteArrayView(), k1, k2);
    std::pair<Key32, Key32> keys;
    std::memcpy(keys.first.data(), k1.data(), 32);
    std::memcpy(keys.second.data(), k2.data(), 32);
    sodium_memzero(k1.data(), k1.size());
    sodium_memzero(k2.data(), k2.size());
    return keys;
}

} // namespace keel::crypto
