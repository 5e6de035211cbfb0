#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace keel::auth {

// What Keel takes from an ID token (and the UserInfo response): who the person is at the provider
// and what to show for them. Lenient where providers are known to differ (Headscale's rules):
// `email_verified` may be the string "true", `groups` may be one string instead of an array.
struct OidcClaims
{
    QString iss;
    QString sub;
    QString name;               // display name
    QString preferredUsername;  // becomes the user name when it is a valid one
    QString email;
    bool emailVerified = false;
    QString picture;
    QStringList groups;

    static OidcClaims fromJson(const QJsonObject& claims);
    // UserInfo wins over the ID token for each value it has (OpenID Connect Core 5.3.2: only when its
    // `sub` is the token's; otherwise it is ignored and false is returned). Groups are replaced
    // only when UserInfo names some.
    bool mergeUserInfo(const QJsonObject& userInfo);

    // The provider identifier a user is matched by: issuer and subject joined by one slash, with
    // empty and whitespace-only path segments removed and the scheme lower-cased (the same string
    // Headscale stores, so users imported from a Headscale database match).
    QString identifier() const;
    static QString cleanIdentifier(const QString& identifier);
};

// oidc.allowed_* and oidc.email_verified_required, in Headscale's order: groups first, then (only
// when the email can be trusted) domains and users, which look at the email address.
struct OidcAccessRules
{
    QStringList allowedDomains;
    QStringList allowedUsers;   // email addresses
    QStringList allowedGroups;
    bool emailVerifiedRequired = true;

    // Empty when the person may log in; otherwise a sentence for the refusal page.
    QString refusal(const OidcClaims& claims) const;
    bool trustsEmail(const OidcClaims& claims) const { return !emailVerifiedRequired || claims.emailVerified; }
};

} // namespace keel::auth
