#pragma once

#include "auth/OidcClaims.h"
#include "auth/OidcProvider.h"
#include "auth/OidcSessions.h"
#include "config/Config.h"
#include "http/Router.h"
#include "server/DeferredResponse.h"
#include "store/User.h"

#include <functional>
#include <QObject>

namespace keel::state {
class State;
}
namespace keel::control {
class Registration;
class SshCheck;
}

namespace keel::server {

// OpenID Connect login for interactive registrations (oidc.issuer set). The AuthURL a node gets,
// <server_url>/register/<id>, redirects to the provider (authorization code flow with state,
// nonce and, unless oidc.pkce.enabled is false, PKCE); the provider sends the browser back to
// <server_url>/oidc/callback, where Keel exchanges the code, verifies the ID token, merges UserInfo,
// applies oidc.allowed_* and creates or updates the user; a confirmation page (a form with a
// one-time token, bound to the browser by a cookie) then registers the node on POST
// /register/confirm/<id>. Every URL is built from server_url, never from the request's Host.
class OidcLogin : public QObject
{
    Q_OBJECT
public:
    OidcLogin(const config::Config& config, state::State& state, control::Registration& registration, QObject* parent = nullptr);

    // Discovery at start-up. With oidc.only_start_if_oidc_is_available it waits (up to the
    // request timeout) and fails with a sentence; otherwise it only starts and logs the outcome.
    bool start(QString* error);
    void registerRoutes(http::Router& router);
    http::HttpResponse registerPage(http::HttpRequest& request);

    // Tailscale SSH check mode with OIDC (OidcSshCheck.cpp): the check's /auth/<id> page starts a
    // login at the provider; after it, the check is approved (on a confirmation form, as for
    // registrations) only when the person who logged in owns the connection's source node, as
    // Headscale 0.29 decides it. Anyone else gets a refusal page and the check stays undecided.
    void setSshCheck(control::SshCheck* sshCheck) { m_sshCheck = sshCheck; }
    http::HttpResponse sshCheckPage(http::HttpRequest& request);

    auth::OidcProvider& provider() { return *m_provider; }

    // `keel configtest`: one line per oidc.* setting in force (secrets are never printed).
    static QStringList describe(const config::Config& config);

private:
    http::HttpResponse callback(http::HttpRequest& request);
    http::HttpResponse confirm(http::HttpRequest& request);
    void redirectToProvider(const QString& authId, const Respond& respond);
    // The redirect to the provider, after its discovery when that has not happened yet; the
    // page `unavailable` makes is the answer when the provider cannot be reached.
    http::HttpResponse redirectOnceDiscovered(const QString& authId, std::function<http::HttpResponse()> unavailable);
    void completeLogin(const auth::OidcSessions::Login& login, const QString& code, const Respond& respond);
    void finishLogin(const auth::OidcSessions::Login& login, auth::OidcClaims claims, const QDateTime& tokenExpiry,
                     const Respond& respond);
    http::HttpResponse cookieHeader(http::HttpResponse r, const QByteArray& name, const QString& value, const QString& path,
                                    const QByteArray& sameSite, qint64 maxAgeSeconds) const;
    bool isSshCheck(const QString& authId) const;
    void finishSshCheck(const QString& authId, const auth::OidcClaims& claims, const Respond& respond);
    http::HttpResponse confirmSshCheck(http::HttpRequest& request);
    http::HttpResponse refuseSsh(int status, const QString& title, const QString& detail) const;
    static QString cookie(const http::HttpRequest& request, const QByteArray& name);
    static QString userLabel(const store::User& user);
    static http::HttpResponse page(int status, const QByteArray& html);
    http::HttpResponse refuse(int status, const QString& title, const QString& detail) const;

    const config::Config& m_config;
    state::State& m_state;
    control::Registration& m_registration;
    QString m_serverUrl;
    bool m_secureCookies = false;
    auth::OidcProvider* m_provider;
    auth::OidcAccessRules m_rules;
    auth::OidcSessions m_sessions;
    control::SshCheck* m_sshCheck = nullptr;
};

} // namespace keel::server
