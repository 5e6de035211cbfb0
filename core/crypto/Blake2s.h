#pragma once

#include <QByteArrayView>

#include <array>
#include <initializer_list>

namespace keel::crypto {

using Digest32 = std::array<unsigned char, 32>;

// BLAKE2s-256 and the HMAC/HKDF built on it, as Noise uses them (OpenSSL 3 EVP; libsodium has no
// BLAKE2s). HMAC is the RFC 2104 construction over BLAKE2s (block 64), not keyed BLAKE2s.
namespace blake2s {

// H(part1 || part2 || ...)
Digest32 hash(std::initializer_list<QByteArrayView> parts);

Digest32 hmac(QByteArrayView key, std::initializer_list<QByteArrayView> parts);

// Noise's HKDF with two outputs: salt = chaining key, info empty (Noise spec section 4.3).
void hkdf2(const Digest32& chainingKey, QByteArrayView inputKeyMaterial, Digest32& out1, Digest32& out2);

inline QByteArrayView view(const Digest32& d)
{
    return QByteArrayView(reinterpret_cast<const char*>(d.data()), qsizetype(d.size()));
}

} // namespace blake2s
} // namespace keel::crypto
