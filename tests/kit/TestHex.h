#pragma once

#include "crypto/KeyText.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace keel::test {

// Strict hex decoding for test vectors (QByteArray::fromHex silently skips bad characters).
inline std::optional<QByteArray> strictHex(QStringView hex, QString* error = nullptr)
{
    if (hex.size() % 2 != 0) {
        if (error)
            *error = QStringLiteral("odd number of hex digits");
        return std::nullopt;
    }
    QByteArray out(hex.size() / 2, '\0');
    if (!keel::crypto::keytext::parseHex(hex, reinterpret_cast<unsigned char*>(out.data()), size_t(out.size()), error))
        return std::nullopt;
    return out;
}

} // namespace keel::test
