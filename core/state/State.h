#pragma once

#include "config/Config.h"
#include "state/Change.h"
#include "state/Event.h"
#include "state/EventBus.h"
#include "state/IpAllocator.h"
#include "state/Snapshot.h"
#include "store/Result.h"
#include "store/Store.h"

#include <QMutex>

#include <functional>
#include <memory>
#include <optional>

namespace keel::state {

// One audit entry an action leaves (State::audit, and the entry a write stores with itself).
struct AuditNote
{
    Actor actor;
    QString action;
    QString target;
    QString detail;
};
// A pending Tailscale SSH check being decided: who connects where (machine/SshCheck).
struct SshCheckDecision
{
    QString authId;
    qint64 srcNodeId = 0;
    qint64 dstNodeId = 0;
    QString localUser;
};
// Describes the audit entry of a registration from the node as stored (its id is new).
using NodeAuditNote = std::function<std::optional<AuditNote>(const store::Node&)>;

// What a new node is made of (registration, control.md 3.4).
struct NewNode
{
    QString machineKey;
    QString nodeKey;
    QString nlKey;
    QByteArray hostinfoJson;
    std::optional<qint64> userId; // absent for a tagged node
    QStringList tags;
    bool ephemeral = false;
    std::optional<QDateTime> expiry;
    QString registerMethod;       // "authkey" | "cli" | "oidc"
    std::optional<qint64> authKeyId;
    // Spend authKeyId (a single-use key becomes used) in the transaction that stores the node.
    bool spendKey = false;
    // Skips device approval (node.device_approval): an admin approved this registration, or the
    // pre-auth key says pre-approved.
    bool preApproved = false;
    // The audit entry stored in the registration's own transaction (none when empty).
    NodeAuditNote audit;
};

// How events show objects (the /api/v1 JSON shapes). Set by the admin layer at start; until then
// events carry minimal objects ({"id": ...}).
struct EventRenderer
{
    std::function<QJsonObject(const Snapshot&, const LiveNode&)> node;
    std::function<QJsonObject(const store::User&)> user;
    std::function<QJsonObject(const store::PreAuthKey&)> preAuthKey;
    std::function<QJsonObject(const store::ApiKey&)> apiKey;
};

// What a MapRequest tells about its node (control.md 4.2). Empty/absent values leave the stored
// ones alone.
struct NodeReport
{
    QString discoKey;          // "discokey:..."; empty or zero = unchanged
    QByteArray hostinfoJson;   // empty = unchanged
    std::optional<QStringList> endpoints;
    int capVersion = 0;
};

// The authoritative in-memory model of the tailnet and its only writer.
//
// Every mutation is validated, written to the store in one transaction, and only then becomes
// visible (a new Snapshot), so nothing a client was told can be lost by a crash. Mutations run on
// the thread that owns the State; snapshot() may be called from any thread. Each mutation reports
// what changed for the map pipeline as changes on its event bus (the batcher subscribes), and what happened
// for people through the event bus (events(): the admin API's /api/v1/events, the GUI). Admin
// verbs take the Actor who asked: each leaves one audit entry, one INFO log line and an
// audit.entry event. This is the one door for every front end: REST, CLI, GUI, OIDC.
class State
{
public:
    static std::unique_ptr<State> load(store::Store& store, const config::Config& config, QString* error);

    SnapshotPtr snapshot() const;
    EventBus& events() { return m_events; }
    void setEventRenderer(EventRenderer renderer) { m_renderer = std::move(renderer); }
    // Emits an event from a part of the control plane that is not State (registration.*).
    void emitEvent(const QString& type, QJsonObject payload) { m_events.publish(type, std::move(payload)); }
    // Writes one audit entry, logs it, and emits audit.entry. Failure to store is logged, not fatal.
    void audit(const Actor& actor, const QString& action, const QString& target, const QString& detail = {});
    QJsonObject nodeJson(qint64 id) const;  // as events show it; {} when unknown

    // --- reads that need the store (everything else is in the snapshot)
    store::Result<store::PreAuthKey> findPreAuthKey(const QString& text);
    store::Result<store::PreAuthKey> validPreAuthKey(const QString& text); // not expired, not used up
    // Authenticates an API key (and notes when it was last used).
    store::Result<store::ApiKey> authenticateApiKey(const QString& text);
    store::Result<QList<store::AuditEntry>> auditLog(const store::AuditFilter& filter);
    // Deletes audit entries older than audit.retention; returns how many.
    int pruneAudit();
    const config::Config& config() const { return m_config; }

