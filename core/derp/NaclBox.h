#pragma once

#include "crypto/X25519.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace keel::derp {

// NaCl crypto_box (X25519 + XSalsa20-Poly1305) as DERP uses it for ClientInfo and ServerInfo:
// a random 24-byte nonce followed by libsodium's crypto_box_easy output. Same layout as Go's
// key.NodePrivate.SealTo / OpenFrom.
class NaclBox
{
public:
    // Empty when the recipient key is a low-order point (no shared secret).
    static QByteArray seal(QByteArrayView plaintext, const crypto::Key32& senderPrivate, const crypto::Key32& recipientPublic);
    // Nothing when the box is too short or does not authenticate.
    static std::optional<QByteArray> open(QByteArrayView sealed, const crypto::Key32& recipientPrivate, const crypto::Key32& senderPublic);
};

} // namespace keel::derp
