// OidcLogin: Tailscale SSH check mode with OIDC. The check's page (/auth/<id>) sends the person to
// the provider; the callback (OidcLogin::callback, shared with registrations) comes back here when
// the login's id names a pending SSH check. As Headscale 0.29 decides it (hscontrol/oidc.go): only
// the user who owns the connection's *source* node may approve it; a tagged source has no owner,
// so nobody can. Unlike Headscale, the approval is a form POST with a one-time token bound to the
// browser by a cookie (as registrations are here), so a login that a provider completes silently
// (SSO) cannot approve a connection nobody looked at.
#include "server/OidcLogin.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "machine/SshCheck.h"
#include "metrics/Instruments.h"
#include "server/OidcPages.h"
#include "server/OidcUserSync.h"
#include "state/State.h"

#include <QUrlQuery>

namespace keel::server {

namespace {

const QByteArray kSshConfirmCookie = QByteArrayLiteral("keel_ssh_confirm");

QString nodeName(const state::Snapshot& s, qint64 id)
{
    const state::LiveNode* n = s.node(id);
    if (!n)
        return QStringLiteral("node %1").arg(id);
    return n->node.givenName.isEmpty() ? n->node.hostname : n->node.givenName;
}

// Empty when `userId` owns the source node of the check, else why not (for the refusal page).
QString ownerMismatch(const state::Snapshot& s, const state::SshCheckDecision& check, qint64 userId)
{
    const state::LiveNode* src = s.node(check.srcNodeId);
    if (!src)
        return QStringLiteral("The connecting node is no longer part of the tailnet.");
    if (!src->node.tags.isEmpty() || !src->node.userId)
        return QStringLiteral("The connection comes from %1, a tagged node: it has no owner who could approve it. "
                              "An administrator can (keel auth approve --auth-id %2).")
            .arg(nodeName(s, check.srcNodeId), check.authId);
    if (*src->node.userId != userId) {
        const store::User* owner = s.user(*src->node.userId);
        return QStringLiteral("The connection comes from %1, which belongs to %2, not to you. Only its owner can approve it.")
            .arg(nodeName(s, check.srcNodeId), owner ? owner->name : QStringLiteral("another user"));
    }
    return {};
}

} // namespace

bool OidcLogin::isSshCheck(const QString& authId) const
{
    return m_sshCheck && m_sshCheck->pendingInfo(authId).has_value();
}

http::HttpResponse OidcLogin::refuseSsh(int status, const QString& title, const QString& detail) const
{
    qCWarning(lcAuth).noquote() << "OIDC SSH check:" << title << "-" << detail;
    return page(status, OidcPages::sshError(title, detail));
}

http::HttpResponse OidcLogin::sshCheckPage(http::HttpRequest& request)
{
    const QString authId = request.pathParams.value(QStringLiteral("authId"));
    if (!isSshCheck(authId))
        return refuseSsh(404, QStringLiteral("SSH check unknown"), QStringLiteral("This check is unknown, already decided or expired."));
    return redirectOnceDiscovered(authId, [this] {
        return refuseSsh(502, QStringLiteral("Identity provider unavailable"),
                         QStringLiteral("The identity provider could not be reached, so you cannot log in right now."));
    });
}

void OidcLogin::finishSshCheck(const QString& authId, const auth::OidcClaims& claims, const Respond& respond)
{
    const auto check = m_sshCheck ? m_sshCheck->pendingInfo(authId) : std::nullopt;
    if (!check) {
        respond(refuseSsh(410, QStringLiteral("SSH check expired"), QStringLiteral("The check was decided or expired before the login finished.")));
        return;
    }
    // The person logged in: their user is created or updated from the claims, as for a registration.
    const auto user = OidcUserSync::upsert(m_state, claims, m_config.oidc.emailVerifiedRequired);
    if (!user) {
        respond(refuseSsh(500, QStringLiteral("Login could not be completed"), QStringLiteral("Keel could not save your user: %1").arg(user.error().message)));
        return;
    }
    const state::SnapshotPtr s = m_state.snapshot();
    if (const QString why = ownerMismatch(*s, *check, user->id); !why.isEmpty()) {
        metrics::Instruments::oidcLogin("denied");
        respond(refuseSsh(403, QStringLiteral("Not your connection"), why));
        return;
    }
    auth::OidcSessions::Confirmation c;
    c.authId = authId;
    c.userId = user->id;
    c.created = Clock::now();
    const QString token = m_sessions.beginConfirmation(c);
    const OidcPages::SshConfirm shown{authId, token, userLabel(*user), nodeName(*s, check->srcNodeId), nodeName(*s, check->dstNodeId),
                                      check->localUser};
    respond(cookieHeader(page(200, OidcPages::sshConfirm(shown)), kSshConfirmCookie, token, QStringLiteral("/auth/confirm/") + authId,
                         "Strict", m_config.tuning.registerCacheExpirationMs / 1000));
}

http::HttpResponse OidcLogin::confirmSshCheck(http::HttpRequest& request)
{
    const QString authId = request.pathParams.value(QStringLiteral("authId"));
    const QString token = QUrlQuery(QString::fromUtf8(request.body)).queryItemValue(QStringLiteral("csrf_token"), QUrl::FullyDecoded);
    if (token.isEmpty() || !auth::OidcSessions::equal(cookie(request, kSshConfirmCookie), token))
        return refuseSsh(403, QStringLiteral("Confirmation refused"), QStringLiteral("This confirmation did not come from the browser that logged in."));
    const auto c = m_sessions.takeConfirmation(authId, token, Clock::now());
    if (!c)
        return refuseSsh(403, QStringLiteral("Confirmation refused"),
                         QStringLiteral("This confirmation is not valid: it expired, was already used, or belongs to another login."));
    const auto check = m_sshCheck ? m_sshCheck->pendingInfo(authId) : std::nullopt;
    if (!check)
        return refuseSsh(410, QStringLiteral("SSH check expired"), QStringLiteral("The check was decided or expired before you confirmed it."));
    const state::SnapshotPtr s = m_state.snapshot();
    // Again: the source node may have changed hands since the login.
    if (const QString why = ownerMismatch(*s, *check, c->userId); !why.isEmpty())
        return refuseSsh(403, QStringLiteral("Not your connection"), why);
    const store::User* user = s->user(c->userId);
    const QString name = user ? user->name : QString::number(c->userId);
    if (!m_sshCheck->decide(authId, true, state::Actor::of(QStringLiteral("oidc:") + name)))
        return refuseSsh(410, QStringLiteral("SSH check expired"), QStringLiteral("The check was decided or expired before you confirmed it."));
    metrics::Instruments::oidcLogin("success");
    qCInfo(lcAuth).noquote() << "OIDC: SSH check" << authId << "approved by its owner" << name;
    http::HttpResponse r = page(200, OidcPages::sshApproved(nodeName(*s, check->srcNodeId), nodeName(*s, check->dstNodeId), check->localUser));
    return cookieHeader(r, kSshConfirmCookie, QString(), QStringLiteral("/auth/confirm/") + authId, "Strict", 0);
}

} // namespace keel::server
