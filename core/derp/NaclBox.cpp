#include "derp/NaclBox.h"

#include "derp/DerpProtocol.h"

#include <sodium.h>

namespace keel::derp {

QByteArray NaclBox::seal(QByteArrayView plaintext, const crypto::Key32& senderPrivate, const crypto::Key32& recipientPublic)
{
    crypto::x25519::ensureInitialized();
    QByteArray out(NonceLength + crypto_box_MACBYTES + plaintext.size(), Qt::Uninitialized);
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, NonceLength);
    // Fails only for a low-order public key; the caller then has nothing to send and closes.
    if (crypto_box_easy(nonce + NonceLength, reinterpret_cast<const unsigned char*>(plaintext.data()),
                    quint64(plaintext.size()), nonce, recipientPublic.data(), senderPrivate.data()) != 0)
        return {};
    return out;
}

std::optional<QByteArray> NaclBox::open(QByteArrayView sealed, const crypto::Key32& recipientPrivate, const crypto::Key32& senderPublic)
{
    if (sealed.size() < NonceLength + qsizetype(crypto_box_MACBYTES))
        return std::nullopt;
    crypto::x25519::ensureInitialized();
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
    const qsizetype cipherLength = sealed.size() - NonceLength;
    QByteArray plain(cipherLength - qsizetype(crypto_box_MACBYTES), Qt::Uninitialized);
    if (crypto_box_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + NonceLength, quint64(cipherLength),
                             nonce, senderPublic.data(), recipientPrivate.data()) != 0)
        return std::nullopt;
    return plain;
}

} // namespace keel::derp
