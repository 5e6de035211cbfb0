#include "state/State.h"

#include "common/Clock.h"
#include "common/Log.h"
#include "common/Plural.h"
#include "dns/DnsName.h"
#include "state/PolicyTopology.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace keel::state {

using store::Error;
using store::Result;

namespace {

const QString kCursorV4 = QStringLiteral("ipalloc.v4.cursor");
const QString kCursorV6 = QStringLiteral("ipalloc.v6.cursor");

IpAllocator::Strategy strategyOf(const config::Config& c)
{
    return c.prefixes.allocation == QLatin1String("random") ? IpAllocator::Strategy::Random
                                                            : IpAllocator::Strategy::Sequential;
}

QJsonObject objectOf(const QByteArray& json)
{
    return json.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(json).object();
}

QString hostnameOf(const QJsonObject& hostinfo)
{
    return hostinfo.value(QStringLiteral("Hostname")).toString();
}

QStringList routesOf(const QJsonObject& hostinfo)
{
    QStringList out;
    for (const QJsonValue& v : hostinfo.value(QStringLiteral("RoutableIPs")).toArray())
        out << v.toString();
    return out;
}

} // namespace

store::User State::taggedDevicesUser()
{
    store::User u;
    u.id = kTaggedDevicesId;
    u.name = QStringLiteral("tagged-devices");
    u.displayName = QStringLiteral("Tagged Devices");
    u.createdAt = QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    return u;
}

State::State(store::Store& store, const config::Config& config)
    : m_store(store)
    , m_config(config)
    , m_v4(config.prefixes.v4, strategyOf(config))
    , m_v6(config.prefixes.v6, strategyOf(config))
{
}

std::unique_ptr<State> State::load(store::Store& store, const config::Config& config, QString* error)
{
    std::unique_ptr<State> s(new State(store, config));
    if (!s->loadAll(error))
        return nullptr;
    return s;
}

bool State::loadAll(QString* error)
{
    for (IpAllocator* a : {&m_v4, &m_v6}) {
        if (a->enabled() && !a->valid()) {
            *error = QStringLiteral("invalid IP prefix \"%1\"").arg(a->prefix());
            return false;
        }
    }
    if (!m_v4.enabled() && !m_v6.enabled()) {
        *error = QStringLiteral("no IP prefix configured (prefixes.v4 / prefixes.v6)");
        return false;
    }
    auto next = std::make_shared<Snapshot>();
    auto users = m_store.listUsers();
    if (!users) {
        *error = users.error().message;
        return false;
    }
    for (const store::User& u : users.value())
        next->users.insert(u.id, u);
    next->users.insert(kTaggedDevicesId, taggedDevicesUser());

    auto nodes = m_store.listNodes();
    if (!nodes) {
        *error = nodes.error().message;
        return false;
    }
    const QDateTime now = Clock::now();
    for (const store::Node& n : nodes.value()) {
        auto live = std::make_shared<LiveNode>();
        live->node = n;
        // Every ephemeral node is scheduled for collection at start (control.md 9.1).
        live->offlineSince = now;
        if (!n.ipv4.isEmpty())
            m_v4.markUsed(QHostAddress(n.ipv4));
        if (!n.ipv6.isEmpty())
            m_v6.markUsed(QHostAddress(n.ipv6));
        indexNode(*next, live);
    }
    for (auto [alloc, key] : {std::pair{&m_v4, kCursorV4}, std::pair{&m_v6, kCursorV6}}) {
        auto v = m_store.stateValue(key);
        if (v && v.value())
            alloc->setCursor(QHostAddress(QString::fromLatin1(*v.value())));
    }
    m_lastExpiryCheck = now;
    {
        QMutexLocker lock(&m_snapshotMutex);
        m_snapshot = next;
    }
    return reloadPolicy(error, PolicyLoad::Startup);
}

SnapshotPtr State::snapshot() const
{
    QMutexLocker lock(&m_snapshotMutex);
    return m_snapshot;
}

std::shared_ptr<Snapshot> State::mutableCopy() const
{
    return std::make_shared<Snapshot>(*snapshot());
}

void State::publish(std::shared_ptr<Snapshot> next, const ChangeList& changes, bool refreshRouters)
{
    ChangeList all = changes;
    deriveRoutes(*next, all, refreshRouters);
    const SnapshotPtr before = snapshot();
    next->version = before->version + 1;
    const SnapshotPtr after = next;
    {
        QMutexLocker lock(&m_snapshotMutex);
        m_snapshot = std::move(next);
    }
    m_events.publishChanges(all);
    if (before->primaries != after->primaries)
        emitRouteChanges(*before, *after);
}

