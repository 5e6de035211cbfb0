#include "machine/SshCheck.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "control/AuthPage.h"
#include "control/DefaultControlHandler.h"
#include "machine/Registration.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

namespace keel::control {

namespace {

const QByteArray kPrefix = QByteArrayLiteral("/machine/ssh/action/");

bool parseId(QByteArrayView text, qint64* out)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    for (char c : text)
        if (c < '0' || c > '9')
            return false;
    bool ok = false;
    *out = text.toLongLong(&ok);
    return ok;
}

} // namespace

SshCheck::SshCheck(state::State& state, Mapper& mapper, QString serverUrl, QObject* parent)
    : QObject(parent)
    , m_state(state)
    , m_mapper(mapper)
    , m_serverUrl(std::move(serverUrl))
{
    while (m_serverUrl.endsWith(QLatin1Char('/')))
        m_serverUrl.chop(1);
    // Approvals are stored: a restart does not ask users again within the check period.
    if (const auto stored = m_state.sshApprovals(); stored) {
        for (const store::SshApproval& a : *stored)
            m_approved.insert({a.srcNodeId, a.dstNodeId}, a);
    } else {
        qCWarning(lcControl).noquote() << "cannot read the stored SSH check approvals:" << stored.error().message;
    }
}

bool SshCheck::parsePath(const QByteArray& path, qint64* src, qint64* dst)
{
    QByteArrayView p(path);
    if (const qsizetype q = p.indexOf('?'); q >= 0)
        p = p.first(q);
    if (!p.startsWith(kPrefix))
        return false;
    p = p.sliced(kPrefix.size());
    const qsizetype to = p.indexOf("/to/");
    return to > 0 && parseId(p.first(to), src) && parseId(p.sliced(to + 4), dst);
}

QString SshCheck::actionBase() const
{
    const QString& base = m_mapper.options().sshActionBase;
    return base.isEmpty() ? MapperOptions::sshActionBaseFor(m_serverUrl) : base;
}

qint64 SshCheck::ttlMs() const
{
    // The same lifetime as a pending registration (Headscale keeps both in one auth cache).
    return std::max<qint64>(1000, m_state.config().tuning.registerCacheExpirationMs);
}

void SshCheck::serve(const ControlContext& context, const http::Http2Request& request, http::Http2Response response)
{
    qint64 src = 0;
    qint64 dst = 0;
    if (!parsePath(request.path, &src, &dst)) {
        DefaultControlHandler::error(response, 400, "the path must be /machine/ssh/action/{src node id}/to/{dst node id}");
        return;
    }
    const qsizetype q = request.path.indexOf('?');
    const QUrlQuery query(q < 0 ? QString() : QString::fromUtf8(request.path.mid(q + 1)));
    const QString localUser = query.queryItemValue(QStringLiteral("local_user"), QUrl::FullyDecoded);
    const QString authId = query.queryItemValue(QStringLiteral("auth_id"), QUrl::FullyDecoded);

    // Only the SSH server node itself may ask about connections to it: otherwise anyone with a
    // Noise session could create checks (or read verdicts) for other nodes.
    const state::SnapshotPtr s = m_state.snapshot();
    const state::LiveNode* dstNode = s->node(dst);
    if (!dstNode) {
        DefaultControlHandler::error(response, 404, "dst node not found");
        return;
    }
    if (dstNode->node.machineKey != context.machineKey.toString()) {
        DefaultControlHandler::error(response, 401, "machine key does not match dst node");
        return;
    }
    if (!s->node(src)) {
        answer(response, reject(QStringLiteral("The connecting node is no longer part of the tailnet.\n")));
        return;
    }
    // The period comes from the policy in force, never from the URL (a client could edit it).
    const std::optional<qint64> period = m_mapper.sshCheckPeriodSeconds(s, src, dst);

    if (!authId.isEmpty()) {
        auto it = m_sessions.find(authId);
        if (it == m_sessions.end()) {
            // Expired or lost on a restart: start over while a check rule still applies.
            answer(response, period ? delegate(src, dst, localUser)
                                    : reject(QStringLiteral("The tailnet policy no longer allows this connection.\n")));
            return;
        }
        if (it->src != src || it->dst != dst) {
            // A session answers only for the pair it was created for.
            DefaultControlHandler::error(response, 401, "src/dst pair does not match the check session");
            return;
        }
        if (!period) {
            // The policy changed while the check waited: no rule asks for it any more.
            m_sessions.erase(it);
            answer(response, reject(QStringLiteral("The tailnet policy no longer allows this connection.\n")));
            return;
        }
        if (it->verdict) {
            const bool approved = *it->verdict;
            m_sessions.erase(it);
            answer(response, approved ? accept() : reject(QStringLiteral("The SSH check was refused.\n")));
            return;
        }
        it->waiters.removeIf([](const http::Http2Response& w) { return !w.isOpen(); });
        it->waiters.append(std::move(response)); // long poll: answered by decide() or expire()
        return;
    }

    if (!period) {
        // No check rule covers the pair (the policy changed since the node asked): a refusal.
        answer(response, reject(QStringLiteral("The tailnet policy no longer allows this connection.\n")));
        return;
    }
    if (const std::optional<QDateTime> ends = approvalEnds(src, dst); ends && Clock::now() < *ends) {
        answer(response, accept());
        return;
    }
    answer(response, delegate(src, dst, localUser));
}

