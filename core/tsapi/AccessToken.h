#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace keel::tsapi {

// The access tokens POST /api/v2/oauth/token hands out: "keel-oauth-<payload>.<mac>", where the
// payload (base64url JSON) names the OAuth client's row id, the scopes and the expiry, and the
// mac is HMAC-SHA256 over the payload with the server's token key (State::accessTokenKey). Nothing
// is stored per token, so tokens survive a restart; deleting the client revokes every token it
// issued, because verification also requires the client to still exist (the caller checks).
class AccessToken
{
public:
    static constexpr int LifetimeSecs = 3600; // Tailscale's: one hour

    qint64 clientRowId = 0;
    QStringList scopes;
    QDateTime expires;

    static bool looksLikeToken(const QString& text) { return text.startsWith(QLatin1String("keel-oauth-")); }
    QString sign(const QByteArray& key) const;
    // nullopt when malformed, forged or expired at `now`.
    static std::optional<AccessToken> verify(const QString& text, const QByteArray& key, const QDateTime& now);
};

} // namespace keel::tsapi
