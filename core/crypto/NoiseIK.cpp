#include "crypto/NoiseIK.h"

#include <sodium.h>

#include <cstring>

namespace keel::crypto {

namespace {

using blake2s::view; // Key32 and Digest32 are the same 32-byte array type

Key32 key32(QByteArrayView bytes)
{
    Key32 k;
    std::memcpy(k.data(), bytes.data(), k.size());
    return k;
}

const QString kLowOrder = QStringLiteral("X25519 gave an all-zero result (low-order public key)");

} // namespace

NoiseIK::NoiseIK(Role role, QByteArrayView prologue, const Key32& staticPrivate, const Key32& ephemeralPrivate)
    : m_role(role), m_state(QByteArrayView(kProtocolName)), m_staticPrivate(staticPrivate),
      m_ephemeralPrivate(ephemeralPrivate)
{
    x25519::publicFromPrivate(m_staticPublic, m_staticPrivate);
    x25519::publicFromPrivate(m_ephemeralPublic, m_ephemeralPrivate);
    m_state.mixHash(prologue);
}

NoiseIK NoiseIK::initiator(QByteArrayView prologue, const Key32& staticPrivate, const Key32& remoteStaticPublic,
                           const Key32& ephemeralPrivate)
{
    NoiseIK hs(Role::Initiator, prologue, staticPrivate, ephemeralPrivate);
    hs.m_remoteStatic = remoteStaticPublic;
    hs.m_state.mixHash(view(remoteStaticPublic)); // pre-message <- s
    return hs;
}

NoiseIK NoiseIK::responder(QByteArrayView prologue, const Key32& staticPrivate, const Key32& ephemeralPrivate)
{
    NoiseIK hs(Role::Responder, prologue, staticPrivate, ephemeralPrivate);
    hs.m_state.mixHash(view(hs.m_staticPublic)); // pre-message <- s
    return hs;
}

NoiseIK::~NoiseIK()
{
    sodium_memzero(m_staticPrivate.data(), m_staticPrivate.size());
    sodium_memzero(m_ephemeralPrivate.data(), m_ephemeralPrivate.size());
}

bool NoiseIK::expect(Role role, Step step)
{
    if (m_step == Step::Failed)
        return false;
    if (m_role != role || m_step != step) {
        m_error = QStringLiteral("handshake step called out of order");
        m_step = Step::Failed;
        return false;
    }
    return true;
}

std::nullopt_t NoiseIK::fail(const QString& error)
{
    m_error = error;
    m_step = Step::Failed;
    return std::nullopt;
}

std::optional<QByteArray> NoiseIK::writeMessageA(QByteArrayView payload)
{
    if (!expect(Role::Initiator, Step::MessageA))
        return std::nullopt;
    QByteArray msg;
    msg.reserve(kMessageAOverhead + payload.size());
    msg.append(view(m_ephemeralPublic)); // e
    m_state.mixHash(view(m_ephemeralPublic));
    if (!m_state.mixDh(m_ephemeralPrivate, m_remoteStatic)) // es
        return fail(kLowOrder);
    if (!m_state.encryptAndHash(view(m_staticPublic), msg)) // s
        return fail(QStringLiteral("encrypting the static key failed"));
    if (!m_state.mixDh(m_staticPrivate, m_remoteStatic)) // ss
        return fail(kLowOrder);
    if (!m_state.encryptAndHash(payload, msg))
        return fail(QStringLiteral("encrypting the payload failed"));
    m_step = Step::MessageB;
    return msg;
}

std::optional<QByteArray> NoiseIK::readMessageA(QByteArrayView message)
{
    if (!expect(Role::Responder, Step::MessageA))
        return std::nullopt;
    if (message.size() < kMessageAOverhead)
        return fail(QStringLiteral("handshake message A is %1 bytes, shorter than the minimum %2")
                        .arg(message.size())
                        .arg(kMessageAOverhead));
    m_remoteEphemeral = key32(message.first(kKeySize)); // e
    m_state.mixHash(message.first(kKeySize));
    if (!m_state.mixDh(m_staticPrivate, m_remoteEphemeral)) // es
        return fail(kLowOrder);
    std::optional<QByteArray> remoteStatic = m_state.decryptAndHash(message.sliced(kKeySize, kKeySize + kTagSize)); // s
    if (!remoteStatic)
        return fail(QStringLiteral("cannot decrypt the initiator's static key (wrong server key?)"));
    m_remoteStatic = key32(*remoteStatic);
    if (!m_state.mixDh(m_staticPrivate, m_remoteStatic)) // ss
        return fail(kLowOrder);
    std::optional<QByteArray> payload = m_state.decryptAndHash(message.sliced(kKeySize + kKeySize + kTagSize));
    if (!payload)
        return fail(QStringLiteral("handshake message A failed authentication"));
    m_step = Step::MessageB;
    return payload;
}

std::optional<QByteArray> NoiseIK::writeMessageB(QByteArrayView payload)
{
    if (!expect(Role::Responder, Step::MessageB))
        return std::nullopt;
    QByteArray msg;
    msg.reserve(kMessageBOverhead + payload.size());
    msg.append(view(m_ephemeralPublic)); // e
    m_state.mixHash(view(m_ephemeralPublic));
    if (!m_state.mixDh(m_ephemeralPrivate, m_remoteEphemeral)) // ee
        return fail(kLowOrder);
    if (!m_state.mixDh(m_ephemeralPrivate, m_remoteStatic)) // se
        return fail(kLowOrder);
    if (!m_state.encryptAndHash(payload, msg))
        return fail(QStringLiteral("encrypting the payload failed"));
    m_step = Step::Done;
    return msg;
}

std::optional<QByteArray> NoiseIK::readMessageB(QByteArrayView message)
{
    if (!expect(Role::Initiator, Step::MessageB))
        return std::nullopt;
    if (message.size() < kMessageBOverhead)
        return fail(QStringLiteral("handshake message B is %1 bytes, shorter than the minimum %2")
                        .arg(message.size())
                        .arg(kMessageBOverhead));
    m_remoteEphemeral = key32(message.first(kKeySize)); // e
    m_state.mixHash(message.first(kKeySize));
    if (!m_state.mixDh(m_ephemeralPrivate, m_remoteEphemeral)) // ee
        return fail(kLowOrder);
    if (!m_state.mixDh(m_staticPrivate, m_remoteEphemeral)) // se
        return fail(kLowOrder);
    std::optional<QByteArray> payload = m_state.decryptAndHash(message.sliced(kKeySize));
    if (!payload)
        return fail(QStringLiteral("handshake message B failed authentication"));
    m_step = Step::Done;
    return payload;
}

std::optional<std::pair<Key32, Key32>> NoiseIK::splitKeys() const
{
    if (m_step != Step::Done)
        return std::nullopt;
    return m_state.splitKeys();
}

} // namespace keel::crypto
