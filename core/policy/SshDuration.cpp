#include "policy/SshDuration.h"

namespace keel::policy {

std::optional<double> SshDuration::parseSeconds(const QString& text)
{
    QString s = text;
    double sign = 1;
    if (s.startsWith(QLatin1Char('-')) || s.startsWith(QLatin1Char('+'))) {
        sign = s.startsWith(QLatin1Char('-')) ? -1 : 1;
        s = s.mid(1);
    }
    if (s == QLatin1String("0"))
        return 0.0;
    if (s.isEmpty())
        return std::nullopt;
    double total = 0;
    int i = 0;
    while (i < s.size()) {
        const int start = i;
        while (i < s.size() && (s[i].isDigit() || s[i] == QLatin1Char('.')))
            ++i;
        if (i == start)
            return std::nullopt;
        bool ok = false;
        const double v = s.mid(start, i - start).toDouble(&ok);
        if (!ok)
            return std::nullopt;
        const int ustart = i;
        while (i < s.size() && !s[i].isDigit() && s[i] != QLatin1Char('.'))
            ++i;
        const QString unit = s.mid(ustart, i - ustart);
        double mult = 0;
        if (unit == QLatin1String("h"))
            mult = 3600;
        else if (unit == QLatin1String("m"))
            mult = 60;
        else if (unit == QLatin1String("s"))
            mult = 1;
        else if (unit == QLatin1String("ms"))
            mult = 1e-3;
        else if (unit == QLatin1String("us") || unit == QStringLiteral("\u00b5s") || unit == QStringLiteral("\u03bcs")) // Go: micro sign or Greek mu
            mult = 1e-6;
        else if (unit == QLatin1String("ns"))
            mult = 1e-9;
        else
            return std::nullopt;
        total += v * mult;
    }
    return sign * total;
}

bool SshDuration::validate(const QString& text, QString* error)
{
    const auto secs = parseSeconds(text);
    if (!secs) {
        *error = QStringLiteral("invalid duration");
        return false;
    }
    if (*secs < 0) {
        *error = QStringLiteral("must be a positive duration");
        return false;
    }
    if (*secs > 168 * 3600) {
        *error = QStringLiteral("is above the max (168h)");
        return false;
    }
    return true;
}

} // namespace keel::policy
