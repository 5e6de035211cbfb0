#include "tsapi/TsApi.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "tsapi/AccessToken.h"
#include "tsapi/Scopes.h"
#include "tsapi/TsJson.h"

namespace keel::tsapi {

namespace {

// The credential of an Authorization header: "Bearer <token>", or "Basic base64(<token>:)" (the
// token as user name, the password empty: Tailscale's Go client and `curl -u key:`).
QString credentialOf(const QByteArray& header)
{
    const QByteArray scheme = header.left(header.indexOf(' ')).toLower();
    const QByteArray value = header.mid(header.indexOf(' ') + 1).trimmed();
    if (scheme == "bearer")
        return QString::fromUtf8(value);
    if (scheme == "basic") {
        const QByteArray decoded = QByteArray::fromBase64(value);
        const qsizetype colon = decoded.indexOf(':');
        const QByteArray user = colon < 0 ? decoded : decoded.left(colon);
        return QString::fromUtf8(user.isEmpty() && colon >= 0 ? decoded.mid(colon + 1) : user);
    }
    return {};
}

} // namespace

std::optional<TsApi::Caller> TsApi::authenticate(http::HttpRequest& request, http::HttpResponse* refusal)
{
    if (request.transport == http::Transport::UnixSocket) {
        request.principal = request.peerUid >= 0 ? QStringLiteral("unix:%1").arg(request.peerUid) : QStringLiteral("unix:");
        return Caller{request.principal, std::nullopt, std::nullopt};
    }
    const QString credential = credentialOf(request.header("Authorization"));
    *refusal = tsjson::error(401, QStringLiteral("API token invalid"));
    if (credential.isEmpty())
        return std::nullopt;
    if (AccessToken::looksLikeToken(credential)) {
        const auto token = AccessToken::verify(credential, m_context.state.accessTokenKey(), Clock::now());
        if (!token)
            return std::nullopt;
        // A deleted client's tokens die with it.
        const auto client = m_context.store.oauthClientById(token->clientRowId);
        if (!client)
            return std::nullopt;
        request.principal = QStringLiteral("oauth:") + client->clientId;
        return Caller{request.principal, token->scopes, *client};
    }
    const auto key = m_context.state.authenticateApiKey(credential);
    if (!key) {
        qCDebug(lcAdmin) << "API v2 request with a rejected credential from" << request.peerAddress.toString();
        return std::nullopt;
    }
    request.principal = QStringLiteral("apikey:") + key->prefix;
    return Caller{request.principal, std::nullopt, std::nullopt};
}

QString TsApi::tailnetName() const
{
    return m_context.config.dns.baseDomain.isEmpty() ? QStringLiteral("-") : m_context.config.dns.baseDomain;
}

bool TsApi::knownTailnet(const QString& tailnet) const
{
    return tailnet == QLatin1String("-") || (!m_context.config.dns.baseDomain.isEmpty() && tailnet == m_context.config.dns.baseDomain);
}

void TsApi::add(http::Router& router, const QByteArray& method, const QString& pattern, const QString& scope, Handler handler)
{
    router.add(method, pattern, [this, scope, handler = std::move(handler)](http::HttpRequest& request) {
        http::HttpResponse refusal;
        const std::optional<Caller> caller = authenticate(request, &refusal);
        if (!caller)
            return refusal;
        if (caller->scopes && !Scopes::allows(*caller->scopes, scope))
            return tsjson::error(403, QStringLiteral("this access token lacks the scope %1 (it has: %2)").arg(scope, caller->scopes->join(QLatin1Char(' '))));
        if (request.pathParams.contains(QStringLiteral("tailnet")) && !knownTailnet(request.pathParams.value(QStringLiteral("tailnet"))))
            return tsjson::error(404, QStringLiteral("tailnet not found (use '-' or %1)").arg(tailnetName()));
        return handler(request, *caller);
    });
}

void TsApi::registerRoutes(http::Router& router)
{
    // A wrong method on a real path answers 401 before 405 to a caller without a credential.
    router.guardMethodErrors(QStringLiteral("/api/v2/"), [this](http::HttpRequest& request) -> std::optional<http::HttpResponse> {
        http::HttpResponse refusal;
        if (!authenticate(request, &refusal))
            return refusal;
        return std::nullopt;
    });
    addTokenRoute(router);
    addDeviceRoutes(router);
    addKeyRoutes(router);
    addPolicyRoutes(router);
    addUserRoutes(router);
    addDnsRoutes(router);
    // Anything else under /api/v2 is a 404 in Tailscale's shape, behind the same check.
    router.addAny(QStringLiteral("/api/v2/*"), [this](http::HttpRequest& request) {
        http::HttpResponse refusal;
        if (!authenticate(request, &refusal))
            return refusal;
        return tsjson::error(404, QStringLiteral("no API endpoint %1 %2 (Keel serves the parts of Tailscale's API listed in docs/api-v2.md)")
                                      .arg(QString::fromLatin1(request.method), request.path()));
    });
}

} // namespace keel::tsapi
