// TsApi: POST /api/v2/oauth/token (OAuth 2.0 client credentials, RFC 6749 4.4)
#include "tsapi/TsApi.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "tsapi/AccessToken.h"
#include "tsapi/Scopes.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace keel::tsapi {

namespace {

// RFC 6749 5.2's error body (what OAuth libraries parse), with Tailscale's "message" beside it.
http::HttpResponse oauthError(int status, const QString& code, const QString& description)
{
    http::HttpResponse r = http::HttpResponse::json(status, QJsonDocument(QJsonObject{
        {QStringLiteral("error"), code}, {QStringLiteral("error_description"), description}, {QStringLiteral("message"), description}}));
    r.setHeader("Cache-Control", "no-store");
    if (status == 401)
        r.setHeader("WWW-Authenticate", "Basic realm=\"keel\"");
    return r;
}

QString formValue(const QUrlQuery& form, const QString& name)
{
    // Form encoding writes spaces as '+'.
    QString v = form.queryItemValue(name, QUrl::FullyEncoded);
    v.replace(QLatin1Char('+'), QLatin1Char(' '));
    return QUrl::fromPercentEncoding(v.toUtf8());
}

} // namespace

void TsApi::addTokenRoute(http::Router& router)
{
    // Public: the client secret is the credential. The client id a caller sends is not needed
    // (the secret names its client; `tailscale up --auth-key tskey-client-...` sends a
    // placeholder id), so it is not checked.
    router.add("POST", QStringLiteral("/api/v2/oauth/token"), [this](http::HttpRequest& request) {
        const QUrlQuery form(QString::fromUtf8(request.body));
        QString secret = formValue(form, QStringLiteral("client_secret"));
        const QByteArray authorization = request.header("Authorization");
        if (secret.isEmpty() && authorization.left(6).toLower() == "basic ") {
            // RFC 6749 2.3.1: id and secret, each form-encoded, as Basic credentials.
            const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed());
            secret = QUrl::fromPercentEncoding(decoded.mid(decoded.indexOf(':') + 1).replace('+', ' '));
        }
        const QString grant = formValue(form, QStringLiteral("grant_type"));
        if (!grant.isEmpty() && grant != QLatin1String("client_credentials"))
            return oauthError(400, QStringLiteral("unsupported_grant_type"), QStringLiteral("only grant_type=client_credentials is supported"));
        if (secret.isEmpty())
            return oauthError(401, QStringLiteral("invalid_client"), QStringLiteral("client_secret is required (form field or Basic credentials)"));
        const auto client = m_context.state.authenticateOAuthClient(secret);
        if (!client) {
            qCDebug(lcAdmin) << "OAuth token request with rejected client credentials from" << request.peerAddress.toString();
            return oauthError(401, QStringLiteral("invalid_client"), QStringLiteral("invalid client credentials"));
        }
        QStringList scopes = Scopes::parse(formValue(form, QStringLiteral("scope")));
        for (const QString& s : scopes) {
            if (!client->scopes.contains(s) && !Scopes::allows(client->scopes, s))
                return oauthError(400, QStringLiteral("invalid_scope"), QStringLiteral("scope '%1' is not granted to this client (it has: %2)").arg(s, client->scopes.join(QLatin1Char(' '))));
        }
        if (scopes.isEmpty())
            scopes = client->scopes;
        const QByteArray key = m_context.state.accessTokenKey();
        if (key.isEmpty())
            return oauthError(500, QStringLiteral("server_error"), QStringLiteral("the token signing key cannot be read from the database"));
        AccessToken token;
        token.clientRowId = client->id;
        token.scopes = scopes;
        token.expires = Clock::now().addSecs(AccessToken::LifetimeSecs);
        http::HttpResponse r = http::HttpResponse::json(200, QJsonDocument(QJsonObject{
            {QStringLiteral("access_token"), token.sign(key)}, {QStringLiteral("token_type"), QStringLiteral("Bearer")},
            {QStringLiteral("expires_in"), AccessToken::LifetimeSecs}, {QStringLiteral("scope"), scopes.join(QLatin1Char(' '))}}));
        r.setHeader("Cache-Control", "no-store");
        return r;
    });
}

} // namespace keel::tsapi
