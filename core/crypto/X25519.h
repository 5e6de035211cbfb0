#pragma once

#include <array>

namespace keel::crypto {

using Key32 = std::array<unsigned char, 32>;

// X25519 through libsodium. Every entry point initialises libsodium once (thread-safe).
namespace x25519 {

void ensureInitialized();

// Fills `out` with a fresh random scalar, clamped the way Go's key.NewMachine/NewNode do, so a key
// written to disk is byte-identical to what Tailscale code would have produced.
void generatePrivate(Key32& out);

// out = X25519(priv, basepoint).
void publicFromPrivate(Key32& out, const Key32& priv);

// out = X25519(priv, pub). Returns false when the result is all zero (a low-order point), which
// Noise and Go's curve25519.X25519 treat as an error.
[[nodiscard]] bool sharedSecret(Key32& out, const Key32& priv, const Key32& pub);

} // namespace x25519
} // namespace keel::crypto
