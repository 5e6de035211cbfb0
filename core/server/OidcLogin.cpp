#include "server/OidcLogin.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "machine/Registration.h"
#include "metrics/Instruments.h"
#include "server/OidcPages.h"
#include "server/OidcUserSync.h"
#include "state/State.h"

#include <QEventLoop>
#include <QTimer>
#include <QUrlQuery>

namespace keel::server {

namespace {

const QByteArray kStateCookie = QByteArrayLiteral("keel_oidc_state");
const QByteArray kConfirmCookie = QByteArrayLiteral("keel_oidc_confirm");

} // namespace

QString OidcLogin::cookie(const http::HttpRequest& request, const QByteArray& name)
{
    for (const auto& [header, value] : request.headers) {
        if (header.compare("Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray& part : value.split(';')) {
            const QByteArray p = part.trimmed();
            const qsizetype eq = p.indexOf('=');
            if (eq > 0 && p.left(eq) == name)
                return QString::fromLatin1(p.mid(eq + 1));
        }
    }
    return {};
}

QString OidcLogin::userLabel(const store::User& u)
{
    const QString who = u.displayName.isEmpty() ? u.name : u.displayName;
    return u.email.isEmpty() || u.email == who ? who : QStringLiteral("%1 (%2)").arg(who, u.email);
}

OidcLogin::OidcLogin(const config::Config& config, state::State& state, control::Registration& registration, QObject* parent)
    : QObject(parent)
    , m_config(config)
    , m_state(state)
    , m_registration(registration)
    , m_serverUrl(config.serverUrl)
    , m_sessions(config.tuning.registerCacheExpirationMs, config.tuning.registerCacheMaxEntries)
{
    while (m_serverUrl.endsWith(QLatin1Char('/')))
        m_serverUrl.chop(1);
    m_secureCookies = m_serverUrl.startsWith(QLatin1String("https://"));
    const auto& o = config.oidc;
    auth::OidcProvider::Settings s;
    s.issuer = o.issuer;
    s.clientId = o.clientId;
    s.clientSecret = o.clientSecret;
    s.redirectUri = m_serverUrl + QStringLiteral("/oidc/callback");
    s.scope = o.scope;
    s.extraParams = o.extraParams;
    s.pkce = o.pkce.enabled;
    s.pkceMethod = o.pkce.method;
    m_provider = new auth::OidcProvider(s, this);
    m_rules.allowedDomains = o.allowedDomains;
    m_rules.allowedUsers = o.allowedUsers;
    m_rules.allowedGroups = o.allowedGroups;
    m_rules.emailVerifiedRequired = o.emailVerifiedRequired;
}

bool OidcLogin::start(QString* error)
{
    if (!m_config.oidc.onlyStartIfOidcIsAvailable) {
        m_provider->discover([](const QString& e) {
            if (!e.isEmpty())
                qCWarning(lcAuth).noquote() << "OIDC login is unavailable until the provider answers (retried at the next login):" << e;
        });
        return true;
    }
    QEventLoop loop;
    QString failure;
    bool done = false;
    m_provider->discover([&](const QString& e) {
        failure = e;
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
    if (!failure.isEmpty()) {
        *error = QStringLiteral("%1 (oidc.only_start_if_oidc_is_available is true; set it to false to start anyway)").arg(failure);
        return false;
    }
    return true;
}

void OidcLogin::registerRoutes(http::Router& router)
{
    router.add("GET", QStringLiteral("/oidc/callback"), [this](http::HttpRequest& r) { return callback(r); });
    router.add("POST", QStringLiteral("/register/confirm/{authId}"), [this](http::HttpRequest& r) { return confirm(r); });
    router.add("POST", QStringLiteral("/auth/confirm/{authId}"), [this](http::HttpRequest& r) { return confirmSshCheck(r); });
}

http::HttpResponse OidcLogin::page(int status, const QByteArray& html)
{
    http::HttpResponse r = http::HttpResponse::text(status, html, "text/html; charset=utf-8");
    r.setHeader("Cache-Control", "no-store");
    return r;
}

http::HttpResponse OidcLogin::refuse(int status, const QString& title, const QString& detail) const
{
    qCWarning(lcAuth).noquote() << "OIDC login:" << title << "-" << detail;
    return page(status, OidcPages::error(title, detail));
}

http::HttpResponse OidcLogin::cookieHeader(http::HttpResponse r, const QByteArray& name, const QString& value, const QString& path,
                                           const QByteArray& sameSite, qint64 maxAgeSeconds) const
{
    QByteArray c = name + '=' + value.toLatin1() + "; Path=" + path.toUtf8() + "; Max-Age=" + QByteArray::number(maxAgeSeconds)
        + "; HttpOnly; SameSite=" + sameSite;
    if (m_secureCookies)
        c += "; Secure";
    r.headers.append({QByteArrayLiteral("Set-Cookie"), c});
    return r;
}

http::HttpResponse OidcLogin::registerPage(http::HttpRequest& request)
{
    const QString authId = request.pathParams.value(QStringLiteral("authId"));
    if (!m_registration.pendingInfo(authId))
        return refuse(404, QStringLiteral("Registration link expired"),
                      QStringLiteral("This registration link is unknown or has expired."));
    return redirectOnceDiscovered(authId, [this] {
        return refuse(502, QStringLiteral("Identity provider unavailable"),
                      QStringLiteral("The identity provider could not be reached, so you cannot log in right now. "
                                     "Try again later or ask the administrator."));
    });
}

http::HttpResponse OidcLogin::redirectOnceDiscovered(const QString& authId, std::function<http::HttpResponse()> unavailable)
{
    if (m_provider->isDiscovered()) {
        http::HttpResponse out;
        redirectToProvider(authId, [&out](const http::HttpResponse& r) { out = r; });
        return out;
    }
    return deferredResponse([this, authId, unavailable = std::move(unavailable)](const Respond& respond) {
        m_provider->discover([this, authId, unavailable, respond](const QString& error) {
            if (!error.isEmpty()) {
                metrics::Instruments::oidcLogin("error");
                respond(unavailable());
                return;
            }
            redirectToProvider(authId, respond);
        });
    });
}

void OidcLogin::redirectToProvider(const QString& authId, const Respond& respond)
{
    const QString nonce = auth::OidcSessions::randomToken();
    const QString verifier = m_config.oidc.pkce.enabled ? auth::OidcSessions::randomToken() : QString();
    const QString state = m_sessions.beginLogin(authId, nonce, verifier, Clock::now());
    http::HttpResponse r = page(302, {});
    r.setHeader("Location", m_provider->authorizationUrl(state, nonce, verifier).toEncoded());
    // SameSite=Lax: the callback is a top-level navigation from the provider's site.
    respond(cookieHeader(r, kStateCookie, state, QStringLiteral("/oidc/callback"), "Lax", m_config.tuning.registerCacheExpirationMs / 1000));
}

http::HttpResponse OidcLogin::callback(http::HttpRequest& request)
{
    const QUrlQuery q = request.query();
    const QString state = q.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    const QString code = q.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    const std::optional<auth::OidcSessions::Login> login = state.isEmpty() ? std::nullopt : m_sessions.takeLogin(state, Clock::now());
    if (const QString err = q.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded); !err.isEmpty()) {
        const QString description = q.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
        return refuse(403, QStringLiteral("Login refused by the identity provider"),
                      QStringLiteral("The identity provider answered \"%1\"%2.").arg(err, description.isEmpty() ? QString() : QStringLiteral(": ") + description));
    }
    // RFC 9207: a provider that names itself in the response must be ours (mix-up attacks).
    if (const QString iss = q.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded); !iss.isEmpty() && iss != m_config.oidc.issuer)
        return refuse(403, QStringLiteral("Login rejected"), QStringLiteral("The login answer names issuer \"%1\", not this server's identity provider.").arg(iss));
    if (code.isEmpty() || state.isEmpty())
        return refuse(400, QStringLiteral("Bad login callback"), QStringLiteral("The callback lacks the code or state parameter."));
    if (!login)
        return refuse(400, QStringLiteral("Login link already used or expired"),
                      QStringLiteral("This login was already completed, has expired, or was never started here."));
    if (!auth::OidcSessions::equal(cookie(request, kStateCookie), state))
        return refuse(403, QStringLiteral("Login started elsewhere"),
                      QStringLiteral("This login was not started in this browser (the state cookie does not match)."));
    if (!m_registration.pendingInfo(login->authId) && !isSshCheck(login->authId))
        return refuse(410, QStringLiteral("Registration expired"),
                      QStringLiteral("The machine's registration request expired before the login finished."));
    return deferredResponse([this, login = *login, code](const Respond& respond) { completeLogin(login, code, respond); });
}

void OidcLogin::completeLogin(const auth::OidcSessions::Login& login, const QString& code, const Respond& respond)
{
    m_provider->exchangeCode(code, login.codeVerifier, [this, login, respond](const auth::OidcProvider::Tokens& tokens) {
        if (!tokens.error.isEmpty()) {
            metrics::Instruments::oidcLogin("error");
            respond(refuse(502, QStringLiteral("Login could not be completed"),
                           QStringLiteral("Keel could not complete the login with the identity provider: %1").arg(tokens.error)));
            return;
        }
        const QString accessToken = tokens.accessToken;
        m_provider->verifyIdToken(tokens.idToken, login.nonce, [this, login, respond, accessToken](const auth::IdTokenVerifier::Result& v) {
            if (!v.ok()) {
                metrics::Instruments::oidcLogin("denied");
                respond(refuse(403, QStringLiteral("Login rejected"),
                               QStringLiteral("The identity provider's answer could not be verified: %1").arg(v.message)));
                return;
            }
            auth::OidcClaims claims = auth::OidcClaims::fromJson(v.claims);
            const QDateTime expiry = v.expiry;
            m_provider->fetchUserInfo(accessToken, [this, login, respond, claims, expiry](const QJsonObject& info, const QString& error) mutable {
                if (!error.isEmpty())
                    qCInfo(lcAuth).noquote() << "OIDC: no UserInfo, using the ID token's claims only:" << error;
                else if (!claims.mergeUserInfo(info))
                    qCWarning(lcAuth) << "OIDC: UserInfo names another subject; ignored";
                finishLogin(login, claims, expiry, respond);
            });
        });
    });
}

void OidcLogin::finishLogin(const auth::OidcSessions::Login& login, auth::OidcClaims claims, const QDateTime& tokenExpiry,
                            const Respond& respond)
{
    if (const QString why = m_rules.refusal(claims); !why.isEmpty()) {
        metrics::Instruments::oidcLogin("denied");
        respond(refuse(403, QStringLiteral("Login refused"), QStringLiteral("You may not register machines here: %1").arg(why)));
        return;
    }
    if (isSshCheck(login.authId)) {
        finishSshCheck(login.authId, claims, respond);
        return;
    }
    const auto pending = m_registration.pendingInfo(login.authId);
    if (!pending) {
        respond(refuse(410, QStringLiteral("Registration expired"),
                       QStringLiteral("The machine's registration request expired before the login finished.")));
        return;
    }
    const auto user = OidcUserSync::upsert(m_state, claims, m_config.oidc.emailVerifiedRequired);
    if (!user) {
        respond(refuse(500, QStringLiteral("Login could not be completed"), QStringLiteral("Keel could not save your user: %1").arg(user.error().message)));
        return;
    }
    auth::OidcSessions::Confirmation c;
    c.authId = login.authId;
    c.userId = user->id;
    if (m_config.oidc.useExpiryFromToken)
        c.nodeExpiry = tokenExpiry;
    c.created = Clock::now();
    const QString token = m_sessions.beginConfirmation(c);
    const OidcPages::Confirm shown{login.authId, token, userLabel(*user), pending->hostname, pending->os,
                                   pending->machineKey.left(16) + QStringLiteral("…")};
    http::HttpResponse r = page(200, OidcPages::confirm(shown));
    respond(cookieHeader(r, kConfirmCookie, token, QStringLiteral("/register/confirm/") + login.authId, "Strict",
                         m_config.tuning.registerCacheExpirationMs / 1000));
}

http::HttpResponse OidcLogin::confirm(http::HttpRequest& request)
{
    const QString authId = request.pathParams.value(QStringLiteral("authId"));
    const QString token = QUrlQuery(QString::fromUtf8(request.body)).queryItemValue(QStringLiteral("csrf_token"), QUrl::FullyDecoded);
    // Both the form and this browser's cookie must carry the token: a form posted from another
    // site cannot know it, and a token copied elsewhere lacks the cookie.
    if (token.isEmpty() || !auth::OidcSessions::equal(cookie(request, kConfirmCookie), token))
        return refuse(403, QStringLiteral("Confirmation refused"),
                      QStringLiteral("This confirmation did not come from the browser that logged in."));
    const auto c = m_sessions.takeConfirmation(authId, token, Clock::now());
    if (!c)
        return refuse(403, QStringLiteral("Confirmation refused"),
                      QStringLiteral("This confirmation is not valid: it expired, was already used, or belongs to another login."));
    const auto pending = m_registration.pendingInfo(authId);
    const state::SnapshotPtr s = m_state.snapshot();
    const store::User* user = s->user(c->userId);
    const QString name = user ? user->name : QString::number(c->userId);
    const QString label = user ? userLabel(*user) : name;
    // An "oidc:" actor: the node's register method is oidc, and it is the person's own login, not
    // an administrator's approval (node.device_approval still applies).
    auto node = m_registration.approveRegistration(authId, c->userId, state::Actor::of(QStringLiteral("oidc:") + name), c->nodeExpiry);
    if (!node)
        return refuse(node.error().kind == store::Error::NotFound ? 410 : 403, QStringLiteral("Machine not registered"), node.error().message);
    metrics::Instruments::oidcLogin("success");
    qCInfo(lcAuth).noquote() << "OIDC: node" << node->node.id << (pending ? pending->hostname : QString()) << "registered to user" << name;
    http::HttpResponse r = page(200, OidcPages::registered(pending ? pending->hostname : QString(), label));
    return cookieHeader(r, kConfirmCookie, QString(), QStringLiteral("/register/confirm/") + authId, "Strict", 0);
}

QStringList OidcLogin::describe(const config::Config& config)
{
    const auto& o = config.oidc;
    if (!o.enabled())
        return {QStringLiteral("oidc: off (oidc.issuer is not set): interactive registrations are approved with `keel auth register`")};
    const auto list = [](const QStringList& l) { return l.isEmpty() ? QStringLiteral("(any)") : l.join(QStringLiteral(", ")); };
    QString server = config.serverUrl;
    while (server.endsWith(QLatin1Char('/')))
        server.chop(1);
    QStringList out;
    out << QStringLiteral("oidc: on; issuer %1, client_id %2").arg(o.issuer, o.clientId)
        << QStringLiteral("oidc.client_secret: %1").arg(o.clientSecretPath.isEmpty() ? QStringLiteral("set inline") : QStringLiteral("read from ") + o.clientSecretPath)
        << QStringLiteral("oidc.redirect URL (register it at the provider): %1/oidc/callback").arg(server)
        << QStringLiteral("oidc.scope: %1").arg(o.scope.join(QLatin1Char(' ')))
        << QStringLiteral("oidc.pkce: %1").arg(o.pkce.enabled ? o.pkce.method : QStringLiteral("off"))
        << QStringLiteral("oidc.allowed_domains: %1; allowed_users: %2; allowed_groups: %3").arg(list(o.allowedDomains), list(o.allowedUsers), list(o.allowedGroups))
        << QStringLiteral("oidc.email_verified_required: %1").arg(o.emailVerifiedRequired ? QStringLiteral("true") : QStringLiteral("false"))
        << QStringLiteral("oidc node expiry: %1").arg(o.useExpiryFromToken ? QStringLiteral("the ID token's (use_expiry_from_token)")
                                                          : config.node.expiryMs > 0 ? QStringLiteral("node.expiry, %1 s").arg(config.node.expiryMs / 1000)
                                                                                     : QStringLiteral("never (node.expiry 0)"))
        << QStringLiteral("oidc.only_start_if_oidc_is_available: %1").arg(o.onlyStartIfOidcIsAvailable ? QStringLiteral("true") : QStringLiteral("false"));
    if (!o.extraParams.isEmpty())
        out << QStringLiteral("oidc.extra_params: %1").arg(QStringList(o.extraParams.keys()).join(QStringLiteral(", ")));
    return out;
}

} // namespace keel::server
