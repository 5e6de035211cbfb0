#include "machine/Registration.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "mapper/Mapper.h"
#include "metrics/Instruments.h"
#include "policy/PolicyApprovals.h"
#include "state/PolicyTopology.h"

#include <QRandomGenerator>

#include <algorithm>
#include <QUrl>

namespace keel::control {

using store::Error;

namespace {

bool isSubset(const QStringList& a, const QStringList& b)
{
    for (const QString& x : a)
        if (!b.contains(x))
            return false;
    return true;
}

// keel_registrations_total{method,outcome}: wraps the reply so every path is counted once.
Registration::Reply counted(const QByteArray& method, Registration::Reply reply)
{
    return [method, reply = std::move(reply)](int status, const QJsonObject& body) {
        QByteArray outcome = "success";
        if (status >= 500)
            outcome = "error";
        else if (status != 200 || !body.value(QStringLiteral("Error")).toString().isEmpty())
            outcome = "rejected";
        else if (!body.value(QStringLiteral("AuthURL")).toString().isEmpty())
            outcome = "pending";
        metrics::Instruments::registration(method, outcome);
        reply(status, body);
    };
}

} // namespace

Registration::Registration(state::State& state, QString serverUrl, QObject* parent)
    : QObject(parent)
    , m_state(state)
    , m_serverUrl(std::move(serverUrl))
{
    while (m_serverUrl.endsWith(QLatin1Char('/')))
        m_serverUrl.chop(1);
}

QString Registration::newAuthId()
{
    QString hex;
    for (int i = 0; i < 12; ++i)
        hex += QStringLiteral("%1").arg(QRandomGenerator::system()->bounded(256), 2, 16, QLatin1Char('0'));
    return QStringLiteral("hskey-authreq-") + hex;
}

QString Registration::authIdFromUrl(const QString& url)
{
    const QString path = QUrl(url).path();
    const int slash = int(path.lastIndexOf(QLatin1Char('/')));
    return slash < 0 ? QString() : path.mid(slash + 1);
}

QJsonObject Registration::success(const state::LiveNode& live, bool keyExpired) const
{
    const state::SnapshotPtr s = m_state.snapshot();
    const qint64 owner = live.isTagged() || !live.node.userId ? state::State::kTaggedDevicesId : *live.node.userId;
    store::User u = s->user(owner) ? *s->user(owner) : state::State::taggedDevicesUser();
    const QString display = u.displayName.isEmpty() ? u.name : u.displayName;
    const QString login = u.email.isEmpty() ? u.name : u.email;
    const bool expired = keyExpired || live.isExpired(Clock::now());
    return {
        {QStringLiteral("User"),
         QJsonObject{{QStringLiteral("ID"), u.id},
                     {QStringLiteral("DisplayName"), display},
                     {QStringLiteral("ProfilePicURL"), u.profilePicUrl},
                     {QStringLiteral("Created"), Mapper::goTime(u.createdAt)}}},
        {QStringLiteral("Login"),
         QJsonObject{{QStringLiteral("ID"), u.id},
                     {QStringLiteral("Provider"), u.provider},
                     {QStringLiteral("LoginName"), login},
                     {QStringLiteral("DisplayName"), display},
                     {QStringLiteral("ProfilePicURL"), u.profilePicUrl}}},
        {QStringLiteral("NodeKeyExpired"), expired},
        {QStringLiteral("MachineAuthorized"), !expired && live.node.authorized},
        {QStringLiteral("AuthURL"), QString()},
    };
}

QStringList Registration::refusedTags(std::optional<qint64> userId, const QStringList& tags) const
{
    const state::SnapshotPtr s = m_state.snapshot();
    if (tags.isEmpty())
        return {};
    if (!s->policy || !userId)
        return tags;
    policy::Topology topology;
    for (const store::User& u : s->users)
        topology.users.append(state::policyUser(u));
    return policy::PolicyApprovals(*s->policy, topology).refusedTags(*userId, tags);
}

void Registration::handle(const QString& machineKey, const QByteArray& body, Reply reply, const QHostAddress& peer)
{
    QString parseError;
    const auto r = RegistrationRequest::parse(body, &parseError);
    if (!r) {
        reply(400, error(parseError));
        return;
    }
    const state::SnapshotPtr s = m_state.snapshot();
    {
        const state::LiveNode* n = s->nodeByKey(r->nodeKey);
        const QByteArray method = !r->followup.isEmpty() ? "followup"
            : n && r->expiry && *r->expiry <= Clock::now() ? "logout"
            : n                                             ? "refresh"
            : !r->authKey.isEmpty()                         ? "authkey"
                                                            : "interactive";
        reply = counted(method, std::move(reply));
    }
    if (const state::LiveNode* n = s->nodeByKey(r->nodeKey)) {
        // A node key is served only over the Noise session of its own machine.
        if (n->node.machineKey != machineKey) {
            reply(401, error(QStringLiteral("node exists with a different machine key")));
            return;
        }
        if (!r->followup.isEmpty() && !m_pending.contains(authIdFromUrl(r->followup))) {
            // A follow-up for a registration that already completed (e.g. approved earlier).
            known(*n, *r, reply);
            return;
        }
        if (r->followup.isEmpty()) {
            known(*n, *r, reply);
            return;
        }
    }
    if (!r->followup.isEmpty())
        followup(machineKey, *r, reply, peer);
    else if (!r->authKey.isEmpty())
        withAuthKey(machineKey, *r, reply);
    else
        interactive(machineKey, *r, reply, peer);
}

void Registration::known(const state::LiveNode& node, const RegistrationRequest& r, const Reply& reply)
{
    const QDateTime now = Clock::now();
    if (r.expiry && *r.expiry <= now) {
        // Logout: a past expiry always wins, even with an AuthKey in the request (control.md 3.4 E).
        const state::Actor self = state::Actor::of(QStringLiteral("node:%1").arg(node.node.id));
        if (node.node.ephemeral) {
            (void)m_state.deleteNode(node.node.id, self);
            reply(200, {{QStringLiteral("NodeKeyExpired"), true}, {QStringLiteral("MachineAuthorized"), false}});
            return;
        }
        // 1970 would be shown to peers: clamp to now (Headscale).
        auto updated = m_state.setExpiry(node.node.id, now);
        if (!updated) {
            reply(500, error(updated.error().message));
            return;
        }
        qCInfo(lcControl) << "node" << node.node.id << "logged out";
        m_state.audit(self, QStringLiteral("node.logout"), QStringLiteral("node:%1").arg(node.node.id), node.node.givenName);
        reply(200, success(*updated, true));
        return;
    }
    if (r.expiry) {
        // A future expiry may only shorten the current one (SetExpirySooner).
        if (node.node.expiry && *r.expiry >= *node.node.expiry) {
            reply(200, error(QStringLiteral("extending key is not allowed")));
            return;
        }
        auto updated = m_state.setExpiry(node.node.id, r.expiry);
        if (!updated) {
            reply(500, error(updated.error().message));
            return;
        }
        reply(200, success(*updated));
        return;
    }
    // Routine re-registration of a known key: accepted without re-checking an auth key, which
    // containers send again on every start and may be spent by now (Headscale #2830).
    reply(200, success(node));
}

const state::LiveNode* Registration::existingNode(const state::SnapshotPtr& s, const QString& machineKey,
                                                  const QString& oldNodeKey, std::optional<qint64> userId) const
{
    if (!oldNodeKey.isEmpty()) {
        const state::LiveNode* n = s->nodeByKey(oldNodeKey);
        if (n && n->node.machineKey == machineKey)
            return n;
    }
    for (const auto& n : s->nodes) {
        if (n->node.machineKey != machineKey)
            continue;
        // One node per machine and owner; tagged nodes count as the same owner as tagged keys.
        if ((userId && n->node.userId == userId && !n->isTagged()) || (!userId && n->isTagged()))
            return n.get();
    }
    return nullptr;
}

void Registration::withAuthKey(const QString& machineKey, const RegistrationRequest& r, const Reply& reply)
{
    // Check what we can before trying; the key is spent in the transaction that stores the node,
    // which checks it again (of two racing registrations with a single-use key one wins).
    auto found = m_state.validPreAuthKey(r.authKey);
    if (!found) {
        reply(200, error(found.error().kind == Error::Database ? QStringLiteral("invalid authkey") : found.error().message));
        return;
    }
    // --advertise-tags: within the key's tags, or tags the key's user may assign (tagOwners).
    if (!r.requestTags.isEmpty() && !isSubset(r.requestTags, found->tags)) {
        const QStringList refused = refusedTags(found->userId, r.requestTags);
        if (!refused.isEmpty()) {
            reply(200, error(QStringLiteral("requested tags [%1] are invalid or not permitted").arg(refused.join(QLatin1Char(' ')))));
            return;
        }
    }
    const store::PreAuthKey* key = &*found;
    QStringList tags = key->tags;
    if (!r.requestTags.isEmpty() && !isSubset(r.requestTags, key->tags))
        tags = r.requestTags; // allowed by the policy above
    const bool tagged = !tags.isEmpty();
    const std::optional<qint64> owner = tagged ? std::nullopt : key->userId;
    const state::SnapshotPtr s = m_state.snapshot();
    store::Result<state::LiveNode> result = Error::database(QString());
    if (const state::LiveNode* existing = existingNode(s, machineKey, r.oldNodeKey, owner)) {
        result = m_state.reauthNode(existing->node.id, r.nodeKey, r.hostinfoJson, r.expiry, owner, tags, key->id);
    } else {
        state::NewNode spec;
        spec.machineKey = machineKey;
        spec.nodeKey = r.nodeKey;
        spec.nlKey = r.nlKey;
        spec.hostinfoJson = r.hostinfoJson;
        spec.userId = owner;
        spec.tags = tags;
        spec.ephemeral = key->ephemeral || r.ephemeral;
        spec.expiry = r.expiry;
        spec.registerMethod = QStringLiteral("authkey");
        spec.authKeyId = key->id;
        spec.spendKey = true;
        spec.preApproved = key->preApproved;
        result = m_state.createNode(spec);
    }
    if (!result) {
        reply(200, error(result.error().message));
        return;
    }
    m_state.audit(state::Actor::of(QStringLiteral("preauthkey:%1").arg(key->id)), QStringLiteral("node.register"),
                  QStringLiteral("node:%1").arg(result->node.id), result->node.givenName);
    reply(200, success(*result));
}

void Registration::evictOldest(const std::optional<QHostAddress>& peer)
{
    auto oldest = m_pending.end();
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (peer && it->peer != *peer)
            continue;
        if (oldest == m_pending.end() || it->created < oldest->created)
            oldest = it;
    }
    if (oldest == m_pending.end())
        return;
    const QList<Reply> waiters = std::exchange(oldest->waiters, {});
    m_pending.erase(oldest);
    // A held follow-up is answered, never dropped. An error rather than a fresh URL: a new entry
    // would evict another, and the client starts a new login after an error anyway.
    for (const Reply& w : waiters)
        w(200, error(QStringLiteral("registration request was dropped (too many pending registrations); log in again")));
}

