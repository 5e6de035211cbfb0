#include "auth/OidcProvider.h"

#include "auth/OidcSessions.h"
#include "common/Clock.h"
#include "common/Log.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace keel::auth {

namespace {

// Bodies from the provider are small JSON documents; anything larger is refused.
constexpr qint64 kMaxBody = 1 << 20;

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        out << x.toString();
    return out;
}

} // namespace

OidcProvider::OidcProvider(Settings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_net(new QNetworkAccessManager(this))
{
}

OidcProvider::~OidcProvider() = default;

QString OidcProvider::urlProblem(const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty())
        return QStringLiteral("\"%1\" is not a valid URL").arg(url.toString());
    if (url.scheme() == QLatin1String("https"))
        return {};
    if (url.scheme() != QLatin1String("http"))
        return QStringLiteral("\"%1\" is not an http(s) URL").arg(url.toString());
    const QHostAddress host(url.host());
    if (url.host() == QLatin1String("localhost") || (!host.isNull() && host.isLoopback()))
        return {};
    return QStringLiteral("\"%1\" uses plain http; only https is accepted (http only for a provider on a loopback address)").arg(url.toString());
}

QString OidcProvider::describe(const QUrl& url) const
{
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
}

void OidcProvider::onJsonReply(QNetworkReply* reply, const QString& what, std::function<void(const QJsonObject&, const QString&)> done)
{
    connect(reply, &QNetworkReply::finished, this, [reply, what, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->read(kMaxBody);
        if (reply->error() != QNetworkReply::NoError && status == 0) {
            done({}, QStringLiteral("%1 failed: %2").arg(what, reply->errorString()));
            return;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        if (status != 200) {
            // OAuth errors carry "error" and "error_description" (RFC 6749 5.2).
            const QJsonObject o = doc.object();
            QString detail = o.value(QLatin1String("error")).toString();
            if (const QString d = o.value(QLatin1String("error_description")).toString(); !d.isEmpty())
                detail += QStringLiteral(": ") + d;
            done({}, QStringLiteral("%1 answered HTTP %2%3").arg(what).arg(status).arg(detail.isEmpty() ? QString() : QStringLiteral(" (") + detail + QLatin1Char(')')));
            return;
        }
        if (!doc.isObject()) {
            done({}, QStringLiteral("%1 did not answer with a JSON object").arg(what));
            return;
        }
        done(doc.object(), {});
    });
}

void OidcProvider::getJson(const QUrl& url, const QString& bearer, std::function<void(const QJsonObject&, const QString&)> done)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(m_settings.timeoutMs);
    request.setRawHeader("Accept", "application/json");
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer.toUtf8());
    onJsonReply(m_net->get(request), describe(url), std::move(done));
}

void OidcProvider::discover(Done done)
{
    if (m_discovered) {
        done({});
        return;
    }
    m_waiters.append(std::move(done));
    if (m_discovering)
        return;
    m_discovering = true;
    QString base = m_settings.issuer;
    if (base.endsWith(QLatin1Char('/')))
        base.chop(1); // the issuer itself is compared as configured, slash and all
    const QUrl url(base + QStringLiteral("/.well-known/openid-configuration"));
    if (const QString problem = urlProblem(url); !problem.isEmpty()) {
        finishDiscovery(QStringLiteral("oidc.issuer: %1").arg(problem));
        return;
    }
    getJson(url, {}, [this](const QJsonObject& o, const QString& error) {
        if (!error.isEmpty()) {
            finishDiscovery(QStringLiteral("OpenID discovery at %1: %2").arg(m_settings.issuer, error));
            return;
        }
        Metadata m;
        m.issuer = o.value(QLatin1String("issuer")).toString();
        m.authorizationEndpoint = QUrl(o.value(QLatin1String("authorization_endpoint")).toString());
        m.tokenEndpoint = QUrl(o.value(QLatin1String("token_endpoint")).toString());
        m.userinfoEndpoint = QUrl(o.value(QLatin1String("userinfo_endpoint")).toString());
        m.jwksUri = QUrl(o.value(QLatin1String("jwks_uri")).toString());
        m.tokenAuthMethods = strings(o.value(QLatin1String("token_endpoint_auth_methods_supported")));
        // OpenID Connect Discovery 4.3: the document must name the issuer we asked.
        if (m.issuer != m_settings.issuer) {
            finishDiscovery(QStringLiteral("the provider's discovery document names issuer \"%1\", but oidc.issuer is \"%2\"; they must be identical")
                                .arg(m.issuer, m_settings.issuer));
            return;
        }
        for (const QUrl& u : {m.authorizationEndpoint, m.tokenEndpoint, m.jwksUri}) {
            if (const QString problem = urlProblem(u); !problem.isEmpty()) {
                finishDiscovery(QStringLiteral("the provider's discovery document: %1").arg(problem));
                return;
            }
        }
        if (!m.userinfoEndpoint.isEmpty() && !urlProblem(m.userinfoEndpoint).isEmpty())
            m.userinfoEndpoint.clear();
        m_metadata = m;
        fetchKeys([this](const QString& keyError) { finishDiscovery(keyError); });
    });
}