void State::indexNode(Snapshot& s, const std::shared_ptr<const LiveNode>& n)
{
    s.nodes.insert(n->node.id, n);
    if (n->node.authorized)
        s.unauthorized.remove(n->node.id);
    else
        s.unauthorized.insert(n->node.id);
    s.byNodeKey.insert(n->node.nodeKey, n->node.id);
    if (!n->node.givenName.isEmpty())
        s.byLabel.insert(n->node.givenName, n->node.id);
}

void State::unindexNode(Snapshot& s, const LiveNode& n)
{
    s.nodes.remove(n.node.id);
    s.unauthorized.remove(n.node.id);
    if (s.byNodeKey.value(n.node.nodeKey) == n.node.id)
        s.byNodeKey.remove(n.node.nodeKey);
    if (s.byLabel.value(n.node.givenName) == n.node.id)
        s.byLabel.remove(n.node.givenName);
}

QString State::labelFor(const Snapshot& s, const QString& hostname, qint64 selfId) const
{
    return dns::DnsName::unique(dns::DnsName::sanitize(hostname), [&](const QString& label) {
        const auto it = s.byLabel.constFind(label);
        return it != s.byLabel.cend() && *it != selfId;
    });
}

std::optional<QDateTime> State::defaultExpiry() const
{
    if (m_config.node.expiryMs <= 0)
        return std::nullopt;
    return Clock::now().addMSecs(m_config.node.expiryMs);
}

Result<void> State::allocateIps(store::Node& node)
{
    QString error;
    if (m_v4.enabled()) {
        auto a = m_v4.allocate(&error);
        if (!a)
            return Error::conflict(error);
        node.ipv4 = a->toString();
    }
    if (m_v6.enabled()) {
        auto a = m_v6.allocate(&error);
        if (!a) {
            releaseIps(node);
            return Error::conflict(error);
        }
        node.ipv6 = a->toString();
    }
    return {};
}

void State::releaseIps(const store::Node& node)
{
    if (!node.ipv4.isEmpty())
        m_v4.release(QHostAddress(node.ipv4));
    if (!node.ipv6.isEmpty())
        m_v6.release(QHostAddress(node.ipv6));
}

Result<void> State::saveCursors()
{
    // Saved with the node that moved them: a lost cursor would only mean a freed address comes
    // back sooner, but a separate transaction per registration costs a commit each.
    if (m_v4.valid())
        if (auto r = m_store.setStateValue(kCursorV4, m_v4.cursor().toString().toLatin1()); !r)
            return r;
    if (m_v6.valid())
        if (auto r = m_store.setStateValue(kCursorV6, m_v6.cursor().toString().toLatin1()); !r)
            return r;
    return {};
}

Result<LiveNode> State::createNode(const NewNode& spec)
{
    auto next = mutableCopy();
    if (next->byNodeKey.contains(spec.nodeKey))
        return Error::conflict(QStringLiteral("node key already registered"));
    store::Node n;
    n.machineKey = spec.machineKey;
    n.nodeKey = spec.nodeKey;
    n.nlKey = spec.nlKey;
    n.hostinfoJson = spec.hostinfoJson;
    const QJsonObject hi = objectOf(spec.hostinfoJson);
    n.hostname = hostnameOf(hi);
    n.announcedRoutes = routesOf(hi);
    n.givenName = labelFor(*next, n.hostname, 0);
    n.userId = spec.tags.isEmpty() ? spec.userId : std::nullopt;
    n.tags = spec.tags;
    n.ephemeral = spec.ephemeral;
    n.expiry = spec.tags.isEmpty() ? (spec.expiry ? spec.expiry : defaultExpiry()) : std::nullopt;
    n.registerMethod = spec.registerMethod;
    n.authKeyId = spec.authKeyId;
    n.authorized = !m_config.node.deviceApproval || spec.preApproved;
    autoApprove(*next, n);
    // Addresses first: a node that cannot get one must not spend its key.
    if (auto r = allocateIps(n); !r)
        return r.error();
    // The node, its spent key, the allocator's cursors and the audit entry: one transaction.
    store::Node created;
    auto written = writeAudited(
        [&]() -> Result<void> {
            auto r = store::into(created, spec.spendKey && spec.authKeyId ? m_store.saveNodeSpendingKey(n, *spec.authKeyId) : m_store.createNode(n));
            return r ? saveCursors() : r;
        },
        [&] { return spec.audit ? spec.audit(created) : std::nullopt; });
    if (!written) {
        releaseIps(n);
        return written.error();
    }
    auto live = std::make_shared<LiveNode>();
    live->node = created;
    live->offlineSince = Clock::now();
    indexNode(*next, live);
    qCInfo(lcState).noquote() << "node" << live->node.id << live->node.givenName << "registered"
                              << live->node.ipv4 << live->node.ipv6 << (live->node.authorized ? "" : "(waiting for device approval)");
    const LiveNode result = *live;
    publish(next, {Change::added(result.node.id)});
    emitNode(QStringLiteral("node.added"), result.node.id);
    announceAudit();
    return result;
}

