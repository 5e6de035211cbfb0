#include "backup/ImportValues.h"

#include <QStringList>

namespace keel::store::ImportValues {

bool isIPv4(const QString& s)
{
    const QStringList parts = s.split(QLatin1Char('.'));
    if (parts.size() != 4)
        return false;
    for (const QString& p : parts) {
        if (p.isEmpty() || p.size() > 3 || (p.size() > 1 && p.startsWith(QLatin1Char('0'))))
            return false;
        bool ok = false;
        const int v = p.toInt(&ok);
        if (!ok || v < 0 || v > 255 || !p.front().isDigit())
            return false;
    }
    return true;
}

bool isIPv6(const QString& s)
{
    if (s.isEmpty() || s.size() > 45 || s.count(QLatin1String("::")) > 1)
        return false;
    QString body = s;
    int groups = 0;
    // An embedded IPv4 tail ("::ffff:1.2.3.4") counts as two groups.
    const int lastColon = body.lastIndexOf(QLatin1Char(':'));
    if (lastColon < 0)
        return false;
    if (body.indexOf(QLatin1Char('.'), lastColon) > 0) {
        if (!isIPv4(body.mid(lastColon + 1)))
            return false;
        body = body.left(lastColon + 1) + QStringLiteral("0");
        groups = 1;
    }
    const bool compressed = body.contains(QLatin1String("::"));
    const QStringList halves = body.split(QStringLiteral("::"));
    for (const QString& half : halves) {
        if (half.isEmpty())
            continue;
        for (const QString& g : half.split(QLatin1Char(':'))) {
            if (g.isEmpty() || g.size() > 4)
                return false;
            for (const QChar c : g)
                if (!c.isDigit() && !(c.toLower() >= QLatin1Char('a') && c.toLower() <= QLatin1Char('f')))
                    return false;
            ++groups;
        }
    }
    return compressed ? groups < 8 : groups == 8;
}

bool isIp(const QString& s)
{
    return isIPv4(s) || isIPv6(s);
}

bool isPrefix(const QString& s)
{
    const int slash = s.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return false;
    const QString addr = s.left(slash);
    const QString len = s.mid(slash + 1);
    bool ok = false;
    const int bits = len.toInt(&ok);
    if (!ok || len.isEmpty() || !len.front().isDigit())
        return false;
    if (isIPv4(addr))
        return bits >= 0 && bits <= 32;
    if (isIPv6(addr))
        return bits >= 0 && bits <= 128;
    return false;
}

} // namespace keel::store::ImportValues