    // --- registration
    store::Result<LiveNode> createNode(const NewNode& spec);
    // Re-authentication of a known node: new node key (rotation), Hostinfo, expiry, owner.
    // `spendKeyId`: the pre-auth key this re-authentication uses, spent in the same transaction.
    store::Result<LiveNode> reauthNode(qint64 id, const QString& nodeKey, const QByteArray& hostinfoJson,
                                       std::optional<QDateTime> expiry, std::optional<qint64> userId,
                                       const QStringList& tags, std::optional<qint64> spendKeyId = std::nullopt,
                                       const NodeAuditNote& audit = {});
    // Sets the key expiry (logout and admin expire use `now`; std::nullopt = never).
    store::Result<LiveNode> setExpiry(qint64 id, std::optional<QDateTime> expiry, const Actor& by = {});
    store::Result<void> deleteNode(qint64 id, const Actor& by = {});
    store::Result<LiveNode> renameNode(qint64 id, const QString& label, const Actor& by = {});

    // --- admin verbs (StateAdmin.cpp): validate, one transaction, publish, events, audit
    store::Result<LiveNode> setTags(qint64 id, const QStringList& tags, const Actor& by);
    store::Result<LiveNode> setOwner(qint64 id, qint64 userId, const Actor& by);
    store::Result<LiveNode> setApprovedRoutes(qint64 id, const QStringList& routes, const Actor& by);
    // Device approval: lets a waiting node in (peers see it, it gets its peers).
    store::Result<LiveNode> authorizeNode(qint64 id, const Actor& by);
    store::Result<store::User> createUser(const store::User& user, const Actor& by);
    store::Result<store::User> renameUser(qint64 id, const QString& newName, const Actor& by);
    store::Result<store::User> updateUser(const store::User& user, const Actor& by); // OIDC claims
    store::Result<void> deleteUser(qint64 id, const Actor& by);
    store::Result<store::CreatedPreAuthKey> createPreAuthKey(const store::NewPreAuthKey& spec, const Actor& by);
    store::Result<void> expirePreAuthKey(qint64 id, const Actor& by);
    store::Result<void> deletePreAuthKey(qint64 id, const Actor& by);
    store::Result<store::CreatedApiKey> createApiKey(std::optional<QDateTime> expiration, const Actor& by);
    store::Result<void> expireApiKey(qint64 id, const Actor& by);
    store::Result<void> deleteApiKey(qint64 id, const Actor& by);
    // `nodes backfillips` (StateBackfill.cpp, Headscale's semantics): every node gets an address
    // of each family whose prefix is configured and loses one whose prefix is not. Returns what
    // changed, one line per node.
    store::Result<QStringList> backfillIps(const Actor& by);
    // OAuth clients of /api/v2 (StateOAuth.cpp). Scopes and tags are checked by the caller (tsapi).
    store::Result<store::CreatedOAuthClient> createOAuthClient(const store::NewOAuthClient& spec, const Actor& by);
    store::Result<void> deleteOAuthClient(qint64 id, const Actor& by);
    // Checks a client secret and notes when the client was last used.
    store::Result<store::OAuthClient> authenticateOAuthClient(const QString& secret);
    // The key that signs /api/v2 access tokens: 32 random bytes made once and kept in the store's
    // server state, so tokens survive a restart. Empty when the store cannot be read or written.
    QByteArray accessTokenKey();
    // Tailscale SSH check decisions (StateSsh.cpp), audited as sshcheck.approve / sshcheck.reject.
    // An approval is remembered for `periodSeconds` (the check rule's checkPeriod; 0, "always",
    // remembers nothing); a refusal ends the pair's earlier approval.
    store::Result<store::SshApproval> approveSshCheck(const SshCheckDecision& decision, qint64 periodSeconds, const Actor& by);
    store::Result<void> rejectSshCheck(const SshCheckDecision& decision, const Actor& by);
    store::Result<QList<store::SshApproval>> sshApprovals();
    int pruneSshApprovals(); // deletes approvals older than 168 h (the longest checkPeriod); returns how many
    // policy.mode database: checks the document as a reload would, stores it, applies it.
    store::Result<store::PolicyRecord> setPolicy(const QString& text, const Actor& by);
    // Stores history entry `id`'s text again as the newest policy: the same checks, audit
    // ("policy.rollback") and policy.changed event as setPolicy; refused when the tailnet has
    // changed so that the old text no longer passes (e.g. a user it names is gone).
    store::Result<store::PolicyRecord> rollbackPolicy(qint64 id, const Actor& by);

    // --- map sessions
    store::Result<LiveNode> applyReport(qint64 id, const NodeReport& report);
    void setOnline(qint64 id, bool online);
    // HA prober results (control.md 7.4): false = the router missed its ping and is left out of the
    // election until it answers again or reconnects. Re-elects; returns whether anything changed.
    bool setRouterHealth(const QHash<qint64, bool>& healthy);
    // A node opened a new map stream: whatever the prober concluded about the old one is void.
    void clearUnhealthy(qint64 id);