void OidcProvider::finishDiscovery(const QString& error)
{
    m_discovering = false;
    m_discovered = error.isEmpty();
    if (m_discovered)
        qCInfo(lcAuth).noquote() << "OIDC provider" << m_settings.issuer << "discovered," << m_keys.size() << "signing key(s)";
    else
        qCWarning(lcAuth).noquote() << error;
    const QList<Done> waiters = std::exchange(m_waiters, {});
    for (const Done& w : waiters)
        w(error);
}

void OidcProvider::fetchKeys(Done done)
{
    ++m_jwksFetches;
    getJson(m_metadata.jwksUri, {}, [this, done = std::move(done)](const QJsonObject& o, const QString& error) {
        if (!error.isEmpty()) {
            done(QStringLiteral("fetching the provider's keys: %1").arg(error));
            return;
        }
        QStringList skipped;
        JsonWebKeySet keys = JsonWebKeySet::fromJson(o, &skipped);
        if (keys.size() == 0) {
            done(QStringLiteral("the provider's key set at %1 has no usable signing key%2").arg(describe(m_metadata.jwksUri),
                 skipped.isEmpty() ? QString() : QStringLiteral(" (") + skipped.join(QStringLiteral("; ")) + QLatin1Char(')')));
            return;
        }
        m_keys = std::move(keys);
        qCDebug(lcAuth).noquote() << "OIDC keys:" << m_keys.kids().join(QStringLiteral(", "));
        done({});
    });
}

QUrl OidcProvider::authorizationUrl(const QString& state, const QString& nonce, const QString& codeVerifier) const
{
    QUrl url = m_metadata.authorizationEndpoint;
    QUrlQuery q(url);
    q.addQueryItem(QStringLiteral("client_id"), m_settings.clientId);
    q.addQueryItem(QStringLiteral("redirect_uri"), m_settings.redirectUri);
    q.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    q.addQueryItem(QStringLiteral("scope"), m_settings.scope.join(QLatin1Char(' ')));
    q.addQueryItem(QStringLiteral("state"), state);
    q.addQueryItem(QStringLiteral("nonce"), nonce);
    if (!codeVerifier.isEmpty()) {
        q.addQueryItem(QStringLiteral("code_challenge"), OidcSessions::codeChallenge(codeVerifier, m_settings.pkceMethod));
        q.addQueryItem(QStringLiteral("code_challenge_method"), m_settings.pkceMethod);
    }
    for (auto it = m_settings.extraParams.cbegin(); it != m_settings.extraParams.cend(); ++it)
        q.addQueryItem(it.key(), it.value());
    // '+' must stay encoded: some providers read it as a space.
    QString encoded = q.toString(QUrl::FullyEncoded);
    encoded.replace(QLatin1Char('+'), QLatin1String("%2B"));
    url.setQuery(encoded, QUrl::StrictMode);
    return url;
}

