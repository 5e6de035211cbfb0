#pragma once

#include <QJsonValue>

#include <optional>

namespace keel::common {

// A JSON number as a whole 64-bit integer, or nothing when it is not one: not a number, a
// fraction, or out of range. QJsonValue keeps numbers as doubles, and converting a double outside
// qint64's range is undefined behaviour, so the range is checked first (found by fuzzing).
inline std::optional<qint64> jsonInteger(const QJsonValue& v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    // 2^63 is exactly representable; every double below it (and at or above -2^63) fits.
    constexpr double kLimit = 9223372036854775808.0;
    if (!(d >= -kLimit && d < kLimit))   // also refuses NaN and the infinities
        return std::nullopt;
    const auto n = qint64(d);
    if (double(n) != d)
        return std::nullopt;
    return n;
}

} // namespace keel::common