void Registration::interactive(const QString& machineKey, const RegistrationRequest& r, const Reply& reply,
                               const QHostAddress& peer)
{
    if (r.hostinfoJson.size() > kMaxPendingRequestBytes) {
        reply(200, error(QStringLiteral("Hostinfo of %1 bytes is too large for an interactive registration "
                                        "(limit %2); use a pre-auth key")
                             .arg(r.hostinfoJson.size())
                             .arg(kMaxPendingRequestBytes)));
        return;
    }
    const int maxEntries = m_state.config().tuning.registerCacheMaxEntries;
    if (maxEntries > 0) {
        int fromPeer = 0;
        for (const Pending& p : std::as_const(m_pending))
            fromPeer += p.peer == peer ? 1 : 0;
        if (fromPeer >= maxPendingPerAddress(maxEntries))
            evictOldest(peer);
        else if (m_pending.size() >= maxEntries)
            evictOldest(std::nullopt); // the oldest of all (Headscale keeps an LRU of 1024)
    }
    const QString id = newAuthId();
    const Pending& p = *m_pending.insert(id, Pending{machineKey, peer, r, Clock::now(), std::nullopt, {}});
    qCInfo(lcControl).noquote() << "registration pending:" << id;
    m_state.emitEvent(QStringLiteral("registration.pending"), {{QStringLiteral("registration"), describe(id, p)}});
    reply(200, {{QStringLiteral("AuthURL"), m_serverUrl + QStringLiteral("/register/") + id}});
}

