#pragma once

#include "store/ApiKey.h"
#include "store/AuditEntry.h"
#include "store/DatabaseOptions.h"
#include "store/Node.h"
#include "store/OAuthClient.h"
#include "store/PolicyRecord.h"
#include "store/PreAuthKey.h"
#include "store/Result.h"
#include "store/SshApproval.h"
#include "store/StoredSecret.h"
#include "store/User.h"

#include <QList>
#include <QSqlDatabase>

#include <functional>
#include <memory>
#include <optional>

class QTimer;

namespace keel::store {

class Connection;

// The durable state of the server behind one synchronous interface, on SQLite or PostgreSQL.
//
// Threads: a QSqlDatabase cannot cross threads, so the store opens one connection per thread that
// uses it, named after the store and the thread. The server runs the store on its own thread; tests
// may use one Store from several threads (each gets its own connection). Every operation runs in
// its own transaction (see Transaction). Times are UTC with millisecond precision; "now" comes from
// keel::Clock so tests can move time.
class Store
{
public:
    // Connects, applies the SQLite pragmas, and migrates the schema to the latest version.
    // Returns nullptr and sets *error on failure.
    static std::unique_ptr<Store> open(const DatabaseOptions& options, QString* error);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    static int latestSchemaVersion();
    int schemaVersion();
    QString backend() const; // "sqlite" or "postgres"
    bool ping();             // for GET /health: databaseConnectivity

    // The calling thread's connection (opened on first use). For tests and tools only.
    QSqlDatabase database();
    // Closes the calling thread's connection; call before a worker thread ends.
    void releaseThreadConnection();
    // SQLite in WAL mode: a PASSIVE checkpoint (also run every checkpointIntervalSecs when the
    // store's thread has an event loop). No-op on PostgreSQL.
    Result<void> checkpoint();

    // Runs `steps` (calls on this Store, from this thread) in one write transaction: every write
    // they make commits together or not at all. The state layer uses it to store an action and its
    // audit entry at once.
    Result<void> atomically(const std::function<Result<void>()>& steps);

    // --- users
    Result<User> createUser(const User& user); // uses name, displayName, email, provider*, profilePicUrl
    Result<QList<User>> listUsers(const UserFilter& filter = {});
    Result<User> userById(qint64 id);
    Result<User> userByName(const QString& name);
    Result<User> userByProviderId(const QString& providerId);
    Result<User> renameUser(qint64 id, const QString& newName);
    Result<User> updateUser(const User& user); // every field but id and createdAt
    // Refuses (Conflict) while the user owns nodes; deletes the user's pre-auth keys (Headscale).
    Result<void> deleteUser(qint64 id);

    // --- nodes
    Result<Node> createNode(const Node& node); // id, createdAt, updatedAt are assigned
    Result<Node> updateNode(const Node& node); // every field but id and createdAt, by id
    // Registration with a pre-auth key: spends the key (expired or used single-use keys refused
    // with the client-facing text) and creates (id 0) or updates the node, in ONE transaction, so
    // a node that cannot be stored leaves its key unspent.
    Result<Node> saveNodeSpendingKey(const Node& node, qint64 keyId);
    Result<Node> nodeById(qint64 id);
    Result<Node> nodeByNodeKey(const QString& nodeKey);
    // One machine may own one node per user, so a machine key can find several nodes.
    Result<QList<Node>> nodesByMachineKey(const QString& machineKey);
    Result<QList<Node>> listNodes(std::optional<qint64> userId = std::nullopt);
    Result<void> deleteNode(qint64 id);
    Result<Node> setNodeExpiry(qint64 id, std::optional<QDateTime> expiry);
    Result<Node> renameNode(qint64 id, const QString& givenName); // Conflict if taken
    Result<Node> setNodeTags(qint64 id, const QStringList& tags);
    Result<Node> setApprovedRoutes(qint64 id, const QStringList& routes);
    Result<void> touchLastSeen(qint64 id, const QDateTime& when);
    Result<QStringList> usedIps(); // every IPv4 and IPv6 address held by a node