    // --- timers (the owner calls them periodically; tests call them after moving a MockClock)
    // Nodes whose key expired since the last call get a KeyExpiry patch. Returns their ids.
    QList<qint64> checkExpiry();
    // Deletes ephemeral nodes offline for longer than node.ephemeral.inactivity_timeout.
    QList<qint64> collectEphemeral();

    // Re-reads the policy (file or database) and publishes it. Refused (false, *error says why,
    // the policy in force stays) when it does not parse, names users ambiguously, or its tests or
    // sshTests fail on the tailnet as it is. At start-up failing tests only warn, as Headscale
    // does: a stored policy must not keep the server down because the tailnet changed under it.
    enum class PolicyLoad { Reload, Startup };
    bool reloadPolicy(QString* error, PolicyLoad when = PolicyLoad::Reload);
    // What reloadPolicy would decide for `text` (HuJSON, or YAML when fileName ends in .yaml/.yml),
    // without applying it: empty when acceptable, otherwise every problem. `summary` (optional)
    // tells what it was checked against ("12 users, 40 nodes").
    QString checkPolicy(const QByteArray& text, const QString& fileName = {}, QString* summary = nullptr) const;

    // The identity of tagged nodes (Headscale's fixed pseudo-user).
    static constexpr qint64 kTaggedDevicesId = 2147455555;
    static store::User taggedDevicesUser();

private:
    State(store::Store& store, const config::Config& config);
    bool loadAll(QString* error);
    std::shared_ptr<Snapshot> mutableCopy() const;
    // `refreshRouters`: something that decides who may see which route changed (policy, tags,
    // owner, approvals), so every node carrying routes is sent again to its peers.
    void publish(std::shared_ptr<Snapshot> next, const ChangeList& changes, bool refreshRouters = false);
    // Served routes, exit nodes and the HA election of `next`, plus the changes they imply.
    void deriveRoutes(Snapshot& next, ChangeList& changes, bool refreshRouters) const;
    // Adds what the policy's autoApprovers approve to n.approvedRoutes; true if it added any.
    static bool autoApprove(const Snapshot& s, store::Node& n);
    void indexNode(Snapshot& s, const std::shared_ptr<const LiveNode>& n);
    void unindexNode(Snapshot& s, const LiveNode& n);
    QString labelFor(const Snapshot& s, const QString& hostname, qint64 selfId) const;
    store::Result<void> allocateIps(store::Node& node);
    void releaseIps(const store::Node& node);
    store::Result<void> saveCursors();
    std::optional<QDateTime> defaultExpiry() const;
    // Parses against the current users; runs the tests unless `tests` is null, else reports the
    // failure text in *tests (empty when they pass).
    store::Result<store::PolicyRecord> storePolicy(const QString& text, const Actor& by, const QString& action,
                                                   const QString& note);
    std::optional<policy::Policy> parsePolicy(const QByteArray& text, const QString& fileName, QString* error, QString* tests) const;
    // Replaces a node after an admin change that may decide who sees which route (tags, owner,
    // approvals): re-runs auto-approval when tags or owner changed, publishes, emits node.changed.
    store::Result<LiveNode> replaceNode(const store::Node& stored, bool identityChanged, const AuditNote& note);
    // The users as stored, into a new snapshot (every node gets a fresh map).
    store::Result<void> publishUsers();
    void emitNode(const QString& type, qint64 id);
    // Runs `steps` (store writes) and stores the audit entry `note()` gives (if any) in the same
    // transaction, so an action is never without its entry nor an entry without its action. The
    // stored entry waits for announceAudit(), which logs it and emits audit.entry after the
    // action's own events.
    store::Result<void> writeAudited(const std::function<store::Result<void>()>& steps,
                                     const std::function<std::optional<AuditNote>()>& note);
    store::Result<void> writeAudited(const std::function<store::Result<void>()>& steps, const AuditNote& note);
    void announceAudit();
    void emitRouteChanges(const Snapshot& before, const Snapshot& after);

    store::Store& m_store;
    const config::Config& m_config;
    mutable QMutex m_snapshotMutex;
    SnapshotPtr m_snapshot;
    EventBus m_events;
    EventRenderer m_renderer;
    QList<store::AuditEntry> m_unannounced;  // stored by writeAudited, not yet logged and emitted
    IpAllocator m_v4;
    IpAllocator m_v6;
    QDateTime m_lastExpiryCheck;
    QByteArray m_accessTokenKey;
};

} // namespace keel::state