void Registration::followup(const QString& machineKey, const RegistrationRequest& r, const Reply& reply,
                            const QHostAddress& peer)
{
    const QString id = authIdFromUrl(r.followup);
    if (m_rejected.contains(id)) {
        reply(200, error(QStringLiteral("registration rejected by an administrator")));
        return;
    }
    auto it = m_pending.find(id);
    if (it == m_pending.end()) {
        // Expired or unknown (server restart): a new URL; the same one would make the client
        // back off (control.md 3.4 B.7).
        RegistrationRequest fresh = r;
        fresh.followup.clear();
        interactive(machineKey, fresh, reply, peer);
        return;
    }
    if (it->machineKey != machineKey) {
        reply(401, error(QStringLiteral("registration belongs to another machine")));
        return;
    }
    if (it->nodeId) {
        const state::LiveNode* n = m_state.snapshot()->node(*it->nodeId);
        if (n) {
            reply(200, success(*n));
            return;
        }
    }
    it->waiters.append(reply); // held until approved or expired
}

std::optional<Registration::PendingInfo> Registration::pendingInfo(const QString& authId) const
{
    const auto it = m_pending.constFind(authId);
    if (it == m_pending.constEnd() || it->created.msecsTo(Clock::now()) >= m_state.config().tuning.registerCacheExpirationMs)
        return std::nullopt;
    return PendingInfo{it->machineKey, it->request.hostinfo.value(QLatin1String("Hostname")).toString(),
                       it->request.hostinfo.value(QLatin1String("OS")).toString(), it->request.requestTags};
}

