#pragma once

#include "control/RegistrationRequest.h"
#include "state/State.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <algorithm>
#include <functional>
#include <optional>

namespace keel::control {

// The logic of POST /machine/register (control.md 3): pre-auth keys, interactive registration with
// pending entries approved by an admin, re-registration, key rotation, logout and expiry. Replies
// go through a callback so a follow-up request can be held until the registration is approved.
class Registration : public QObject
{
    Q_OBJECT
public:
    // HTTP status and JSON body. Logical failures are 200 with "Error" (what the client shows).
    using Reply = std::function<void(int status, const QJsonObject& body)>;

    Registration(state::State& state, QString serverUrl, QObject* parent = nullptr);

    // `machineKey` is the Noise peer ("mkey:..."), already authenticated; `peer` the address it
    // connects from (pending interactive registrations are limited per address).
    void handle(const QString& machineKey, const QByteArray& body, Reply reply, const QHostAddress& peer = {});

    // What one pending interactive registration may keep: its request (mostly Hostinfo) is held
    // for up to register_cache_expiration without any connection, so it is bounded.
    static constexpr qsizetype kMaxPendingRequestBytes = 64 * 1024;
    // One source address holds at most this share of the pending entries (at least 8): a flood
    // from one host evicts its own entries, not the ones real users are waiting on.
    static int maxPendingPerAddress(int maxEntries) { return std::max(8, maxEntries / 16); }

    // `keel auth register --auth-id <id> --user <name>` / `auth approve`: approves a pending
    // registration for a user and answers its held follow-up. Errors: NotFound (unknown/expired
    // id or user), Invalid (tags the user may not assign).
    store::Result<state::LiveNode> approve(const QString& authId, const QString& userName,
                                           const state::Actor& by = {});
    // By user id (also the OIDC login's call, with an "oidc:<user>" actor: register method oidc):
    // `expiry` overrides the node's key expiry (the ID token's with oidc.use_expiry_from_token).
    store::Result<state::LiveNode> approveRegistration(const QString& authId, qint64 userId, const state::Actor& by,
                                                       std::optional<QDateTime> expiry = std::nullopt);
    // What a login page shows about a pending registration; nullopt when unknown or expired.
    struct PendingInfo
    {
        QString machineKey;
        QString hostname;
        QString os;
        QStringList requestedTags;
    };
    std::optional<PendingInfo> pendingInfo(const QString& authId) const;
    // `keel auth reject --auth-id <id>`: the waiting client is told so (its `tailscale up` fails
    // with the message); a follow-up with the same id gets the same answer until it expires.
    store::Result<void> reject(const QString& authId, const state::Actor& by);
    // The pending registrations as GET /api/v1/auth/pending shows them, oldest first.
    QJsonArray pendingJson() const;
    // Drops expired pending entries (their waiters get a fresh AuthURL). Called by a timer.
    void expirePending();
    int pendingCount() const { return int(m_pending.size()); }
    bool isPending(const QString& authId) const { return m_pending.contains(authId); }

    // `keel debug create-node` (RegistrationDebug.cpp): a pending registration under `authId` for
    // a made-up machine (random keys, OS "TestOS", `routes` announced), for `keel auth register`.
    // Errors: Invalid (id form, name, route), NotFound (user), Conflict (id already pending).
    struct DebugNode
    {
        QString authId;
        QString name;
        QString user;
        QStringList routes;
    };
    store::Result<QJsonObject> addDebugPending(const DebugNode& spec, const state::Actor& by);

    // "hskey-authreq-" + 24 hex characters, as Headscale's CLI expects.
    static QString newAuthId();
    static QString authIdFromUrl(const QString& url);

private:
    struct Pending
    {
        QString machineKey;
        QHostAddress peer;
        RegistrationRequest request;
        QDateTime created;
        std::optional<qint64> nodeId; // set once approved
        QList<Reply> waiters;
    };
    QJsonObject describe(const QString& id, const Pending& p) const;

    void withAuthKey(const QString& machineKey, const RegistrationRequest& r, const Reply& reply);
    void interactive(const QString& machineKey, const RegistrationRequest& r, const Reply& reply, const QHostAddress& peer);
    void followup(const QString& machineKey, const RegistrationRequest& r, const Reply& reply, const QHostAddress& peer);
    // Drops the oldest pending entry (of `peer` only, when given); its waiters get an answer.
    void evictOldest(const std::optional<QHostAddress>& peer);
    void known(const state::LiveNode& node, const RegistrationRequest& r, const Reply& reply);
    // An existing node of this machine to re-authenticate: by OldNodeKey, else by owner.
    const state::LiveNode* existingNode(const state::SnapshotPtr& s, const QString& machineKey,
                                        const QString& oldNodeKey, std::optional<qint64> userId) const;
    QJsonObject success(const state::LiveNode& node, bool keyExpired = false) const;
    // The tags of `tags` the user may not assign under the current policy (all of them without a
    // policy: until there is one, only a key's own tags make tagged nodes).
    QStringList refusedTags(std::optional<qint64> userId, const QStringList& tags) const;
    static QJsonObject error(const QString& message) { return {{QStringLiteral("Error"), message}}; }
    // A refusal (200 with Error) or, for a database failure, 503 "try again".
    static void failed(const store::Error& e, const Reply& reply);

    state::State& m_state;
    QString m_serverUrl;
    QHash<QString, Pending> m_pending;
    QHash<QString, QDateTime> m_rejected; // auth id -> when; answered with the rejection until expiry
};

} // namespace keel::control
