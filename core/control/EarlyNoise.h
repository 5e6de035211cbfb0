#pragma once

#include "crypto/Keys.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace keel::control {

// The server's early payload on a ts2021 connection (control.md 2.8, tailcfg.EarlyNoise): sent as
// Noise plaintext before any HTTP/2 byte, as 5 magic bytes "\xff\xff\xffTS", a big-endian uint32
// length and the JSON {"nodeKeyChallenge":"chalpub:<hex>"}. The magic cannot start an HTTP/2
// frame header (the 9-byte header's type byte would be 'T'), which is how the client tells.
class EarlyNoise {
public:
    static constexpr qsizetype kMagicSize = 5;
    static constexpr qsizetype kHeaderSize = 9;              // magic + length
    static constexpr quint32 kMaxJsonSize = 10u << 20;       // the client refuses more (ts2021/conn.go)
    static const char kMagic[kMagicSize + 1];

    // The whole payload (header + JSON) for one connection's challenge key.
    static QByteArray encode(const crypto::ChallengePublic& challenge);
    // Parses the JSON part; a missing or malformed nodeKeyChallenge is an error, as in Go.
    static std::optional<crypto::ChallengePublic> parseJson(const QByteArray& json, QString* error);
};

} // namespace keel::control
