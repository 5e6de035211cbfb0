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
    const auto stored = writeAudited([] { return store::Result<void>(); }, AuditNote{actor, action, target, detail});
    if (!stored)
        qCWarning(lcAdmin).noquote() << "could not store the audit entry" << action << target << ":" << stored.error().message;
    announceAudit();
}

store::Result<void> State::writeAudited(const std::function<store::Result<void>()>& steps,
                                        const std::function<std::optional<AuditNote>()>& note)
{
    std::optional<store::AuditEntry> entry;
    auto done = m_store.atomically([&]() -> store::Result<void> {
        if (auto r = steps(); !r)
            return r;
        const std::optional<AuditNote> n = note();
        if (!n)
            return {};
        store::AuditEntry e;
        e.time = Clock::now();
        e.actor = n->actor.name;
        e.action = n->action;
        e.target = n->target;
        e.detail = n->detail;
        auto stored = m_store.appendAudit(e);
        if (!stored)
            return stored.error();
        entry = stored.value();
        return {};
    });
    if (done && entry)
        m_unannounced << *entry;
    return done;
}

store::Result<void> State::writeAudited(const std::function<store::Result<void>()>& steps, const AuditNote& note)
{
    return writeAudited(steps, [&] { return std::optional<AuditNote>(note); });
}

void State::announceAudit()
{
    const QList<store::AuditEntry> entries = std::exchange(m_unannounced, {});
    for (const store::AuditEntry& e : entries) {
        qCInfo(lcAdmin).noquote() << "audit:" << e.actor << e.action << e.target << e.detail;
        m_events.publish(QStringLiteral("audit.entry"),
                         {{QStringLiteral("entry"),
                           QJsonObject{{QStringLiteral("id"), QString::number(e.id)},
                                       {QStringLiteral("time"), e.time.toUTC().toString(Qt::ISODateWithMs)},
                                       {QStringLiteral("actor"), e.actor},
                                       {QStringLiteral("action"), e.action},
                                       {QStringLiteral("target"), e.target},
                                       {QStringLiteral("detail"), e.detail}}}});
    }
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
