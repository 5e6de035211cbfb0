#pragma once

#include <QByteArray>
#include <QString>

namespace keel::auth {

// Hashing and checking of key secrets.
//
// Our own secrets are 64 characters drawn uniformly from a 64-letter alphabet: 384 bits of
// entropy. A slow password hash (bcrypt, Argon2) exists to make guessing low-entropy human
// passwords expensive; against 384 random bits brute force is hopeless anyway, so one SHA-256 is
// enough and keeps every API request and registration cheap. Keys imported from a Headscale database
// carry bcrypt hashes, which we verify (never create) through libcrypt's crypt_r.
class SecretHasher
{
public:
    static inline const QString Sha256 = QStringLiteral("sha256");
    static inline const QString Bcrypt = QStringLiteral("bcrypt");
    static inline const QString Plain = QStringLiteral("plain"); // legacy pre-auth keys only

    // SHA-256 of the secret, lower-case hex (64 characters).
    static QByteArray sha256Hex(const QByteArray& secret);

    // Checks `secret` against a stored hash of the given scheme, in constant time where the hash
    // allows. Unknown schemes and malformed hashes never match.
    static bool verify(const QString& scheme, const QByteArray& storedHash, const QByteArray& secret);

    // bcrypt ($2a$, $2b$, $2y$) check via crypt_r; false for anything else.
    static bool verifyBcrypt(const QByteArray& storedHash, const QByteArray& secret);

    // Constant-time equality (CRYPTO_memcmp); different lengths never match.
    static bool constantTimeEquals(const QByteArray& a, const QByteArray& b);
};

} // namespace keel::auth
