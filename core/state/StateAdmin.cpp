// State's admin verbs: what the admin API, the CLI through it and the GUI in-process change.
// Each validates, writes once, publishes a snapshot, emits its event and leaves an audit entry.
// Part of State.
#include "state/State.h"

#include "common/Log.h"

namespace keel::state {

using store::Error;
using store::Result;

namespace {

QString nodeTarget(qint64 id)
{
    return QStringLiteral("node:%1").arg(id);
}

QJsonObject minimalKey(qint64 id)
{
    return {{QStringLiteral("id"), QString::number(id)}};
}

AuditNote preAuthKeyNote(const Actor& by, const store::PreAuthKey& k)
{
    QStringList detail;
    if (k.reusable)
        detail << QStringLiteral("reusable");
    if (k.ephemeral)
        detail << QStringLiteral("ephemeral");
    if (k.preApproved)
        detail << QStringLiteral("pre-approved");
    if (!k.tags.isEmpty())
        detail << k.tags.join(QLatin1Char(','));
    if (k.userId)
        detail << QStringLiteral("user %1").arg(*k.userId);
    return {by, QStringLiteral("preauthkey.create"), QStringLiteral("preauthkey:%1").arg(k.id), detail.join(QLatin1Char(' '))};
}

} // namespace

Result<LiveNode> State::replaceNode(const store::Node& changed, bool identityChanged, const AuditNote& note)
{
    auto next = mutableCopy();
    const LiveNode* old = next->node(changed.id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    store::Node n = changed;
    // New tags or owner may make the node an auto-approver of routes it announces. Not on other
    // admin changes: an admin who removes an approval keeps it removed (until the node announces
    // new routes or the policy changes, as in Headscale).
    if (identityChanged)
        autoApprove(*next, n);
    store::Node saved;
    if (auto r = writeAudited([&] { return store::into(saved, m_store.updateNode(n)); }, note); !r)
        return r.error();
    auto live = std::make_shared<LiveNode>(*old);
    unindexNode(*next, *old);
    live->node = saved;
    indexNode(*next, live);
    const LiveNode result = *live;
    // Tags, owner and approvals decide who sees which route.
    publish(next, {Change::changed(n.id)}, true);
    emitNode(QStringLiteral("node.changed"), n.id);
    announceAudit();
    return result;
}

Result<LiveNode> State::setTags(qint64 id, const QStringList& tags, const Actor& by)
{
    const LiveNode* old = snapshot()->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    QStringList sorted = tags;
    for (const QString& t : sorted)
        if (!t.startsWith(QLatin1String("tag:")) || t.size() <= 4)
            return Error::invalid(QStringLiteral("tag \"%1\" does not begin with \"tag:\"").arg(t));
    sorted.sort();
    sorted.removeDuplicates();
    store::Node n = old->node;
    n.tags = sorted;
    return replaceNode(n, true, {by, QStringLiteral("node.tags"), nodeTarget(id), sorted.join(QLatin1Char(','))});
}

Result<LiveNode> State::setOwner(qint64 id, qint64 userId, const Actor& by)
{
    const SnapshotPtr s = snapshot();
    const LiveNode* old = s->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    const store::User* user = s->user(userId);
    if (!user || userId == kTaggedDevicesId)
        return Error::notFound(QStringLiteral("user %1 not found").arg(userId));
    if (old->isTagged())
        return Error::invalid(QStringLiteral("node %1 is tagged: tagged nodes belong to their tags, not to a user").arg(id));
    store::Node n = old->node;
    n.userId = userId;
    return replaceNode(n, true, {by, QStringLiteral("node.move"), nodeTarget(id), QStringLiteral("to user %1").arg(user->name)});
}

Result<LiveNode> State::setApprovedRoutes(qint64 id, const QStringList& routes, const Actor& by)
{
    const LiveNode* old = snapshot()->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    store::Node n = old->node;
    n.approvedRoutes = routes;
    n.approvedRoutes.sort();
    n.approvedRoutes.removeDuplicates();
    return replaceNode(n, false, {by, QStringLiteral("node.approve_routes"), nodeTarget(id), n.approvedRoutes.join(QLatin1Char(','))});
}

Result<LiveNode> State::authorizeNode(qint64 id, const Actor& by)
{
    auto next = mutableCopy();
    const LiveNode* old = next->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    if (old->node.authorized)
        return *old;
    store::Node n = old->node;
    n.authorized = true;
    store::Node saved;
    if (auto r = writeAudited([&] { return store::into(saved, m_store.updateNode(n)); },
                              {by, QStringLiteral("node.approve"), nodeTarget(id), n.givenName});
        !r)
        return r.error();
    auto live = std::make_shared<LiveNode>(*old);
    live->node = saved;
    indexNode(*next, live);
    const LiveNode result = *live;
    // To its peers the node is new; to itself everything changed (authorized, peers, filters), so
    // it alone gets a full map.
    publish(next, {Change::added(id), Change::fullFor(id)}, true);
    emitNode(QStringLiteral("node.changed"), id);
    announceAudit();
    return result;
}

Result<void> State::publishUsers()
{
    auto users = m_store.listUsers();
    if (!users)
        return users.error();
    auto next = mutableCopy();
    next->users.clear();
    for (const store::User& u : users.value())
        next->users.insert(u.id, u);
    next->users.insert(kTaggedDevicesId, taggedDevicesUser());
    publish(next, {Change::full()});
    return {};
}

Result<store::User> State::createUser(const store::User& user, const Actor& by)
{
    store::User created;
    if (auto r = writeAudited([&] { return store::into(created, m_store.createUser(user)); },
                              [&] { return std::optional<AuditNote>(AuditNote{by, QStringLiteral("user.create"), QStringLiteral("user:%1").arg(created.name), {}}); });
        !r)
        return r.error();
    (void)publishUsers();
    m_events.publish(QStringLiteral("user.added"), {{QStringLiteral("user"), m_renderer.user ? m_renderer.user(created) : minimalKey(created.id)}});
    announceAudit();
    return created;
}

Result<store::User> State::renameUser(qint64 id, const QString& newName, const Actor& by)
{
    const store::User* old = snapshot()->user(id);
    const QString oldName = old ? old->name : QString();
    store::User renamed;
    if (auto r = writeAudited([&] { return store::into(renamed, m_store.renameUser(id, newName)); },
                              {by, QStringLiteral("user.rename"), QStringLiteral("user:%1").arg(oldName), newName});
        !r)
        return r.error();
    (void)publishUsers();
    m_events.publish(QStringLiteral("user.changed"), {{QStringLiteral("user"), m_renderer.user ? m_renderer.user(renamed) : minimalKey(id)}});
    announceAudit();
    return renamed;
}

Result<store::User> State::updateUser(const store::User& user, const Actor& by)
{
    store::User updated;
    if (auto r = writeAudited([&] { return store::into(updated, m_store.updateUser(user)); },
                              [&] { return std::optional<AuditNote>(AuditNote{by, QStringLiteral("user.update"), QStringLiteral("user:%1").arg(updated.name), {}}); });
        !r)
        return r.error();
    (void)publishUsers();
    m_events.publish(QStringLiteral("user.changed"), {{QStringLiteral("user"), m_renderer.user ? m_renderer.user(updated) : minimalKey(user.id)}});
    announceAudit();
    return updated;
}

Result<void> State::deleteUser(qint64 id, const Actor& by)
{
    const store::User* old = snapshot()->user(id);
    const QString name = old ? old->name : QString::number(id);
    if (auto r = writeAudited([&] { return m_store.deleteUser(id); }, {by, QStringLiteral("user.delete"), QStringLiteral("user:%1").arg(name), {}}); !r)
        return r;
    (void)publishUsers();
    m_events.publish(QStringLiteral("user.removed"), {{QStringLiteral("userId"), QString::number(id)}});
    announceAudit();
    return {};
}

Result<store::CreatedPreAuthKey> State::createPreAuthKey(const store::NewPreAuthKey& spec, const Actor& by)
{
    store::CreatedPreAuthKey created;
    if (auto r = writeAudited([&] { return store::into(created, m_store.createPreAuthKey(spec)); },
                              [&] { return std::optional<AuditNote>(preAuthKeyNote(by, created.key)); });
        !r)
        return r.error();
    const store::PreAuthKey& k = created.key;
    m_events.publish(QStringLiteral("preauthkey.created"),
                     {{QStringLiteral("preAuthKey"), m_renderer.preAuthKey ? m_renderer.preAuthKey(k) : minimalKey(k.id)}});
    announceAudit();
    return created;
}

Result<void> State::expirePreAuthKey(qint64 id, const Actor& by)
{
    if (auto r = writeAudited([&] { return m_store.expirePreAuthKey(id); }, {by, QStringLiteral("preauthkey.expire"), QStringLiteral("preauthkey:%1").arg(id), {}}); !r)
        return r;
    auto k = m_store.preAuthKeyById(id);
    m_events.publish(QStringLiteral("preauthkey.changed"),
                     {{QStringLiteral("preAuthKey"), k && m_renderer.preAuthKey ? m_renderer.preAuthKey(*k) : minimalKey(id)}});
    announceAudit();
    return {};
}

Result<void> State::deletePreAuthKey(qint64 id, const Actor& by)
{
    if (auto r = writeAudited([&] { return m_store.deletePreAuthKey(id); }, {by, QStringLiteral("preauthkey.delete"), QStringLiteral("preauthkey:%1").arg(id), {}}); !r)
        return r;
    m_events.publish(QStringLiteral("preauthkey.changed"),
                     {{QStringLiteral("preAuthKey"), QJsonObject{{QStringLiteral("id"), QString::number(id)}, {QStringLiteral("deleted"), true}}}});
    announceAudit();
    return {};
}

Result<store::CreatedApiKey> State::createApiKey(std::optional<QDateTime> expiration, const Actor& by)
{
    store::CreatedApiKey created;
    if (auto r = writeAudited([&] { return store::into(created, m_store.createApiKey(expiration)); },
                              [&] { return std::optional<AuditNote>(AuditNote{by, QStringLiteral("apikey.create"), QStringLiteral("apikey:%1").arg(created.key.prefix), {}}); });
        !r)
        return r.error();
    m_events.publish(QStringLiteral("apikey.created"),
                     {{QStringLiteral("apiKey"), m_renderer.apiKey ? m_renderer.apiKey(created.key) : minimalKey(created.key.id)}});
    announceAudit();
    return created;
}

Result<void> State::expireApiKey(qint64 id, const Actor& by)
{
    // The key is read once, in the expiry's transaction: for the audit target and for the event.
    store::Result<store::ApiKey> k = Error::notFound(QString());
    const auto expire = [&]() -> Result<void> {
        if (auto r = m_store.expireApiKey(id); !r)
            return r;
        k = m_store.apiKeyById(id);
        return {};
    };
    const auto note = [&] {
        return std::optional<AuditNote>(AuditNote{by, QStringLiteral("apikey.expire"),
                                                  QStringLiteral("apikey:%1").arg(k ? k->prefix : QString::number(id)), {}});
    };
    if (auto r = writeAudited(expire, note); !r)
        return r;
    m_events.publish(QStringLiteral("apikey.changed"),
                     {{QStringLiteral("apiKey"), k && m_renderer.apiKey ? m_renderer.apiKey(*k) : minimalKey(id)}});
    announceAudit();
    return {};
}

Result<void> State::deleteApiKey(qint64 id, const Actor& by)
{
    auto k = m_store.apiKeyById(id);
    const QString target = QStringLiteral("apikey:%1").arg(k ? k->prefix : QString::number(id));
    if (auto r = writeAudited([&] { return m_store.deleteApiKey(id); }, {by, QStringLiteral("apikey.delete"), target, {}}); !r)
        return r;
    m_events.publish(QStringLiteral("apikey.removed"), {{QStringLiteral("apiKey"), minimalKey(id)}});
    announceAudit();
    return {};
}

Result<store::PolicyRecord> State::setPolicy(const QString& text, const Actor& by)
{
    return storePolicy(text, by, QStringLiteral("policy.set"), {});
}

Result<store::PolicyRecord> State::rollbackPolicy(qint64 id, const Actor& by)
{
    auto old = m_store.policyById(id);
    if (!old)
        return old.error();
    return storePolicy(old->text, by, QStringLiteral("policy.rollback"), QStringLiteral("rollback to %1").arg(id));
}

Result<store::PolicyRecord> State::storePolicy(const QString& text, const Actor& by, const QString& action, const QString& note)
{
    if (m_config.policy.mode != QLatin1String("database"))
        return Error::invalid(QStringLiteral("update is disabled for modes other than 'database' (policy.mode is '%1')").arg(m_config.policy.mode));
    if (text.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("the policy is empty"));
    if (const QString problem = checkPolicy(text.toUtf8()); !problem.isEmpty())
        return Error::invalid(problem);
    const QString detail = QStringLiteral("%1 bytes").arg(text.toUtf8().size());
    store::PolicyRecord stored;
    if (auto r = writeAudited([&] { return store::into(stored, m_store.setPolicy(text, by.name, note)); },
                              [&] {
                                  return std::optional<AuditNote>(AuditNote{by, action, QStringLiteral("policy:%1").arg(stored.id),
                                                                            note.isEmpty() ? detail : note + QStringLiteral(", ") + detail});
                              });
        !r)
        return r.error();
    QString error;
    if (!reloadPolicy(&error))
        qCWarning(lcPolicy).noquote() << "policy stored but not applied:" << error;
    announceAudit();
    return stored;
}

} // namespace keel::state
