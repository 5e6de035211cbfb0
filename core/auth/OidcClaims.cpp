#include "auth/OidcClaims.h"

#include <QJsonArray>
#include <QUrl>

namespace keel::auth {

namespace {

bool flexibleBool(const QJsonValue& v)
{
    if (v.isBool())
        return v.toBool();
    if (v.isString())
        return v.toString().compare(QLatin1String("true"), Qt::CaseInsensitive) == 0 || v.toString() == QLatin1String("1");
    return false;
}

QStringList flexibleList(const QJsonValue& v)
{
    if (v.isString())
        return {v.toString()};
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        if (x.isString())
            out << x.toString();
    return out;
}

QStringList cleanSegments(const QString& s)
{
    QStringList out;
    for (const QString& part : s.split(QLatin1Char('/'), Qt::SkipEmptyParts))
        if (const QString t = part.trimmed(); !t.isEmpty())
            out << t;
    return out;
}

QString orKeep(const QString& mine, const QJsonObject& o, const char* key)
{
    const QString v = o.value(QLatin1String(key)).toString();
    return v.isEmpty() ? mine : v;
}

} // namespace

OidcClaims OidcClaims::fromJson(const QJsonObject& c)
{
    OidcClaims out;
    out.iss = c.value(QLatin1String("iss")).toString();
    out.sub = c.value(QLatin1String("sub")).toString();
    out.name = c.value(QLatin1String("name")).toString();
    out.preferredUsername = c.value(QLatin1String("preferred_username")).toString();
    out.email = c.value(QLatin1String("email")).toString();
    out.emailVerified = flexibleBool(c.value(QLatin1String("email_verified")));
    out.picture = c.value(QLatin1String("picture")).toString();
    out.groups = flexibleList(c.value(QLatin1String("groups")));
    return out;
}

bool OidcClaims::mergeUserInfo(const QJsonObject& info)
{
    if (info.value(QLatin1String("sub")).toString() != sub)
        return false;
    email = orKeep(email, info, "email");
    if (info.contains(QLatin1String("email_verified")))
        emailVerified = flexibleBool(info.value(QLatin1String("email_verified"))) || emailVerified;
    preferredUsername = orKeep(preferredUsername, info, "preferred_username");
    name = orKeep(name, info, "name");
    picture = orKeep(picture, info, "picture");
    if (info.contains(QLatin1String("groups")) && !info.value(QLatin1String("groups")).isNull())
        groups = flexibleList(info.value(QLatin1String("groups")));
    return true;
}

QString OidcClaims::cleanIdentifier(const QString& raw)
{
    const QString id = raw.trimmed();
    if (id.isEmpty())
        return id;
    const QUrl url(id, QUrl::StrictMode);
    if (url.isValid() && !url.scheme().isEmpty()) {
        QUrl u = url;
        const QStringList parts = cleanSegments(u.path());
        u.setPath(parts.isEmpty() ? QString() : QLatin1Char('/') + parts.join(QLatin1Char('/')));
        u.setScheme(u.scheme().toLower());
        return u.toString();
    }
    return cleanSegments(id).join(QLatin1Char('/'));
}

QString OidcClaims::identifier() const
{
    if (iss.isEmpty() && sub.isEmpty())
        return {};
    if (iss.isEmpty())
        return QLatin1Char('/') + cleanIdentifier(sub); // Headscale keeps a leading slash here
    if (sub.isEmpty())
        return cleanIdentifier(iss);
    QString issuer = iss;
    QString subject = sub;
    if (issuer.endsWith(QLatin1Char('/')))
        issuer.chop(1);
    if (subject.startsWith(QLatin1Char('/')))
        subject.remove(0, 1);
    // Plain concatenation: resolving "." or ".." in the subject could make two people one.
    return cleanIdentifier(issuer + QLatin1Char('/') + subject);
}

QString OidcAccessRules::refusal(const OidcClaims& c) const
{
    if (!allowedGroups.isEmpty()) {
        bool member = false;
        for (const QString& g : allowedGroups)
            member = member || c.groups.contains(g);
        if (!member)
            return QStringLiteral("your account is not in any of the groups allowed to log in here (oidc.allowed_groups).");
    }
    const bool emailTests = !allowedDomains.isEmpty() || !allowedUsers.isEmpty();
    if (emailTests && !trustsEmail(c))
        return QStringLiteral("your email address %1 is not verified at the identity provider (oidc.email_verified_required).")
            .arg(c.email.isEmpty() ? QStringLiteral("(none)") : c.email);
    if (!allowedDomains.isEmpty()) {
        const qsizetype at = c.email.lastIndexOf(QLatin1Char('@'));
        if (at < 0 || !allowedDomains.contains(c.email.mid(at + 1)))
            return QStringLiteral("the domain of your email address %1 is not allowed to log in here (oidc.allowed_domains).")
                .arg(c.email.isEmpty() ? QStringLiteral("(none)") : c.email);
    }
    if (!allowedUsers.isEmpty() && !allowedUsers.contains(c.email))
        return QStringLiteral("your account %1 is not among the users allowed to log in here (oidc.allowed_users).")
            .arg(c.email.isEmpty() ? QStringLiteral("(none)") : c.email);
    return {};
}

} // namespace keel::auth
