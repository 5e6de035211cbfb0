#pragma once

#include "store/ApiKey.h"
#include "store/AuditEntry.h"
#include "store/Node.h"
#include "store/OAuthClient.h"
#include "store/PreAuthKey.h"
#include "store/StoredSecret.h"
#include "store/User.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>

namespace keel::store {

// A pre-auth key or API key as it sits in the database: the record and its stored secret (a hash,
// or for a legacy Headscale pre-auth key the key itself, which is all Headscale ever kept).
struct ExportedPreAuthKey
{
    PreAuthKey key;
    StoredSecret secret;
};

struct ExportedApiKey
{
    ApiKey key;
    StoredSecret secret;
};

// An OAuth client of the Tailscale-compatible API, with its hashed secret.
struct ExportedOAuthClient
{
    OAuthClient client;
    StoredSecret secret;
};

// One row of the policy history (policy.mode: database); the highest id is the current policy.
struct ExportedPolicy
{
    qint64 id = 0;
    QString text;
    QDateTime updatedAt;
    QString actor; // who stored it; "" when unknown (before schema 6, or a Headscale import)
    QString note;
};

// The whole database in memory: what `keel export` writes, `keel import` reads, and what a Headscale
// database is translated into before it is written. Ids are the database's own and are preserved.
struct ExportDocument
{
    static constexpr int FormatVersion = 1;

    int schemaVersion = 0;   // of the database it came from (Keel's numbering; 0 for Headscale)
    QString source;          // "keel <version>" or "headscale" (informative)
    QDateTime exportedAt;
    QList<User> users;
    QList<ExportedPreAuthKey> preAuthKeys;
    QList<Node> nodes;
    QList<ExportedApiKey> apiKeys;
    QList<ExportedOAuthClient> oauthClients; // absent in exports before schema version 5
    QList<ExportedPolicy> policies;   // oldest first
    QMap<QString, QByteArray> state;  // server_state key/value
    QList<AuditEntry> auditLog;       // oldest first; absent in exports before schema version 3

    qint64 recordCount() const
    {
        return users.size() + preAuthKeys.size() + nodes.size() + apiKeys.size() + oauthClients.size()
               + policies.size() + state.size() + auditLog.size();
    }
};

// Progress of a long export or import: `table` is being read or written, `done` of `total` rows.
using ExportProgress = std::function<void(const QString& table, qint64 done, qint64 total)>;

} // namespace keel::store
