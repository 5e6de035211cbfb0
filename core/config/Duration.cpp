#include "config/Duration.h"

#include <array>

namespace keel::config {

namespace {

struct Unit
{
    const char* name;
    qint64 ms;
};

constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
constexpr qint64 kWeek = 7 * kDay;
constexpr qint64 kYear = 365 * kDay;

// Prometheus' order: a unit may only follow the larger ones ("1h30m", never "30m1h").
constexpr std::array<Unit, 7> kUnits{{{"y", kYear}, {"w", kWeek}, {"d", kDay}, {"h", kHour},
                                      {"m", kMinute}, {"s", kSecond}, {"ms", 1}}};

bool fail(QString* error, const QString& why)
{
    if (error)
        *error = why;
    return false;
}

} // namespace

std::optional<qint64> parseDurationMs(const QString& text, QString* error)
{
    const QString s = text.trimmed();
    if (s.isEmpty()) {
        fail(error, QStringLiteral("empty duration"));
        return std::nullopt;
    }
    if (s == QLatin1String("0"))
        return 0;

    const QString syntax = QStringLiteral("expected a duration such as 30s, 15m, 24h, 90d, 1w, 1y or 1h30m");
    qsizetype pos = 0;
    std::size_t nextUnit = 0;   // index in kUnits of the smallest unit still allowed
    qint64 total = 0;
    while (pos < s.size()) {
        const qsizetype digitsStart = pos;
        while (pos < s.size() && s.at(pos).isDigit() && s.at(pos).unicode() < 128)
            ++pos;
        if (pos == digitsStart) {
            fail(error, QStringLiteral("invalid duration \"%1\": %2").arg(text, syntax));
            return std::nullopt;
        }
        if (pos - digitsStart > 12) {
            fail(error, QStringLiteral("invalid duration \"%1\": number too large").arg(text));
            return std::nullopt;
        }
        const qint64 number = s.mid(digitsStart, pos - digitsStart).toLongLong();
        const qsizetype unitStart = pos;
        while (pos < s.size() && s.at(pos).isLetter())
            ++pos;
        const QString unit = s.mid(unitStart, pos - unitStart);
        if (unit.isEmpty()) {
            fail(error, QStringLiteral("invalid duration \"%1\": missing unit (%2)").arg(text, syntax));
            return std::nullopt;
        }
        std::size_t found = kUnits.size();
        for (std::size_t i = 0; i < kUnits.size(); ++i) {
            if (unit == QLatin1String(kUnits[i].name)) {
                found = i;
                break;
            }
        }
        if (found == kUnits.size()) {
            fail(error, QStringLiteral("invalid duration \"%1\": unknown unit \"%2\" (units: y, w, d, h, m, s, ms)").arg(text, unit));
            return std::nullopt;
        }
        if (found < nextUnit) {
            fail(error, QStringLiteral("invalid duration \"%1\": units must go from largest to smallest, each once (e.g. 1h30m)").arg(text));
            return std::nullopt;
        }
        nextUnit = found + 1;
        // Cap well below qint64 (about 146 million years) so the sum can never overflow.
        constexpr qint64 kMax = qint64(1) << 62;
        if (number > kMax / kUnits[found].ms || total > kMax - number * kUnits[found].ms) {
            fail(error, QStringLiteral("invalid duration \"%1\": too large").arg(text));
            return std::nullopt;
        }
        total += number * kUnits[found].ms;
    }
    return total;
}

QString formatDuration(qint64 ms)
{
    if (ms == 0)
        return QStringLiteral("0s");
    QString out;
    if (ms < 0) {
        out = QStringLiteral("-");
        ms = -ms;
    }
    const qint64 days = ms / kDay;
    ms %= kDay;
    // Keep what people write: 90d stays "90d" rather than "12w6d".
    if (days > 0) {
        if (days % 365 == 0)
            out += QString::number(days / 365) + QLatin1Char('y');
        else if (days % 7 == 0)
            out += QString::number(days / 7) + QLatin1Char('w');
        else
            out += QString::number(days) + QLatin1Char('d');
    }
    for (std::size_t i = 3; i < kUnits.size(); ++i) {
        const qint64 n = ms / kUnits[i].ms;
        if (n > 0) {
            out += QString::number(n) + QLatin1String(kUnits[i].name);
            ms -= n * kUnits[i].ms;
        }
    }
    return out;
}

} // namespace keel::config
