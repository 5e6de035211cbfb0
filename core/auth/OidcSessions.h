#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

#include <optional>

namespace keel::auth {

// The server-side half of the logins in flight, so nothing a browser carries can be forged:
// - a login: `state` (the key, also set as a cookie) -> the registration it is for, the nonce and
//   the PKCE verifier. Single use: the callback takes it out, so a replayed callback finds nothing.
// - a confirmation: after a good callback, a random token the confirmation form must post back
//   (and the same browser's cookie must carry), bound to the registration and the user.
// Both expire after `ttlMs` and are bounded in number (the oldest go first), since anyone can
// open /register/<id> and start a login.
class OidcSessions
{
public:
    struct Login
    {
        QString authId;
        QString nonce;
        QString codeVerifier; // empty without PKCE
        QDateTime created;
    };
    struct Confirmation
    {
        QString authId;
        qint64 userId = 0;
        std::optional<QDateTime> nodeExpiry; // from the token with use_expiry_from_token
        QDateTime created;
    };

    OidcSessions(qint64 ttlMs, int maxEntries);

    // Returns the new state.
    QString beginLogin(const QString& authId, const QString& nonce, const QString& codeVerifier, const QDateTime& now);
    std::optional<Login> takeLogin(const QString& state, const QDateTime& now);
    // Returns the CSRF token.
    QString beginConfirmation(const Confirmation& c);
    // The confirmation for `authId` if `token` is its token and it has not expired; consumed.
    std::optional<Confirmation> takeConfirmation(const QString& authId, const QString& token, const QDateTime& now);

    int loginCount() const { return int(m_logins.size()); }

    // 32 random bytes, base64url: states, nonces, PKCE verifiers, CSRF tokens.
    static QString randomToken();
    // RFC 7636: S256 = base64url(SHA-256(verifier)); plain = the verifier.
    static QString codeChallenge(const QString& verifier, const QString& method);
    // Constant-time equality for secrets.
    static bool equal(const QString& a, const QString& b);

private:
    template<typename T> void evict(QHash<QString, T>& table, const QDateTime& now);

    qint64 m_ttlMs;
    int m_maxEntries;
    QHash<QString, Login> m_logins;
    QHash<QString, std::pair<QString, Confirmation>> m_confirmations; // authId -> (token, confirmation)
};

} // namespace keel::auth
