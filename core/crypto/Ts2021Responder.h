#pragma once

#include "crypto/Blake2s.h"
#include "crypto/Keys.h"
#include "crypto/TransportCodec.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace keel::crypto {

// What the server learns and must send after a ts2021 initiation (control.md 2.5, 2.6).
struct Ts2021Accept {
    bool ok() const { return codec.has_value(); }

    quint16 version = 0;        // the client's capability version (first two bytes of the initiation)
    MachinePublic machineKey;   // the authenticated client machine key
    QByteArray response;        // the 51-byte handshake response: the first bytes to send
    Digest32 handshakeHash{};   // final h, for channel binding
    std::optional<TransportCodec> codec; // sends with k2, receives with k1

    QString error;              // why the handshake was refused (for logs)
    QByteArray errorFrame;      // a type-3 frame to send before closing; empty when none is due
};

// The server side of the ts2021 handshake. Tailscale's server (controlhttpserver) writes its
// "101 Switching Protocols" before running this, then sends either `response` or `errorFrame`.
// Like Go, framing errors get an error frame with the Go wording, cryptographic failures get none.
class Ts2021Responder {
public:
    // `initiation` is the decoded X-Tailscale-Handshake value (ts2021::decodeHandshakeHeader).
    static Ts2021Accept accept(QByteArrayView initiation, const MachinePrivate& serverKey);

    // The same code path with a caller-chosen ephemeral key. For replaying recorded sessions and
    // fixed test vectors only: a real server must use accept(), which draws a fresh key.
    static Ts2021Accept acceptWithEphemeral(QByteArrayView initiation, const MachinePrivate& serverKey,
                                            const MachinePrivate& ephemeral);
};

} // namespace keel::crypto
