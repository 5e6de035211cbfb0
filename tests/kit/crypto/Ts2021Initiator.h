#pragma once

#include "crypto/Keys.h"
#include "crypto/NoiseIK.h"
#include "crypto/TransportCodec.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace keel::crypto {

// The client side of ts2021, as tailscaled runs it (controlbase.ClientDeferred): build the 101-byte
// initiation up front (it rides in the HTTP upgrade header), then feed() whatever the server sends
// after the 101. Used by the test client, the benchmark and the node simulator.
class Ts2021Initiator {
public:
    enum class Status { NeedMore, Done, Failed };

    Ts2021Initiator(const MachinePrivate& machineKey, const MachinePublic& controlKey, quint16 version);
    // Fixed ephemeral key, for test vectors only.
    Ts2021Initiator(const MachinePrivate& machineKey, const MachinePublic& controlKey, quint16 version,
                    const MachinePrivate& ephemeral);

    // The 101-byte initiation message (empty if the handshake could not even start).
    QByteArray initiation() const { return m_initiation; }

    // Consumes the response (or a type-3 error frame). Bytes after the response are transport
    // records and go straight into the codec. Once Done or Failed, further calls change nothing.
    Status feed(QByteArrayView bytes);
    Status status() const { return m_status; }
    QString errorString() const { return m_error; }

    // After Done: the codec (sends with k1, receives with k2) and the handshake hash.
    std::optional<TransportCodec> takeCodec() { return std::exchange(m_codec, std::nullopt); }
    const Digest32& handshakeHash() const { return m_noise.handshakeHash(); }

private:
    Status fail(const QString& error);

    NoiseIK m_noise;
    QByteArray m_initiation;
    QByteArray m_buffer;
    Status m_status = Status::NeedMore;
    QString m_error;
    std::optional<TransportCodec> m_codec;
};

} // namespace keel::crypto