Result<LiveNode> State::reauthNode(qint64 id, const QString& nodeKey, const QByteArray& hostinfoJson,
                                   std::optional<QDateTime> expiry, std::optional<qint64> userId,
                                   const QStringList& tags, std::optional<qint64> spendKeyId, const NodeAuditNote& audit)
{
    auto next = mutableCopy();
    const LiveNode* old = next->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    const auto other = next->byNodeKey.constFind(nodeKey);
    if (other != next->byNodeKey.cend() && *other != id)
        return Error::conflict(QStringLiteral("node key already registered"));
    const store::Node before = old->node;
    const bool wasExpired = old->isExpired(Clock::now());
    auto live = std::make_shared<LiveNode>(*old);
    store::Node& n = live->node;
    const bool keyChanged = n.nodeKey != nodeKey;
    n.nodeKey = nodeKey;
    if (!hostinfoJson.isEmpty()) {
        n.hostinfoJson = hostinfoJson;
        const QJsonObject hi = objectOf(hostinfoJson);
        n.hostname = hostnameOf(hi);
        n.announcedRoutes = routesOf(hi);
    }
    if (!tags.isEmpty()) {
        n.tags = tags;
        n.userId.reset();
        n.expiry.reset();
    } else {
        if (userId)
            n.userId = userId;
        n.expiry = expiry ? expiry : defaultExpiry();
    }
    autoApprove(*next, n);
    store::Node saved;
    auto written = writeAudited(
        [&] { return store::into(saved, spendKeyId ? m_store.saveNodeSpendingKey(n, *spendKeyId) : m_store.updateNode(n)); },
        [&] { return audit ? audit(saved) : std::nullopt; });
    if (!written)
        return written.error();
    unindexNode(*next, *old);
    n = saved;
    indexNode(*next, live);
    const LiveNode result = *live;
    // A patch can carry only Key, DiscoKey, KeyExpiry and Endpoints. When anything else peers see
    // changed with the key (the Expired/MachineAuthorized flags of a node that had expired, owner,
    // tags, Hostinfo, approved routes), send the whole node: a patched client keeps the old fields,
    // and an expired peer stays unreachable (magicsock refuses to send to it).
    const bool keyOnly = keyChanged && !wasExpired && n.tags == before.tags && n.userId == before.userId
                         && n.hostinfoJson == before.hostinfoJson && n.approvedRoutes == before.approvedRoutes;
    ChangeList changes;
    changes << (keyOnly ? Change::patch(id, Change::Key | Change::Disco | Change::KeyExpiry | Change::Endpoints, true)
                        : Change::changed(id));
    publish(next, changes);
    emitNode(QStringLiteral("node.changed"), id);
    announceAudit();
    return result;
}

Result<LiveNode> State::setExpiry(qint64 id, std::optional<QDateTime> expiry, const Actor& by)
{
    auto next = mutableCopy();
    const LiveNode* old = next->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    store::Node saved;
    auto written = writeAudited(
        [&] { return store::into(saved, m_store.setNodeExpiry(id, expiry)); },
        [&]() -> std::optional<AuditNote> {
            if (by.name == Actor::system().name)
                return std::nullopt;
            return AuditNote{by, QStringLiteral("node.expire"), QStringLiteral("node:%1").arg(id),
                             expiry ? QStringLiteral("expiry %1").arg(expiry->toUTC().toString(Qt::ISODate)) : QStringLiteral("expiry disabled")};
        });
    if (!written)
        return written.error();
    const QDateTime now = Clock::now();
    const bool wasExpired = old->isExpired(now);
    auto live = std::make_shared<LiveNode>(*old);
    live->node = saved;
    indexNode(*next, live);
    const LiveNode result = *live;
    // Expiring needs only the new KeyExpiry (clients flag expired peers themselves); an expired
    // node brought back needs the whole node, or peers keep its Expired flag.
    publish(next, {wasExpired && !result.isExpired(now) ? Change::changed(id) : Change::patch(id, Change::KeyExpiry, true)});
    emitNode(QStringLiteral("node.changed"), id);
    announceAudit();
    return result;
}

