#pragma once

#include "auth/IdTokenVerifier.h"
#include "auth/JsonWebKey.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace keel::auth {

// Keel's side of talking to an OpenID provider (the relying party): discovery
// (`<issuer>/.well-known/openid-configuration`), the provider's keys (JWKS, refetched when a token
// names a key we do not have, at most once per `jwksRefetchIntervalMs`), the authorization URL,
// the code exchange at the token endpoint, ID token verification and UserInfo. Everything is
// asynchronous on the caller's event loop; failures come back as sentences, never as exceptions.
// TLS certificates are verified (Qt's default). Plain http is accepted only for a loopback issuer
// (a provider on the same machine, as in tests): anywhere else it would carry codes and tokens in
// the clear.
class OidcProvider : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QString issuer;
        QString clientId;
        QString clientSecret;
        QString redirectUri;          // <server_url>/oidc/callback
        QStringList scope;
        QMap<QString, QString> extraParams;
        bool pkce = false;
        QString pkceMethod = QStringLiteral("S256");
        int timeoutMs = 10'000;
        qint64 jwksRefetchIntervalMs = 60'000;
        qint64 clockSkewSeconds = 60;
    };
    struct Metadata
    {
        QString issuer;
        QUrl authorizationEndpoint, tokenEndpoint, userinfoEndpoint, jwksUri;
        QStringList tokenAuthMethods;
    };
    struct Tokens
    {
        QString error;
        QByteArray idToken;
        QString accessToken;
    };
    using Done = std::function<void(const QString& error)>;

    explicit OidcProvider(Settings settings, QObject* parent = nullptr);
    ~OidcProvider() override;

    // Empty when `url` may be used for the provider: https, or http to a loopback address.
    static QString urlProblem(const QUrl& url);

    // Discovery, then the keys. Concurrent callers share one fetch. Succeeds at once when done.
    void discover(Done done);
    bool isDiscovered() const { return m_discovered; }
    const Metadata& metadata() const { return m_metadata; }
    const Settings& settings() const { return m_settings; }

    QUrl authorizationUrl(const QString& state, const QString& nonce, const QString& codeVerifier) const;
    void exchangeCode(const QString& code, const QString& codeVerifier, std::function<void(const Tokens&)> done);
    // Verifies against the cached keys; a token naming an unknown key refetches the key set first
    // (rotation at the provider), unless such a refetch happened less than jwksRefetchIntervalMs
    // ago: tokens with made-up key ids cannot make Keel hammer the provider.
    void verifyIdToken(const QByteArray& token, const QString& nonce, std::function<void(const IdTokenVerifier::Result&)> done);
    // The UserInfo response; an empty object and a sentence when there is none or it fails.
    void fetchUserInfo(const QString& accessToken, std::function<void(const QJsonObject&, const QString& error)> done);

    int jwksFetchCount() const { return m_jwksFetches; }

private:
    void getJson(const QUrl& url, const QString& bearer, std::function<void(const QJsonObject&, const QString&)> done);
    void onJsonReply(QNetworkReply* reply, const QString& what, std::function<void(const QJsonObject&, const QString&)> done);
    void fetchKeys(Done done);
    void finishDiscovery(const QString& error);
    QString describe(const QUrl& url) const;

    Settings m_settings;
    QNetworkAccessManager* m_net;
    Metadata m_metadata;
    JsonWebKeySet m_keys;
    bool m_discovered = false;
    bool m_discovering = false;
    QList<Done> m_waiters;
    QDateTime m_lastKeyRefetch; // the last refetch for an unknown kid
    int m_jwksFetches = 0;
};

} // namespace keel::auth