QJsonObject SshCheck::delegate(qint64 src, qint64 dst, const QString& localUser)
{
    // A bounded number of open checks, as for registrations: the oldest undecided one goes first.
    const int maxEntries = std::max(1, m_state.config().tuning.registerCacheMaxEntries);
    while (m_sessions.size() >= maxEntries) {
        auto oldest = m_sessions.begin();
        for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it)
            if (it->created < oldest->created)
                oldest = it;
        for (http::Http2Response& w : oldest->waiters)
            answer(w, reject(QStringLiteral("The SSH check was dropped: too many checks are waiting.\n")));
        m_sessions.erase(oldest);
    }
    const QString id = Registration::newAuthId();
    m_sessions.insert(id, Session{src, dst, localUser, Clock::now(), std::nullopt, {}});
    qCInfo(lcControl).noquote() << "SSH check pending:" << id << "node" << src << "->" << dst << "as" << localUser;

    // The ids are concrete (tailscaled would expand $SRC_NODE_ID and friends, but need not). The
    // URL has the netmap's form (https, the server's host, no port): tailscaled fetches it over
    // Noise only when it is https (MapperOptions::sshActionBase).
    const QString hold = actionBase()
                         + QStringLiteral("/machine/ssh/action/%1/to/%2?local_user=%3&auth_id=%4")
                               .arg(src)
                               .arg(dst)
                               .arg(QString::fromLatin1(QUrl::toPercentEncoding(localUser)), id);
    const QString authUrl = m_serverUrl + QStringLiteral("/auth/") + id;
    // tailscaled shows the message as an SSH auth banner while it waits on the follow-up.
    const QString message = QStringLiteral("# Keel SSH requires an additional check.\n"
                                           "# To authenticate, visit: %1\n"
                                           "# Waiting for the check to be approved...\n")
                                .arg(authUrl);
    return {{QStringLiteral("holdAndDelegate"), hold}, {QStringLiteral("message"), message}};
}

bool SshCheck::decide(const QString& authId, bool approve, const state::Actor& by)
{
    auto it = m_sessions.find(authId);
    if (it == m_sessions.end() || it->verdict)
        return false;
    it->verdict = approve;
    // Stored with its audit entry (State); the waiting connection gets the verdict even if the
    // store fails (the decision was made), but then it is not remembered.
    const state::SshCheckDecision d{authId, it->src, it->dst, it->localUser};
    if (approve) {
        const std::optional<qint64> period = m_mapper.sshCheckPeriodSeconds(m_state.snapshot(), it->src, it->dst);
        const auto stored = m_state.approveSshCheck(d, period.value_or(0), by);
        if (!stored)
            qCWarning(lcControl).noquote() << "SSH check" << authId << "approved but not stored:" << stored.error().message;
        else if (period.value_or(0) > 0)
            m_approved.insert({it->src, it->dst}, *stored);
    } else {
        m_approved.remove({it->src, it->dst}); // a refusal also ends an earlier approval
        if (const auto r = m_state.rejectSshCheck(d, by); !r)
            qCWarning(lcControl).noquote() << "SSH check" << authId << "refused; the refusal was not stored:" << r.error().message;
    }
    it = m_sessions.find(authId); // the state's events ran handlers: look again
    if (it == m_sessions.end())
        return true;
    QList<http::Http2Response> waiters = std::exchange(it->waiters, {});
    bool answered = false;
    for (http::Http2Response& w : waiters) {
        if (!w.isOpen())
            continue;
        answer(w, approve ? accept() : reject(QStringLiteral("The SSH check was refused.\n")));
        answered = true;
    }
    // Kept when nobody was waiting: the node's follow-up may still be on its way (or reconnecting).
    if (answered)
        m_sessions.erase(it);
    return true;
}

void SshCheck::expire()
{
    const QDateTime now = Clock::now();
    const qint64 ttl = ttlMs();
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        if (it->created.msecsTo(now) < ttl) {
            ++it;
            continue;
        }
        for (http::Http2Response& w : it->waiters)
            answer(w, reject(QStringLiteral("The SSH check was not approved in time.\n")));
        it = m_sessions.erase(it);
    }
    // Tailscale caps checkPeriod at 168 h (7 days): an older approval can never apply again.
    bool old = false;
    for (auto it = m_approved.begin(); it != m_approved.end();) {
        const bool gone = it->approvedAt.secsTo(now) > 168 * 3600;
        old = old || gone;
        it = gone ? m_approved.erase(it) : std::next(it);
    }
    if (old)
        m_state.pruneSshApprovals();
}

