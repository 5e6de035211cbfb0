#pragma once

#include "crypto/KeyKind.h"
#include "crypto/PublicKey.h"

#include <sodium.h>

namespace keel::crypto {

// A 32-byte X25519 private key of one kind. The secret is wiped (sodium_memzero) whenever a value is
// destroyed or moved from, and it is only ever compared in constant time.
template <typename Kind>
class PrivateKey {
public:
    PrivateKey() { m_raw.fill(0); }
    explicit PrivateKey(const Key32& raw) : m_raw(raw) {}
    PrivateKey(const PrivateKey&) = default;
    PrivateKey& operator=(const PrivateKey&) = default;
    PrivateKey(PrivateKey&& other) noexcept : m_raw(other.m_raw) { other.wipe(); }
    PrivateKey& operator=(PrivateKey&& other) noexcept
    {
        if (this != &other) {
            m_raw = other.m_raw;
            other.wipe();
        }
        return *this;
    }
    ~PrivateKey() { wipe(); }

    static PrivateKey generate()
    {
        PrivateKey key;
        x25519::generatePrivate(key.m_raw);
        return key;
    }

    // Parses "privkey:<64 hex>".
    static std::optional<PrivateKey> parse(QStringView text, QString* error = nullptr)
    {
        PrivateKey key;
        if (!keytext::parse(text, privateKeyPrefix, key.m_raw.data(), key.m_raw.size(), error))
            return std::nullopt;
        return key;
    }

    // "privkey:<64 hex>". Secret material: for key files only, never for logs.
    QString toString() const { return keytext::format(privateKeyPrefix, m_raw.data(), m_raw.size()); }

    PublicKey<Kind> publicKey() const
    {
        Key32 pub;
        x25519::publicFromPrivate(pub, m_raw);
        return PublicKey<Kind>(pub);
    }

    bool isZero() const { return sodium_is_zero(m_raw.data(), m_raw.size()) == 1; }
    const Key32& raw() const { return m_raw; }

    friend bool operator==(const PrivateKey& a, const PrivateKey& b)
    {
        return sodium_memcmp(a.m_raw.data(), b.m_raw.data(), a.m_raw.size()) == 0;
    }
    friend bool operator!=(const PrivateKey& a, const PrivateKey& b) { return !(a == b); }

private:
    void wipe() { sodium_memzero(m_raw.data(), m_raw.size()); }

    Key32 m_raw;
};

} // namespace keel::crypto
