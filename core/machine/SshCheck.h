#pragma once

#include "control/ControlHandler.h"
#include "mapper/Mapper.h"
#include "state/State.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QObject>

#include <optional>

namespace keel::control {

// Tailscale SSH check mode (GET /machine/ssh/action/{src}/to/{dst} over Noise). A "check" rule
// sends the SSH server node (dst) here before it lets `src` in. The exchange, as tailscaled's
// ssh/tailssh runs it (fetchSSHAction):
//   1. first request (no auth_id): Accept at once when src -> dst was approved within the rule's
//      checkPeriod; else a new check session and {"holdAndDelegate": <same URL + auth_id>,
//      "message": <banner with the /auth/{id} page the connecting user opens>};
//   2. follow-up (auth_id): held until an admin approves (Accept, remembered for checkPeriod) or
//      refuses (Reject) the session, or until it expires (Reject). A follow-up whose session is
//      gone (server restart) gets a new session, as Headscale 0.29 does.
// Every verdict is HTTP 200 with an SSHAction: the client retries any other status with backoff
// for up to 30 minutes, so an error status only answers requests that are not the node's own
// (dst's machine key must be the Noise peer's, else 401) or are malformed (400).
class SshCheck : public QObject
{
    Q_OBJECT
public:
    SshCheck(state::State& state, Mapper& mapper, QString serverUrl, QObject* parent = nullptr);

    void serve(const ControlContext& context, const http::Http2Request& request, http::Http2Response response);

    // `keel auth approve|reject --auth-id ID`: decides a pending check and answers its held
    // follow-ups. False when `authId` names no pending SSH check (a registration, say).
    // The decision is audited (sshcheck.approve / sshcheck.reject) as `by`.
    bool decide(const QString& authId, bool approve, const state::Actor& by = state::Actor::system());
    // The page behind the auth URL: what is being checked and the command that approves it; 404
    // when the id is unknown or expired.
    std::pair<int, QByteArray> page(const QString& authId) const;
    // Answers expired sessions (Reject) and drops old approvals. Called by the housekeeping timer.
    void expire();
    int pendingCount() const { return int(m_sessions.size()); }

    // An undecided check (for the OIDC page: whose login may approve it); nullopt when `authId`
    // names none.
    std::optional<state::SshCheckDecision> pendingInfo(const QString& authId) const;
    // `keel auth list`: the undecided checks, and the approvals in force (stored, so they survive
    // a restart) with when each stops letting connections in under the policy in force.
    QJsonArray pendingJson() const;
    QJsonArray approvalsJson() const;

    // "/machine/ssh/action/{src}/to/{dst}" (query ignored) -> the two node ids.
    static bool parsePath(const QByteArray& path, qint64* src, qint64* dst);

private:
    struct Session
    {
        qint64 src = 0;
        qint64 dst = 0;
        QString localUser;
        QDateTime created;
        std::optional<bool> verdict; // set by decide(); kept until a follow-up takes it
        QList<http::Http2Response> waiters;
    };

    QJsonObject delegate(qint64 src, qint64 dst, const QString& localUser);
    void answer(http::Http2Response& response, const QJsonObject& action) const;
    static QJsonObject accept(const QString& message = {});
    static QJsonObject reject(const QString& message);
    QString nodeName(qint64 id) const;
    // When the pair's approval stops letting connections in under the policy in force; nullopt
    // when there is none or no check rule covers the pair any more.
    std::optional<QDateTime> approvalEnds(qint64 src, qint64 dst) const;
    qint64 ttlMs() const;
    QString actionBase() const;

    state::State& m_state;
    Mapper& m_mapper;
    QString m_serverUrl;
    QHash<QString, Session> m_sessions;                    // auth id -> session
    // (src, dst) -> its approval; a copy of the store's rows (State writes them), read at start.
    QHash<QPair<qint64, qint64>, store::SshApproval> m_approved;
};

} // namespace keel::control