Result<void> State::deleteNode(qint64 id, const Actor& by)
{
    auto next = mutableCopy();
    const LiveNode* old = next->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    const QString name = old->node.givenName;
    if (auto r = writeAudited([&] { return m_store.deleteNode(id); },
                              AuditNote{by, QStringLiteral("node.delete"), QStringLiteral("node:%1").arg(id), name});
        !r)
        return r.error();
    releaseIps(old->node);
    qCInfo(lcState).noquote() << "node" << id << name << "deleted";
    unindexNode(*next, *old);
    publish(next, {Change::removed(id)});
    m_events.publish(QStringLiteral("node.removed"), {{QStringLiteral("nodeId"), QString::number(id)}});
    announceAudit();
    return {};
}

Result<LiveNode> State::renameNode(qint64 id, const QString& label, const Actor& by)
{
    if (!dns::DnsName::isValidLabel(label))
        return Error::invalid(QStringLiteral("invalid name \"%1\": use lower-case letters, digits and '-'").arg(label));
    auto next = mutableCopy();
    const LiveNode* old = next->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    const auto other = next->byLabel.constFind(label);
    if (other != next->byLabel.cend() && *other != id)
        return Error::conflict(QStringLiteral("name \"%1\" is taken").arg(label));
    store::Node saved;
    auto written = writeAudited(
        [&] { return store::into(saved, m_store.renameNode(id, label)); },
        AuditNote{by, QStringLiteral("node.rename"), QStringLiteral("node:%1").arg(id), label});
    if (!written)
        return written.error();
    unindexNode(*next, *old);
    auto live = std::make_shared<LiveNode>(*old);
    live->node = saved;
    indexNode(*next, live);
    const LiveNode result = *live;
    publish(next, {Change::changed(id)});
    emitNode(QStringLiteral("node.changed"), id);
    announceAudit();
    return result;
}