store::Result<state::LiveNode> Registration::approve(const QString& authId, const QString& userName, const state::Actor& by)
{
    const state::SnapshotPtr s = m_state.snapshot();
    for (const store::User& u : s->users)
        if (u.name == userName && u.id != state::State::kTaggedDevicesId)
            return approveRegistration(authId, u.id, by);
    if (!m_pending.contains(authId))
        return Error::notFound(QStringLiteral("registration %1 not found or expired").arg(authId));
    return Error::notFound(QStringLiteral("user %1 not found").arg(userName));
}

store::Result<state::LiveNode> Registration::approveRegistration(const QString& authId, qint64 userId, const state::Actor& by,
                                                                 std::optional<QDateTime> expiry)
{
    auto it = m_pending.find(authId);
    if (it == m_pending.end() || it->nodeId)
        return Error::notFound(QStringLiteral("registration %1 not found or expired").arg(authId));
    const state::SnapshotPtr s = m_state.snapshot();
    const store::User* user = s->user(userId);
    if (!user || userId == state::State::kTaggedDevicesId)
        return Error::notFound(QStringLiteral("user %1 not found").arg(userId));
    const QString userName = user->name;
    const RegistrationRequest r = it->request;
    if (!expiry)
        expiry = r.expiry;
    const QString machineKey = it->machineKey;
    if (const QStringList refused = refusedTags(userId, r.requestTags); !refused.isEmpty())
        return Error::invalid(QStringLiteral("user %1 may not assign the requested tags [%2]").arg(userName, refused.join(QLatin1Char(' '))));
    store::Result<state::LiveNode> result = Error::database(QString());
    if (const state::LiveNode* existing = existingNode(s, machineKey, r.oldNodeKey, userId)) {
        // Same machine and user: update in place, keep ID, IPs and name (control.md 3.4 B.6).
        result = m_state.reauthNode(existing->node.id, r.nodeKey, r.hostinfoJson, expiry, userId, r.requestTags);
    } else {
        state::NewNode spec;
        spec.machineKey = machineKey;
        spec.nodeKey = r.nodeKey;
        spec.nlKey = r.nlKey;
        spec.hostinfoJson = r.hostinfoJson;
        spec.userId = userId;
        spec.tags = r.requestTags; // allowed above
        spec.ephemeral = r.ephemeral;
        spec.expiry = expiry;
        spec.registerMethod = by.name.startsWith(QLatin1String("oidc:")) ? QStringLiteral("oidc") : QStringLiteral("cli");
        // An admin approving by name is the device approval; a user's own login (OIDC) is not.
        spec.preApproved = spec.registerMethod == QLatin1String("cli");
        result = m_state.createNode(spec);
    }
    if (!result)
        return result.error();
    it = m_pending.find(authId); // creating the node emitted events: handlers may have run
    if (it == m_pending.end())
        return result;
    it->nodeId = result->node.id;
    QJsonObject registration = describe(authId, *it);
    registration.insert(QStringLiteral("nodeId"), QString::number(result->node.id));
    registration.insert(QStringLiteral("user"), userName);
    const QList<Reply> waiters = std::exchange(it->waiters, {});
    m_state.emitEvent(QStringLiteral("registration.approved"), {{QStringLiteral("registration"), registration}});
    m_state.audit(by, QStringLiteral("registration.approve"), QStringLiteral("registration:%1").arg(authId),
                  QStringLiteral("node %1 (%2) for user %3").arg(result->node.id).arg(result->node.givenName, userName));
    const QJsonObject body = success(*result);
    for (const Reply& w : waiters)
        w(200, body);
    return result;
}