void OidcProvider::exchangeCode(const QString& code, const QString& codeVerifier, std::function<void(const Tokens&)> done)
{
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("authorization_code"));
    form.addQueryItem(QStringLiteral("code"), code);
    form.addQueryItem(QStringLiteral("redirect_uri"), m_settings.redirectUri);
    if (!codeVerifier.isEmpty())
        form.addQueryItem(QStringLiteral("code_verifier"), codeVerifier);
    QNetworkRequest request(m_metadata.tokenEndpoint);
    request.setTransferTimeout(m_settings.timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    // client_secret_basic unless the provider only takes client_secret_post (RFC 6749 2.3.1: the
    // id and secret are form-encoded before they go into Basic).
    const bool post = !m_metadata.tokenAuthMethods.isEmpty() && !m_metadata.tokenAuthMethods.contains(QLatin1String("client_secret_basic"))
        && m_metadata.tokenAuthMethods.contains(QLatin1String("client_secret_post"));
    if (post) {
        form.addQueryItem(QStringLiteral("client_id"), m_settings.clientId);
        form.addQueryItem(QStringLiteral("client_secret"), m_settings.clientSecret);
    } else {
        const QByteArray user = QUrl::toPercentEncoding(m_settings.clientId);
        const QByteArray pass = QUrl::toPercentEncoding(m_settings.clientSecret);
        request.setRawHeader("Authorization", "Basic " + (user + ':' + pass).toBase64());
    }
    QString body = form.toString(QUrl::FullyEncoded);
    body.replace(QLatin1Char('+'), QLatin1String("%2B"));
    QNetworkReply* reply = m_net->post(request, body.toUtf8());
    onJsonReply(reply, QStringLiteral("the token endpoint %1").arg(describe(m_metadata.tokenEndpoint)),
                [done = std::move(done)](const QJsonObject& o, const QString& error) {
                    Tokens t;
                    t.error = error;
                    t.idToken = o.value(QLatin1String("id_token")).toString().toUtf8();
                    t.accessToken = o.value(QLatin1String("access_token")).toString();
                    if (t.error.isEmpty() && t.idToken.isEmpty())
                        t.error = QStringLiteral("the token endpoint returned no id_token (is \"openid\" in oidc.scope?)");
                    done(t);
                });
}

void OidcProvider::verifyIdToken(const QByteArray& token, const QString& nonce, std::function<void(const IdTokenVerifier::Result&)> done)
{
    const auto check = [this, token, nonce] {
        return IdTokenVerifier::verify(token, m_keys, {m_settings.issuer, m_settings.clientId, nonce, Clock::now(), m_settings.clockSkewSeconds});
    };
    IdTokenVerifier::Result r = check();
    const bool mayRefetch = !m_lastKeyRefetch.isValid() || m_lastKeyRefetch.msecsTo(Clock::now()) >= m_settings.jwksRefetchIntervalMs;
    if (r.failure != IdTokenVerifier::Failure::UnknownKey || !mayRefetch) {
        if (r.failure == IdTokenVerifier::Failure::UnknownKey)
            r.message += QStringLiteral(" (the key set was refetched less than %1 s ago)").arg(m_settings.jwksRefetchIntervalMs / 1000);
        done(r);
        return;
    }
    m_lastKeyRefetch = Clock::now();
    qCInfo(lcAuth).noquote() << "ID token signed with unknown key" << r.kid << "- refetching the provider's keys";
    fetchKeys([check, r, done = std::move(done)](const QString& error) {
        if (!error.isEmpty()) {
            IdTokenVerifier::Result failed = r;
            failed.message += QStringLiteral(" (refetching the key set failed: %1)").arg(error);
            done(failed);
            return;
        }
        done(check());
    });
}

void OidcProvider::fetchUserInfo(const QString& accessToken, std::function<void(const QJsonObject&, const QString&)> done)
{
    if (m_metadata.userinfoEndpoint.isEmpty() || accessToken.isEmpty()) {
        done({}, QStringLiteral("no UserInfo endpoint or access token"));
        return;
    }
    getJson(m_metadata.userinfoEndpoint, accessToken, std::move(done));
}

} // namespace keel::auth
