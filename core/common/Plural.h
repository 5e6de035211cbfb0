#pragma once

#include <QString>

namespace keel {

// "1 user", "3 users", "0 users": counts in messages read as English, not "1 users" or "1 user(s)".
// `many` is needed only when adding "s" is wrong ("1 policy", "2 policies").
inline QString plural(qint64 count, const QString& one, const QString& many = QString())
{
    return QStringLiteral("%1 %2").arg(count).arg(count == 1 ? one : (many.isEmpty() ? one + QLatin1Char('s') : many));
}

} // namespace keel