Result<LiveNode> State::applyReport(qint64 id, const NodeReport& report)
{
    auto next = mutableCopy();
    const LiveNode* old = next->node(id);
    if (!old)
        return Error::notFound(QStringLiteral("node not found"));
    auto live = std::make_shared<LiveNode>(*old);
    store::Node& n = live->node;
    unsigned fields = 0;
    bool whole = false;
    bool durable = false;
    if (report.capVersion > 0 && report.capVersion != live->capVersion) {
        live->capVersion = report.capVersion;
        fields |= Change::Cap;
    }
    if (!report.discoKey.isEmpty() && !report.discoKey.endsWith(QStringLiteral(":0000000000000000000000000000000000000000000000000000000000000000"))
        && report.discoKey != n.discoKey) {
        n.discoKey = report.discoKey;
        fields |= Change::Disco;
        durable = true;
    }
    if (report.endpoints && !report.endpoints->isEmpty() && *report.endpoints != n.endpoints) {
        n.endpoints = *report.endpoints;
        fields |= Change::Endpoints;
        durable = true;
    }
    QString oldLabelSource;
    // The node's own AllowedIPs/PrimaryRoutes follow its announced routes, so it needs its self
    // Node again (an already approved route starts being served without any election change).
    bool routesChanged = false;
    if (!report.hostinfoJson.isEmpty()) {
        QJsonObject incoming = objectOf(report.hostinfoJson);
        QJsonObject previous = objectOf(n.hostinfoJson);
        const QString netInfoKey = QStringLiteral("NetInfo");
        // A Hostinfo without NetInfo keeps the stored one (control.md 4.8).
        if (!incoming.contains(netInfoKey) && previous.contains(netInfoKey))
            incoming.insert(netInfoKey, previous.value(netInfoKey));
        const int oldDerp = previous.value(netInfoKey).toObject().value(QStringLiteral("PreferredDERP")).toInt();
        const int newDerp = incoming.value(netInfoKey).toObject().value(QStringLiteral("PreferredDERP")).toInt();
        if (oldDerp != newDerp)
            fields |= Change::Derp;
        QJsonObject a = previous, b = incoming;
        a.remove(netInfoKey);
        b.remove(netInfoKey);
        if (a != b)
            whole = true;
        if (incoming != previous) {
            oldLabelSource = n.hostname;
            n.hostinfoJson = QJsonDocument(incoming).toJson(QJsonDocument::Compact);
            n.hostname = hostnameOf(incoming);
            const QStringList announced = routesOf(incoming);
            if (announced != n.announcedRoutes) {
                n.announcedRoutes = announced;
                routesChanged = true;
                // New routes: the policy may approve them (control.md 7.2); stored with the Hostinfo.
                if (autoApprove(*next, n))
                    whole = true;
            }
            durable = true;
        }
    }
    // A new Hostname renames the node unless an admin gave it a name (control.md 6.3 step 6).
    bool renamed = false;
    if (!oldLabelSource.isEmpty() && oldLabelSource != n.hostname) {
        const QString derived = dns::DnsName::sanitize(oldLabelSource);
        static const QRegularExpression bump(QStringLiteral("^(.*)-\\d+$"));
        const auto m = bump.match(n.givenName);
        if (n.givenName == derived || (m.hasMatch() && m.captured(1) == derived)) {
            const QString label = labelFor(*next, n.hostname, id);
            if (label != n.givenName) {
                n.givenName = label;
                renamed = true;
            }
        }
    }
    if (fields == 0 && !whole && !renamed && !durable)
        return *live;
    if (durable || renamed) {
        auto saved = m_store.updateNode(n);
        if (!saved)
            return saved.error();
    }
    unindexNode(*next, *old);
    indexNode(*next, live);
    const LiveNode result = *live;
    ChangeList changes;
    if (whole || renamed)
        changes << Change::changed(id, renamed || routesChanged);
    else if (fields)
        changes << Change::patch(id, fields);
    publish(next, changes);
    // Watchers hear about what a person would notice (Hostinfo, name, routes), not every new
    // endpoint or DERP home.
    if (whole || renamed)
        emitNode(QStringLiteral("node.changed"), id);
    return result;
}

void State::setOnline(qint64 id, bool online)
{
    auto next = mutableCopy();
    const LiveNode* old = next->node(id);
    if (!old || old->online == online)
        return;
    auto live = std::make_shared<LiveNode>(*old);
    const QDateTime now = Clock::now();
    live->online = online;
    unsigned fields = Change::Online;
    if (online) {
        live->offlineSince = QDateTime();
        next->unhealthy.remove(id); // a reconnect clears the prober's verdict (Headscale)
    } else {
        live->offlineSince = now;
        live->node.lastSeen = now;
        fields |= Change::LastSeen;
        if (auto r = m_store.touchLastSeen(id, now); !r)
            qCWarning(lcState) << "could not persist last seen of node" << id << r.error().message;
    }
    if (online && !live->node.lastSeen) {
        // Newer clients read a missing LastSeen on an online peer as "never online" (control.md 4.7).
        live->node.lastSeen = now;
        fields |= Change::LastSeen;
    }
    next->nodes.insert(id, live);
    const QDateTime lastSeen = live->node.lastSeen.value_or(QDateTime());
    publish(next, {Change::patch(id, fields)});
    // The most frequent event of all (every connect and disconnect): its id and the two fields
    // that changed, not the whole node, so a tailnet's churn does not fill the event ring.
    m_events.publish(online ? QStringLiteral("node.online") : QStringLiteral("node.offline"),
                     {{QStringLiteral("nodeId"), QString::number(id)},
                      {QStringLiteral("online"), online},
                      {QStringLiteral("lastSeen"), lastSeen.isValid() ? lastSeen.toUTC().toString(Qt::ISODateWithMs) : QString()}});
}