    // --- pre-auth keys
    Result<CreatedPreAuthKey> createPreAuthKey(const NewPreAuthKey& spec);
    Result<PreAuthKey> importPreAuthKey(const PreAuthKey& key, const StoredSecret& secret);
    Result<QList<PreAuthKey>> listPreAuthKeys(std::optional<qint64> userId = std::nullopt);
    Result<PreAuthKey> preAuthKeyById(qint64 id);
    Result<void> expirePreAuthKey(qint64 id);
    Result<void> deletePreAuthKey(qint64 id); // nodes registered with it keep existing
    // The key a text names, without usability checks (re-registration of a known node key).
    Result<PreAuthKey> findPreAuthKey(const QString& text);
    // Exists, not expired, and (single-use) not used. Errors are the client-facing texts:
    // "invalid authkey", "authkey expired", "authkey already used".
    Result<PreAuthKey> validatePreAuthKey(const QString& text);
    // Marks a single-use key used; of two racing callers exactly one succeeds, the other gets
    // Conflict "authkey already used". Reusable keys are left alone.
    Result<void> markPreAuthKeyUsed(qint64 id);
    // validatePreAuthKey + markPreAuthKeyUsed in one transaction.
    Result<PreAuthKey> usePreAuthKey(const QString& text);

    // --- API keys
    Result<CreatedApiKey> createApiKey(std::optional<QDateTime> expiration);
    Result<ApiKey> importApiKey(const ApiKey& key, const StoredSecret& secret);
    Result<QList<ApiKey>> listApiKeys();
    Result<ApiKey> apiKeyById(qint64 id);
    // Accepts the bare prefix or a display form ("hskey-api-<prefix>-***").
    Result<ApiKey> apiKeyByPrefix(const QString& prefix);
    Result<void> expireApiKey(qint64 id);
    Result<void> deleteApiKey(qint64 id);
    // Parses, looks up and verifies; rejects unknown, wrong and expired keys (Invalid).
    Result<ApiKey> authenticateApiKey(const QString& text);
    Result<void> touchApiKey(qint64 id, const QDateTime& when);

    // --- OAuth clients of /api/v2 (StoreOAuth.cpp)
    Result<CreatedOAuthClient> createOAuthClient(const NewOAuthClient& spec);
    Result<QList<OAuthClient>> listOAuthClients();
    Result<OAuthClient> oauthClientById(qint64 id);
    Result<OAuthClient> oauthClientByClientId(const QString& clientId);
    Result<void> deleteOAuthClient(qint64 id);
    // Finds the client a secret ("tskey-client-<clientId>-<random>") names and checks it (Invalid
    // for anything else, never saying which part was wrong).
    Result<OAuthClient> authenticateOAuthClient(const QString& secret);
    Result<void> touchOAuthClient(qint64 id, const QDateTime& when);

    // --- policy (policy.mode: database)
    Result<std::optional<PolicyRecord>> policy();
    Result<PolicyRecord> setPolicy(const QString& text, const QString& actor = {}, const QString& note = {});
    // Newest first, at most `limit` entries.
    Result<QList<PolicyRecord>> policyHistory(int limit = 100);
    Result<PolicyRecord> policyById(qint64 id);

    // --- audit log (newest first)
    Result<AuditEntry> appendAudit(const AuditEntry& entry); // id assigned; time defaults to now
    Result<QList<AuditEntry>> listAudit(const AuditFilter& filter = {});
    Result<int> pruneAudit(const QDateTime& olderThan);     // returns how many were deleted

    // --- approvals of Tailscale SSH checks (StoreSsh.cpp); one per (source, destination) pair
    Result<void> putSshApproval(const SshApproval& approval); // replaces the pair's earlier one
    Result<bool> deleteSshApproval(qint64 srcNodeId, qint64 dstNodeId); // true when there was one
    Result<QList<SshApproval>> listSshApprovals();             // by destination, then source
    Result<int> pruneSshApprovals(const QDateTime& approvedBefore); // deletes those approved before then

    // --- small server state (key/value), e.g. the IP allocator's cursor or a server id
    Result<std::optional<QByteArray>> stateValue(const QString& key);
    Result<void> setStateValue(const QString& key, const QByteArray& value);

private:
    explicit Store(const DatabaseOptions& options);
    Connection& conn();

    std::unique_ptr<Connection> m_conn;
    std::unique_ptr<QTimer> m_checkpointTimer;
};

} // namespace keel::store
