#pragma once

#include <QByteArray>

#include <optional>

namespace keel::control {

// The map stream's message framing (control.md 4.3): a 4-byte little-endian length, then the JSON,
// as one independent zstd frame when the client asked for "zstd".
class MapSessionFraming
{
public:
    static QByteArray frame(const QByteArray& json, bool zstd);
    // The reverse, for tests and our own client: one message from the front of `buffer` (consumed),
    // std::nullopt while incomplete; sets *error (and returns nullopt) on a corrupt message.
    static std::optional<QByteArray> takeMessage(QByteArray& buffer, bool zstd, QString* error);
};

} // namespace keel::control
