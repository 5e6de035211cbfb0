#pragma once

#include "crypto/Keys.h"

#include <QList>
#include <QSslCertificate>

namespace keel::derp {

// derper's TLS "meta certificate" (spec A.2.2): a throw-away self-signed Ed25519 certificate whose
// subject CN is "derpkey" + the server's public key in hex and whose serial number is the DERP
// protocol version. Appended to the end of the TLS chain, it lets a client on TLS 1.3 learn the
// key before any HTTP and start DERP at once (Derp-Fast-Start). It signs nothing and chains to
// nothing; certificate verification ignores it.
class MetaCertificate
{
public:
    static constexpr const char* CommonNamePrefix = "derpkey";

    // Valid from 30 days ago to 30 days ahead, as derper makes it. Null on an OpenSSL failure.
    static QSslCertificate create(const crypto::NodePublic& serverKey);

    // What a client reads from the peer chain: the key of the first certificate whose CN starts
    // with "derpkey" and holds 64 hex digits and whose serial fits in 8 bits (the version).
    struct Found
    {
        crypto::NodePublic serverKey;
        int protocolVersion = 0;
    };
    static std::optional<Found> find(const QList<QSslCertificate>& chain);
};

} // namespace keel::derp
