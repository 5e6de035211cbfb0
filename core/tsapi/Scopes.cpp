#include "tsapi/Scopes.h"

#include <QRegularExpression>

namespace keel::tsapi {

namespace {

// What an older scope name stands for, in current names.
QStringList expand(const QString& scope)
{
    if (scope == QLatin1String("devices"))
        return {QStringLiteral("devices:core"), QStringLiteral("devices:routes"), QStringLiteral("auth_keys")};
    if (scope == QLatin1String("devices:read"))
        return {QStringLiteral("devices:core:read"), QStringLiteral("devices:routes:read"), QStringLiteral("auth_keys:read")};
    if (scope == QLatin1String("routes"))
        return {QStringLiteral("devices:routes")};
    if (scope == QLatin1String("routes:read"))
        return {QStringLiteral("devices:routes:read")};
    if (scope == QLatin1String("acl"))
        return {QStringLiteral("policy_file")};
    if (scope == QLatin1String("acl:read"))
        return {QStringLiteral("policy_file:read")};
    return {scope};
}

} // namespace

const QStringList& Scopes::known()
{
    static const QStringList names = {
        QStringLiteral("all"), QStringLiteral("all:read"),
        QStringLiteral("devices:core"), QStringLiteral("devices:core:read"),
        QStringLiteral("devices:routes"), QStringLiteral("devices:routes:read"),
        QStringLiteral("auth_keys"), QStringLiteral("auth_keys:read"),
        QStringLiteral("policy_file"), QStringLiteral("policy_file:read"),
        QStringLiteral("dns"), QStringLiteral("dns:read"),
        QStringLiteral("users"), QStringLiteral("users:read"),
        QStringLiteral("devices"), QStringLiteral("devices:read"),
        QStringLiteral("routes"), QStringLiteral("routes:read"),
        QStringLiteral("acl"), QStringLiteral("acl:read"),
    };
    return names;
}

bool Scopes::allows(const QStringList& granted, const QString& required)
{
    const bool isRead = required.endsWith(QLatin1String(":read"));
    const QString base = isRead ? required.chopped(5) : required;
    for (const QString& g : granted) {
        if (g == QLatin1String("all") || (isRead && g == QLatin1String("all:read")))
            return true;
        for (const QString& s : expand(g)) {
            if (s == required || (isRead && s == base))
                return true;
        }
    }
    return false;
}

QStringList Scopes::parse(const QString& text)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    QStringList out = text.split(separators, Qt::SkipEmptyParts);
    out.removeDuplicates();
    return out;
}

QString Scopes::firstUnknown(const QStringList& scopes)
{
    for (const QString& s : scopes) {
        if (!known().contains(s))
            return s;
    }
    return {};
}

bool Scopes::needsTags(const QStringList& scopes)
{
    for (const QString& s : scopes) {
        for (const QString& e : expand(s)) {
            if (e == QLatin1String("devices:core") || e == QLatin1String("auth_keys"))
                return true;
        }
    }
    return false;
}

} // namespace keel::tsapi