store::Result<void> Registration::reject(const QString& authId, const state::Actor& by)
{
    auto it = m_pending.find(authId);
    if (it == m_pending.end() || it->nodeId)
        return Error::notFound(QStringLiteral("registration %1 not found or expired").arg(authId));
    const Pending p = *it;
    m_pending.erase(it);
    m_rejected.insert(authId, Clock::now());
    m_state.emitEvent(QStringLiteral("registration.rejected"), {{QStringLiteral("registration"), describe(authId, p)}});
    m_state.audit(by, QStringLiteral("registration.reject"), QStringLiteral("registration:%1").arg(authId),
                  p.request.hostinfo.value(QStringLiteral("Hostname")).toString());
    // The waiting client gets a RegisterResponse with Error: tailscaled reports it as a backend
    // error (`tailscale up` prints it and fails) and retries later with the same follow-up URL,
    // which keeps getting this answer until the id expires.
    for (const Reply& w : p.waiters)
        w(200, error(QStringLiteral("registration rejected by an administrator")));
    return {};
}

QJsonObject Registration::describe(const QString& id, const Pending& p) const
{
    const QJsonObject& hi = p.request.hostinfo;
    const qint64 ttl = m_state.config().tuning.registerCacheExpirationMs;
    QJsonArray tags;
    for (const QString& t : p.request.requestTags)
        tags.append(t);
    // "mkey:" + the first 8 hex digits: enough to tell machines apart, too short to matter.
    const QString machine = p.machineKey.left(QStringLiteral("mkey:").size() + 8);
    return {{QStringLiteral("authId"), id},
            {QStringLiteral("hostname"), hi.value(QStringLiteral("Hostname")).toString()},
            {QStringLiteral("machineKey"), machine},
            {QStringLiteral("os"), hi.value(QStringLiteral("OS")).toString()},
            {QStringLiteral("clientVersion"), hi.value(QStringLiteral("IPNVersion")).toString()},
            {QStringLiteral("requestedTags"), tags},
            {QStringLiteral("createdAt"), p.created.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("expiresAt"), p.created.addMSecs(ttl).toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("sourceAddress"), QString()}};
}

QJsonArray Registration::pendingJson() const
{
    QList<std::pair<QDateTime, QString>> order;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
        if (!it->nodeId)
            order.append({it->created, it.key()});
    std::sort(order.begin(), order.end());
    QJsonArray out;
    for (const auto& [created, id] : order)
        out.append(describe(id, m_pending.value(id)));
    return out;
}

void Registration::expirePending()
{
    const QDateTime now = Clock::now();
    const qint64 ttl = m_state.config().tuning.registerCacheExpirationMs;
    QList<Pending> expired;
    QHash<QString, Pending> expiredIds;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->created.msecsTo(now) >= ttl) {
            expired << *it;
            expiredIds.insert(it.key(), *it);
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = m_rejected.begin(); it != m_rejected.end();)
        it = it.value().msecsTo(now) >= ttl ? m_rejected.erase(it) : std::next(it);
    for (auto it = expiredIds.cbegin(); it != expiredIds.cend(); ++it)
        if (!it->nodeId)
            m_state.emitEvent(QStringLiteral("registration.expired"), {{QStringLiteral("registration"), describe(it.key(), *it)}});
    for (const Pending& p : expired) {
        for (const Reply& w : p.waiters) {
            RegistrationRequest fresh = p.request;
            fresh.followup.clear();
            interactive(p.machineKey, fresh, w, p.peer);
        }
    }
}

} // namespace keel::control