QList<qint64> State::checkExpiry()
{
    const QDateTime now = Clock::now();
    const SnapshotPtr s = snapshot();
    QList<qint64> expired;
    for (const auto& n : s->nodes) {
        if (n->isTagged() || !n->node.expiry)
            continue;
        if (*n->node.expiry > m_lastExpiryCheck && *n->node.expiry <= now)
            expired << n->node.id;
    }
    m_lastExpiryCheck = now;
    if (!expired.isEmpty()) {
        ChangeList changes;
        for (qint64 id : expired)
            changes << Change::patch(id, Change::KeyExpiry, true);
        // Nothing in the snapshot changed (expiry is a function of time), but a new version tells
        // readers to rebuild what depends on "now".
        publish(mutableCopy(), changes);
        for (qint64 id : std::as_const(expired))
            emitNode(QStringLiteral("node.changed"), id);
    }
    return expired;
}

QList<qint64> State::collectEphemeral()
{
    const QDateTime now = Clock::now();
    QList<qint64> due;
    for (const auto& n : snapshot()->nodes) {
        if (n->node.ephemeral && !n->online && n->offlineSince.isValid()
            && n->offlineSince.msecsTo(now) >= m_config.node.ephemeralInactivityTimeoutMs)
            due << n->node.id;
    }
    QList<qint64> deleted;
    for (qint64 id : due) {
        if (deleteNode(id))
            deleted << id;
    }
    return deleted;
}

bool State::reloadPolicy(QString* error, PolicyLoad when)
{
    QByteArray text;
    if (m_config.policy.mode == QLatin1String("database")) {
        auto p = m_store.policy();
        if (!p) {
            *error = p.error().message;
            return false;
        }
        if (p.value())
            text = p.value()->text.toUtf8();
    } else if (!m_config.policy.path.isEmpty()) {
        QFile f(m_config.policy.path);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read policy file %1: %2").arg(m_config.policy.path, f.errorString());
            return false;
        }
        text = f.readAll();
    }
    // A file is HuJSON or YAML by its extension; the database holds what `policy set` stored.
    const QString fileName = m_config.policy.mode != QLatin1String("database") ? m_config.policy.path : QString();
    QString testFailure;
    auto p = parsePolicy(text, fileName, error, &testFailure);
    if (!p)
        return false;
    if (!testFailure.isEmpty()) {
        if (when == PolicyLoad::Reload) {
            *error = testFailure;
            return false;
        }
        qCWarning(lcPolicy).noquote() << "policy tests fail on the tailnet as it is; starting anyway, fix the policy and reload:" << testFailure;
    }
    for (const QString& w : p->warnings)
        qCWarning(lcPolicy).noquote() << "policy:" << w;
    std::shared_ptr<const policy::Policy> parsed;
    if (!p->empty)
        parsed = std::make_shared<const policy::Policy>(std::move(*p));
    auto next = mutableCopy();
    next->policy = parsed;
    // The new autoApprovers may approve routes already announced (written first, as always).
    ChangeList changes{Change::policy()};
    for (const auto& live : std::as_const(snapshot()->nodes)) {
        store::Node n = live->node;
        if (!autoApprove(*next, n))
            continue;
        auto saved = m_store.setApprovedRoutes(n.id, n.approvedRoutes);
        if (!saved) {
            qCWarning(lcState) << "could not store auto-approved routes of node" << n.id << saved.error().message;
            continue;
        }
        auto updated = std::make_shared<LiveNode>(*live);
        updated->node = saved.value();
        next->nodes.insert(n.id, updated);
        changes << Change::changed(n.id);
    }
    publish(next, changes, true);
    for (const Change& c : std::as_const(changes))
        if (c.kind == Change::Kind::PeerChanged)
            emitNode(QStringLiteral("node.changed"), c.nodeId);
    m_events.publish(QStringLiteral("policy.changed"), {});
    return true;
}

std::optional<policy::Policy> State::parsePolicy(const QByteArray& text, const QString& fileName, QString* error, QString* tests) const
{
    const policy::Topology tailnet = policyTopology(*snapshot());
    return parsePolicyFor(&tailnet, text, fileName, error, tests);
}

QString State::checkPolicy(const QByteArray& text, const QString& fileName, QString* summary) const
{
    if (summary) {
        const SnapshotPtr s = snapshot();
        // The tagged-devices pseudo-user is not one the admin created: not counted.
        *summary = QStringLiteral("%1, %2").arg(plural(s->users.size() - (s->users.contains(kTaggedDevicesId) ? 1 : 0), QStringLiteral("user")),
                                                 plural(s->nodes.size(), QStringLiteral("node")));
    }
    QString error;
    QString tests;
    if (!parsePolicy(text, fileName, &error, &tests))
        return error;
    return tests;
}

} // namespace keel::state
