// State's events, audit log and the few reads that need the store. Part of State.
#include "state/State.h"

#include "common/Clock.h"
#include "common/Log.h"

namespace keel::state {

namespace {

QJsonObject minimalNode(const LiveNode& n)
{
    return {{QStringLiteral("id"), QString::number(n.node.id)},
            {QStringLiteral("givenName"), n.node.givenName},
            {QStringLiteral("online"), n.online},
            {QStringLiteral("authorized"), n.node.authorized}};
}

} // namespace

QJsonObject State::nodeJson(qint64 id) const
{
    const SnapshotPtr s = snapshot();
    const LiveNode* n = s->node(id);
    if (!n)
        return {};
    return m_renderer.node ? m_renderer.node(*s, *n) : minimalNode(*n);
}

void State::emitNode(const QString& type, qint64 id)
{
    const QJsonObject node = nodeJson(id);
    if (!node.isEmpty())
        m_events.publish(type, {{QStringLiteral("node"), node}});
}

void State::emitRouteChanges(const Snapshot& before, const Snapshot& after)
{
    QStringList prefixes = after.primaries.keys();
    for (auto it = before.primaries.cbegin(); it != before.primaries.cend(); ++it)
        if (!after.primaries.contains(it.key()))
            prefixes << it.key();
    for (const QString& prefix : std::as_const(prefixes)) {
        const qint64 was = before.primaries.value(prefix);
        const qint64 now = after.primaries.value(prefix);
        if (was == now)
            continue;
        m_events.publish(QStringLiteral("route.primary_changed"),
                         {{QStringLiteral("prefix"), prefix}, {QStringLiteral("nodeId"), now ? QString::number(now) : QString()}});
    }
}

void State::audit(const Actor& actor, const QString& action, const QString& target, const QString& detail)
{
    store::AuditEntry e;
    e.time = Clock::now();
    e.actor = actor.name;
    e.action = action;
    e.target = target;
    e.detail = detail;
    qCInfo(lcAdmin).noquote() << "audit:" << e.actor << action << target << detail;
    auto stored = m_store.appendAudit(e);
    if (!stored) {
        qCWarning(lcAdmin).noquote() << "could not store the audit entry:" << stored.error().message;
        return;
    }
    m_events.publish(QStringLiteral("audit.entry"),
                     {{QStringLiteral("entry"),
                       QJsonObject{{QStringLiteral("id"), QString::number(stored->id)},
                                   {QStringLiteral("time"), stored->time.toUTC().toString(Qt::ISODateWithMs)},
                                   {QStringLiteral("actor"), stored->actor},
                                   {QStringLiteral("action"), stored->action},
                                   {QStringLiteral("target"), stored->target},
                                   {QStringLiteral("detail"), stored->detail}}}});
}

store::Result<store::PreAuthKey> State::findPreAuthKey(const QString& text)
{
    return m_store.findPreAuthKey(text);
}

store::Result<store::PreAuthKey> State::validPreAuthKey(const QString& text)
{
    return m_store.validatePreAuthKey(text);
}

store::Result<store::ApiKey> State::authenticateApiKey(const QString& text)
{
    auto key = m_store.authenticateApiKey(text);
    if (key)
        (void)m_store.touchApiKey(key->id, Clock::now());
    return key;
}

store::Result<QList<store::AuditEntry>> State::auditLog(const store::AuditFilter& filter)
{
    return m_store.listAudit(filter);
}

int State::pruneAudit()
{
    if (m_config.audit.retentionMs <= 0)
        return 0;
    auto pruned = m_store.pruneAudit(Clock::now().addMSecs(-m_config.audit.retentionMs));
    if (!pruned) {
        qCWarning(lcAdmin).noquote() << "could not prune the audit log:" << pruned.error().message;
        return 0;
    }
    if (*pruned > 0)
        qCInfo(lcAdmin) << "audit log: pruned" << *pruned << "entries older than audit.retention";
    return *pruned;
}

} // namespace keel::state
