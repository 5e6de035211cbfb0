#pragma once

#include "crypto/CipherState.h"
#include "crypto/SymmetricState.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace keel::crypto {

// The Noise IK handshake (Noise_IK_25519_ChaChaPoly_BLAKE2s), both roles, generic over prologue
// and payloads:
//   <- s
//   ...
//   -> e, es, s, ss      (message A, initiator -> responder)
//   <- e, ee, se         (message B, responder -> initiator)
// Ephemeral keys come from the caller so tests can replay fixed vectors through the real code;
// production callers pass freshly generated ones. Each step may be called once, in order; any
// failure is final and errorString() says what went wrong.
class NoiseIK {
public:
    static constexpr const char* kProtocolName = "Noise_IK_25519_ChaChaPoly_BLAKE2s";
    static constexpr qsizetype kKeySize = 32;
    static constexpr qsizetype kTagSize = 16;
    static constexpr qsizetype kMessageAOverhead = kKeySize + kKeySize + kTagSize + kTagSize; // 96
    static constexpr qsizetype kMessageBOverhead = kKeySize + kTagSize;                       // 48

    static NoiseIK initiator(QByteArrayView prologue, const Key32& staticPrivate, const Key32& remoteStaticPublic,
                             const Key32& ephemeralPrivate);
    static NoiseIK responder(QByteArrayView prologue, const Key32& staticPrivate, const Key32& ephemeralPrivate);

    ~NoiseIK();
    NoiseIK(NoiseIK&&) = default;
    NoiseIK(const NoiseIK&) = delete;
    NoiseIK& operator=(const NoiseIK&) = delete;

    // Initiator.
    std::optional<QByteArray> writeMessageA(QByteArrayView payload);
    std::optional<QByteArray> readMessageB(QByteArrayView message);
    // Responder.
    std::optional<QByteArray> readMessageA(QByteArrayView message);
    std::optional<QByteArray> writeMessageB(QByteArrayView payload);

    bool isComplete() const { return m_step == Step::Done; }
    // h at this moment (after message A it is what ts2021-real-clients.txt calls the hash after
    // initiation; once complete it is the handshake hash).
    const Digest32& handshakeHash() const { return m_state.handshakeHash(); }
    // The peer's static key: known from the start for the initiator, after message A for the responder.
    const Key32& remoteStatic() const { return m_remoteStatic; }
    const Key32& remoteEphemeral() const { return m_remoteEphemeral; }
    const Key32& localEphemeralPublic() const { return m_ephemeralPublic; }

    // Split() once complete: (initiator->responder, responder->initiator) transport keys.
    std::optional<std::pair<Key32, Key32>> splitKeys() const;

    QString errorString() const { return m_error; }

private:
    enum class Role { Initiator, Responder };
    enum class Step { MessageA, MessageB, Done, Failed };

    NoiseIK(Role role, QByteArrayView prologue, const Key32& staticPrivate, const Key32& ephemeralPrivate);
    bool expect(Role role, Step step);
    std::nullopt_t fail(const QString& error);

    Role m_role;
    Step m_step = Step::MessageA;
    SymmetricState m_state;
    Key32 m_staticPrivate;
    Key32 m_staticPublic;
    Key32 m_ephemeralPrivate;
    Key32 m_ephemeralPublic;
    Key32 m_remoteStatic{};
    Key32 m_remoteEphemeral{};
    QString m_error;
};

} // namespace keel::crypto
