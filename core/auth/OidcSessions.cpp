#include "auth/OidcSessions.h"

#include "auth/Jwt.h"

#include <QCryptographicHash>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <type_traits>

namespace keel::auth {

OidcSessions::OidcSessions(qint64 ttlMs, int maxEntries)
    : m_ttlMs(ttlMs)
    , m_maxEntries(maxEntries)
{
}

QString OidcSessions::randomToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), int(bytes.size())) != 1)
        qFatal("OpenSSL RAND_bytes failed");
    return QString::fromLatin1(Jwt::base64UrlEncode(bytes));
}

QString OidcSessions::codeChallenge(const QString& verifier, const QString& method)
{
    if (method == QLatin1String("plain"))
        return verifier;
    return QString::fromLatin1(Jwt::base64UrlEncode(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)));
}

bool OidcSessions::equal(const QString& a, const QString& b)
{
    const QByteArray x = a.toUtf8(), y = b.toUtf8();
    return x.size() == y.size() && CRYPTO_memcmp(x.constData(), y.constData(), size_t(x.size())) == 0;
}

template<typename T> void OidcSessions::evict(QHash<QString, T>& table, const QDateTime& now)
{
    const auto createdOf = [](const auto& v) {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, Login>)
            return v.created;
        else
            return v.second.created;
    };
    for (auto it = table.begin(); it != table.end();)
        it = createdOf(*it).msecsTo(now) >= m_ttlMs ? table.erase(it) : std::next(it);
    while (m_maxEntries > 0 && table.size() >= m_maxEntries) {
        auto oldest = table.begin();
        for (auto it = table.begin(); it != table.end(); ++it)
            if (createdOf(*it) < createdOf(*oldest))
                oldest = it;
        table.erase(oldest);
    }
}

QString OidcSessions::beginLogin(const QString& authId, const QString& nonce, const QString& codeVerifier, const QDateTime& now)
{
    evict(m_logins, now);
    const QString state = randomToken();
    m_logins.insert(state, Login{authId, nonce, codeVerifier, now});
    return state;
}

std::optional<OidcSessions::Login> OidcSessions::takeLogin(const QString& state, const QDateTime& now)
{
    const auto it = m_logins.constFind(state);
    if (it == m_logins.constEnd())
        return std::nullopt;
    const Login login = *it;
    m_logins.erase(it);
    if (login.created.msecsTo(now) >= m_ttlMs)
        return std::nullopt;
    return login;
}

QString OidcSessions::beginConfirmation(const Confirmation& c)
{
    evict(m_confirmations, c.created);
    const QString token = randomToken();
    m_confirmations.insert(c.authId, {token, c}); // a second login for the same machine replaces the first
    return token;
}

std::optional<OidcSessions::Confirmation> OidcSessions::takeConfirmation(const QString& authId, const QString& token, const QDateTime& now)
{
    const auto it = m_confirmations.constFind(authId);
    if (it == m_confirmations.constEnd() || !equal(it->first, token))
        return std::nullopt;
    const Confirmation c = it->second;
    m_confirmations.erase(it);
    if (c.created.msecsTo(now) >= m_ttlMs)
        return std::nullopt;
    return c;
}

} // namespace keel::auth
