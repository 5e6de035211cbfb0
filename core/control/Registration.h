#pragma once

#include "control/RegistrationRequest.h"
#include "state/State.h"

#include <QHash>
#include <QHostAddress>
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

    // `keel auth register --auth-id <id> --user <name>`: approves a pending registration and
    // answers its held follow-up. Errors: NotFound (unknown/expired id or user).
    store::Result<state::LiveNode> approve(const QString& authId, const QString& userName);
    // Drops expired pending entries (their waiters get a fresh AuthURL). Called by a timer.
    void expirePending();
    int pendingCount() const { return int(m_pending.size()); }
    bool isPending(const QString& authId) const { return m_pending.contains(authId); }

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

    state::State& m_state;
    QString m_serverUrl;
    QHash<QString, Pending> m_pending;
};

} // namespace keel::control