std::optional<QDateTime> SshCheck::approvalEnds(qint64 src, qint64 dst) const
{
    const auto a = m_approved.constFind({src, dst});
    if (a == m_approved.cend())
        return std::nullopt;
    // The period of the policy in force (as Headscale): the policy may have changed since.
    const std::optional<qint64> period = m_mapper.sshCheckPeriodSeconds(m_state.snapshot(), src, dst);
    if (!period || *period <= 0)
        return std::nullopt;
    return a->approvedAt.addSecs(*period);
}

std::optional<state::SshCheckDecision> SshCheck::pendingInfo(const QString& authId) const
{
    const auto it = m_sessions.constFind(authId);
    if (it == m_sessions.cend() || it->verdict)
        return std::nullopt;
    return state::SshCheckDecision{authId, it->src, it->dst, it->localUser};
}

QJsonArray SshCheck::pendingJson() const
{
    QJsonArray out;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->verdict)
            continue;
        out.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("sshCheck")},
                               {QStringLiteral("authId"), it.key()},
                               {QStringLiteral("srcNodeId"), QString::number(it->src)},
                               {QStringLiteral("srcNode"), nodeName(it->src)},
                               {QStringLiteral("dstNodeId"), QString::number(it->dst)},
                               {QStringLiteral("dstNode"), nodeName(it->dst)},
                               {QStringLiteral("localUser"), it->localUser},
                               {QStringLiteral("createdAt"), it->created.toUTC().toString(Qt::ISODateWithMs)},
                               {QStringLiteral("expiresAt"), it->created.addMSecs(ttlMs()).toUTC().toString(Qt::ISODateWithMs)}});
    }
    return out;
}

QJsonArray SshCheck::approvalsJson() const
{
    QList<store::SshApproval> list = m_approved.values();
    std::sort(list.begin(), list.end(), [](const store::SshApproval& a, const store::SshApproval& b) {
        return std::pair(a.dstNodeId, a.srcNodeId) < std::pair(b.dstNodeId, b.srcNodeId);
    });
    QJsonArray out;
    const QDateTime now = Clock::now();
    for (const store::SshApproval& a : list) {
        const std::optional<QDateTime> ends = approvalEnds(a.srcNodeId, a.dstNodeId);
        if (!ends || *ends <= now)
            continue; // lets nothing in any more
        out.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("sshApproval")},
                               {QStringLiteral("srcNodeId"), QString::number(a.srcNodeId)},
                               {QStringLiteral("srcNode"), nodeName(a.srcNodeId)},
                               {QStringLiteral("dstNodeId"), QString::number(a.dstNodeId)},
                               {QStringLiteral("dstNode"), nodeName(a.dstNodeId)},
                               {QStringLiteral("localUser"), a.localUser},
                               {QStringLiteral("approvedAt"), a.approvedAt.toUTC().toString(Qt::ISODateWithMs)},
                               {QStringLiteral("approvedBy"), a.approvedBy},
                               {QStringLiteral("expiresAt"), ends->toUTC().toString(Qt::ISODateWithMs)}});
    }
    return out;
}

std::pair<int, QByteArray> SshCheck::page(const QString& authId) const
{
    const auto it = m_sessions.constFind(authId);
    if (it == m_sessions.cend() || it->verdict) {
        return {404, AuthPage::render({QStringLiteral("SSH check"),
                                       QStringLiteral("This check is unknown, already decided or expired."),
                                       {},
                                       QStringLiteral("Connect again to start a new check.")})};
    }
    const QString who = it->localUser.isEmpty() ? QString() : QStringLiteral(" as %1").arg(it->localUser);
    return {200, AuthPage::render({QStringLiteral("SSH check"),
                                   QStringLiteral("%1 is connecting with Tailscale SSH to %2%3. The tailnet policy asks for "
                                                  "an additional check. An administrator approves the connection by running:")
                                       .arg(nodeName(it->src), nodeName(it->dst), who),
                                   {QStringLiteral("keel auth approve --auth-id %1").arg(authId),
                                    QStringLiteral("keel auth reject --auth-id %1").arg(authId)},
                                   QStringLiteral("The second command refuses it. The connection waits here until one of "
                                                  "them runs, or the check expires.")})};
}

QString SshCheck::nodeName(qint64 id) const
{
    const state::LiveNode* n = m_state.snapshot()->node(id);
    if (!n)
        return QStringLiteral("node %1").arg(id);
    return n->node.givenName.isEmpty() ? n->node.hostname : n->node.givenName;
}

void SshCheck::answer(http::Http2Response& response, const QJsonObject& action) const
{
    response.respond(200, {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json; charset=utf-8")}},
                     QJsonDocument(action).toJson(QJsonDocument::Compact));
}

QJsonObject SshCheck::accept(const QString& message)
{
    QJsonObject a{{QStringLiteral("accept"), true},
                  {QStringLiteral("allowAgentForwarding"), true},
                  {QStringLiteral("allowLocalPortForwarding"), true},
                  {QStringLiteral("allowRemotePortForwarding"), true}};
    if (!message.isEmpty())
        a.insert(QStringLiteral("message"), message);
    return a;
}

QJsonObject SshCheck::reject(const QString& message)
{
    return {{QStringLiteral("reject"), true}, {QStringLiteral("message"), message}};
}

} // namespace keel::control
