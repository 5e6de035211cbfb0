#pragma once

#include "crypto/KeyText.h"
#include "crypto/X25519.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHashFunctions>
#include <QString>

#include <sodium.h>

#include <cstring>
#include <optional>

namespace keel::crypto {

// A 32-byte X25519 public key of one kind (machine, node, disco, challenge). The all-zero value is
// Tailscale's "absent" key: it is still written with its prefix, and isZero() tells callers to treat
// it as missing.
template <typename Kind>
class PublicKey {
public:
    PublicKey() { m_raw.fill(0); }
    explicit PublicKey(const Key32& raw) : m_raw(raw) {}

    static std::optional<PublicKey> fromBytes(QByteArrayView bytes)
    {
        if (bytes.size() != qsizetype(sizeof(Key32)))
            return std::nullopt;
        PublicKey key;
        std::memcpy(key.m_raw.data(), bytes.data(), key.m_raw.size());
        return key;
    }

    // Parses "<prefix><64 hex>"; on failure `error` says why.
    static std::optional<PublicKey> parse(QStringView text, QString* error = nullptr)
    {
        PublicKey key;
        if (!keytext::parse(text, Kind::publicPrefix, key.m_raw.data(), key.m_raw.size(), error))
            return std::nullopt;
        return key;
    }

    QString toString() const { return keytext::format(Kind::publicPrefix, m_raw.data(), m_raw.size()); }
    static const char* prefix() { return Kind::publicPrefix; }

    bool isZero() const { return sodium_is_zero(m_raw.data(), m_raw.size()) == 1; }
    const Key32& raw() const { return m_raw; }
    QByteArray toByteArray() const { return QByteArray(reinterpret_cast<const char*>(m_raw.data()), qsizetype(m_raw.size())); }

    // Constant time: keys are compared while authenticating peers.
    friend bool operator==(const PublicKey& a, const PublicKey& b)
    {
        return sodium_memcmp(a.m_raw.data(), b.m_raw.data(), a.m_raw.size()) == 0;
    }
    friend bool operator!=(const PublicKey& a, const PublicKey& b) { return !(a == b); }
    // Ordering for maps; public keys are not secret, so this need not be constant time.
    friend bool operator<(const PublicKey& a, const PublicKey& b) { return a.m_raw < b.m_raw; }
    friend size_t qHash(const PublicKey& key, size_t seed = 0)
    {
        return qHashBits(key.m_raw.data(), key.m_raw.size(), seed);
    }

private:
    Key32 m_raw;
};

} // namespace keel::crypto
