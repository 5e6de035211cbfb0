#include "backup/Importer.h"

#include "auth/SecretHasher.h"
#include "auth/SecretKey.h"
#include "backup/ImportValues.h"
#include "store/SqlValues.h"
#include "store/Store.h"
#include "store/Transaction.h"

#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace keel::store {

using namespace SqlValues;
using auth::SecretHasher;
using auth::SecretKey;

namespace {

const QStringList Tables = {QStringLiteral("users"),         QStringLiteral("pre_auth_keys"), QStringLiteral("nodes"),
                            QStringLiteral("api_keys"),      QStringLiteral("oauth_clients"), QStringLiteral("policies"),
                            QStringLiteral("policy_history"), QStringLiteral("server_state")};

Result<void> checkEmptyIn(QSqlDatabase& db)
{
    for (const QString& table : Tables) {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("SELECT count(*) FROM ") + table, {}, &err))
            return err;
        if (q.next() && q.value(0).toLongLong() > 0)
            return Error::conflict(
                QStringLiteral("the database is not empty (table %1 has %2 rows); import only into a new, empty database")
                    .arg(table)
                    .arg(q.value(0).toLongLong()));
    }
    return {};
}

Error bad(const QString& where, const QString& what)
{
    return Error::invalid(QStringLiteral("%1: %2").arg(where, what));
}

bool isTag(const QString& t)
{
    return t.startsWith(QLatin1String("tag:")) && t.size() > 4;
}

Result<void> checkSecret(const QString& where, const StoredSecret& s)
{
    if (s.scheme == SecretHasher::Sha256) {
        static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
        if (!hex.match(QString::fromLatin1(s.value)).hasMatch())
            return bad(where, QStringLiteral("a sha256 hash is 64 lower-case hex characters"));
    } else if (s.scheme == SecretHasher::Bcrypt) {
        if (!s.value.startsWith("$2") || s.value.size() != 60)
            return bad(where, QStringLiteral("not a bcrypt hash"));
    } else if (s.scheme != SecretHasher::Plain) {
        return bad(where, QStringLiteral("unknown hash scheme \"%1\"").arg(s.scheme));
    }
    return {};
}

// A list of ids that must be positive and distinct.
template<class T, class Id>
Result<void> checkIds(const QList<T>& rows, const char* table, Id id)
{
    QSet<qint64> seen;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const qint64 v = id(rows[i]);
        const QString where = QStringLiteral("%1[%2]").arg(QLatin1String(table)).arg(i);
        if (v <= 0)
            return bad(where, QStringLiteral("id must be positive"));
        if (seen.contains(v))
            return bad(where, QStringLiteral("duplicate id %1").arg(v));
        seen.insert(v);
    }
    return {};
}

Result<void> validateNode(const Node& n, const QString& where, const QSet<qint64>& users, const QSet<qint64>& keys)
{
    if (!n.machineKey.startsWith(QLatin1String("mkey:")) || !n.nodeKey.startsWith(QLatin1String("nodekey:")))
        return bad(where, QStringLiteral("a node needs a machine key (mkey:) and a node key (nodekey:)"));
    if (!n.discoKey.isEmpty() && !n.discoKey.startsWith(QLatin1String("discokey:")))
        return bad(where, QStringLiteral("malformed disco key"));
    if (n.givenName.isEmpty())
        return bad(where, QStringLiteral("a node needs a given name"));
    if (!n.ipv4.isEmpty() && !ImportValues::isIPv4(n.ipv4))
        return bad(where, QStringLiteral("malformed IPv4 address \"%1\"").arg(n.ipv4));
    if (!n.ipv6.isEmpty() && !ImportValues::isIPv6(n.ipv6))
        return bad(where, QStringLiteral("malformed IPv6 address \"%1\"").arg(n.ipv6));
    for (const QStringList* routes : {&n.announcedRoutes, &n.approvedRoutes})
        for (const QString& r : *routes)
            if (!ImportValues::isPrefix(r))
                return bad(where, QStringLiteral("malformed route \"%1\"").arg(r));
    if (n.userId && !users.contains(*n.userId))
        return bad(where, QStringLiteral("owner user %1 is not in the export").arg(*n.userId));
    if (!n.userId && n.tags.isEmpty())
        return bad(where, QStringLiteral("a node must belong to a user or carry tags"));
    for (const QString& t : n.tags)
        if (!isTag(t))
            return bad(where, QStringLiteral("tag \"%1\" does not begin with \"tag:\"").arg(t));
    if (n.authKeyId && !keys.contains(*n.authKeyId))
        return bad(where, QStringLiteral("pre-auth key %1 is not in the export").arg(*n.authKeyId));
    return {};
}

Result<void> validatePak(const ExportedPreAuthKey& k, const QString& where, const QSet<qint64>& users)
{
    if (Result<void> s = checkSecret(where, k.secret); !s.ok())
        return s;
    if (k.secret.scheme == SecretHasher::Plain) {
        if (!SecretKey::parse(SecretKey::Kind::PreAuth, QString::fromLatin1(k.secret.value)))
            return bad(where, QStringLiteral("malformed legacy pre-auth key"));
    } else if (k.key.prefix.size() != SecretKey::PrefixLength || !SecretKey::isUrlSafe(k.key.prefix)) {
        return bad(where, QStringLiteral("malformed key prefix"));
    }
    if (k.key.userId && !users.contains(*k.key.userId))
        return bad(where, QStringLiteral("user %1 is not in the export").arg(*k.key.userId));
    if (!k.key.userId && k.key.tags.isEmpty())
        return bad(where, QStringLiteral("a pre-auth key must belong to a user or carry tags"));
    for (const QString& t : k.key.tags)
        if (!isTag(t))
            return bad(where, QStringLiteral("tag \"%1\" does not begin with \"tag:\"").arg(t));
    return {};
}

// Prepares one INSERT and runs it once per row, so large tables do not re-parse the statement.
class Inserter
{
public:
    Inserter(QSqlDatabase& db, const QString& table, const QString& columns, int count, const ExportProgress& progress,
             qint64 total)
        : m_query(db), m_table(table), m_progress(progress), m_total(total)
    {
        QStringList marks;
        for (int i = 0; i < count; ++i)
            marks << QStringLiteral("?");
        m_sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)").arg(table, columns, marks.join(QLatin1Char(',')));
        m_prepared = m_query.prepare(m_sql);
    }

    Result<void> insert(const QString& where, const QVariantList& values)
    {
        if (!m_prepared)
            return Error::database(m_query.lastError().text());
        for (int i = 0; i < values.size(); ++i) {
            const QVariant& v = values[i];
            // As SqlValues::exec: an empty (non-NULL) string must bind as '' rather than NULL.
            if (v.metaType() == QMetaType::fromType<QString>() && !v.isNull() && v.toString().isNull())
                m_query.bindValue(i, QString(QLatin1String("")));
            else
                m_query.bindValue(i, v);
        }
        if (!m_query.exec())
            return Error::conflict(QStringLiteral("%1: %2").arg(where, m_query.lastError().databaseText()));
        ++m_done;
        if (m_progress && (m_done % 1000 == 0 || m_done == m_total))
            m_progress(m_table, m_done, m_total);
        return {};
    }

private:
    QSqlQuery m_query;
    QString m_table;
    QString m_sql;
    bool m_prepared = false;
    const ExportProgress& m_progress;
    qint64 m_total;
    qint64 m_done = 0;
};

Result<void> writeAll(QSqlDatabase& db, const ExportDocument& doc, const ExportProgress& progress)
{
    {
        Inserter ins(db, QStringLiteral("users"),
                     QStringLiteral("id, name, display_name, email, provider_id, provider, profile_pic_url, created_at, "
                                    "updated_at, provider_groups"),
                     10, progress, doc.users.size());
        for (qsizetype i = 0; i < doc.users.size(); ++i) {
            const User& u = doc.users[i];
            if (Result<void> r = ins.insert(QStringLiteral("users[%1]").arg(i),
                                            {u.id, u.name, u.displayName, u.email, nullIfEmpty(u.providerId), u.provider,
                                             u.profilePicUrl, time(u.createdAt), time(u.updatedAt), list(u.providerGroups)});
                !r.ok())
                return r;
        }
    }
    {
        Inserter ins(db, QStringLiteral("pre_auth_keys"),
                     QStringLiteral("id, prefix, hash_scheme, hash, legacy_key, user_id, reusable, ephemeral, used, tags, "
                                    "expiration, created_at, pre_approved"),
                     13, progress, doc.preAuthKeys.size());
        for (qsizetype i = 0; i < doc.preAuthKeys.size(); ++i) {
            const PreAuthKey& k = doc.preAuthKeys[i].key;
            const StoredSecret& s = doc.preAuthKeys[i].secret;
            const bool plain = s.scheme == SecretHasher::Plain;
            QStringList tags = k.tags;
            tags.sort();
            tags.removeDuplicates();
            if (Result<void> r = ins.insert(
                    QStringLiteral("preAuthKeys[%1]").arg(i),
                    {k.id, nullIfEmpty(plain ? QString() : k.prefix), s.scheme,
                     plain ? QString() : QString::fromLatin1(s.value),
                     nullIfEmpty(plain ? QString::fromLatin1(s.value) : QString()), optId(k.userId), k.reusable ? 1 : 0,
                     k.ephemeral ? 1 : 0, k.used ? 1 : 0, list(tags), optTime(k.expiration), time(k.createdAt),
                     k.preApproved ? 1 : 0});
                !r.ok())
                return r;
        }
    }
    {
        Inserter ins(db, QStringLiteral("nodes"),
                     QStringLiteral("id, machine_key, node_key, disco_key, nl_key, ipv4, ipv6, hostname, given_name, "
                                    "user_id, tags, hostinfo, endpoints, announced_routes, approved_routes, expiry, "
                                    "last_seen, ephemeral, register_method, auth_key_id, created_at, updated_at, authorized"),
                     23, progress, doc.nodes.size());
        for (qsizetype i = 0; i < doc.nodes.size(); ++i) {
            const Node& n = doc.nodes[i];
            if (Result<void> r = ins.insert(
                    QStringLiteral("nodes[%1]").arg(i),
                    {n.id, n.machineKey, n.nodeKey, n.discoKey, n.nlKey, nullIfEmpty(n.ipv4), nullIfEmpty(n.ipv6),
                     n.hostname, n.givenName, optId(n.userId), list(n.tags), QString::fromUtf8(n.hostinfoJson),
                     list(n.endpoints), list(n.announcedRoutes), list(n.approvedRoutes), optTime(n.expiry),
                     optTime(n.lastSeen), n.ephemeral ? 1 : 0, n.registerMethod, optId(n.authKeyId), time(n.createdAt),
                     time(n.updatedAt), n.authorized ? 1 : 0});
                !r.ok())
                return r;
        }
    }
    {
        Inserter ins(db, QStringLiteral("api_keys"),
                     QStringLiteral("id, prefix, hash_scheme, hash, expiration, created_at, last_seen"), 7, progress,
                     doc.apiKeys.size());
        for (qsizetype i = 0; i < doc.apiKeys.size(); ++i) {
            const ApiKey& k = doc.apiKeys[i].key;
            const StoredSecret& s = doc.apiKeys[i].secret;
            if (Result<void> r = ins.insert(QStringLiteral("apiKeys[%1]").arg(i),
                                            {k.id, k.prefix, s.scheme, QString::fromLatin1(s.value),
                                             optTime(k.expiration), time(k.createdAt), optTime(k.lastSeen)});
                !r.ok())
                return r;
        }
    }
    {
        Inserter ins(db, QStringLiteral("oauth_clients"),
                     QStringLiteral("id, client_id, hash_scheme, hash, description, scopes, tags, created_at, last_used"),
                     9, progress, doc.oauthClients.size());
        for (qsizetype i = 0; i < doc.oauthClients.size(); ++i) {
            const OAuthClient& c = doc.oauthClients[i].client;
            const StoredSecret& s = doc.oauthClients[i].secret;
            if (Result<void> r = ins.insert(QStringLiteral("oauthClients[%1]").arg(i),
                                            {c.id, c.clientId, s.scheme, QString::fromLatin1(s.value), c.description,
                                             list(c.scopes), list(c.tags), time(c.createdAt), optTime(c.lastUsed)});
                !r.ok())
                return r;
        }
    }
    {
        Inserter ins(db, QStringLiteral("policies"), QStringLiteral("id, data, updated_at"), 3, progress,
                     doc.policies.size());
        for (qsizetype i = 0; i < doc.policies.size(); ++i) {
            const ExportedPolicy& p = doc.policies[i];
            if (Result<void> r = ins.insert(QStringLiteral("policies[%1]").arg(i), {p.id, p.text, time(p.updatedAt)});
                !r.ok())
                return r;
        }
    }
    {
        // Who stored each policy: only for the policies whose author is known.
        Inserter ins(db, QStringLiteral("policy_history"), QStringLiteral("policy_id, actor, note"), 3, progress,
                     doc.policies.size());
        for (qsizetype i = 0; i < doc.policies.size(); ++i) {
            const ExportedPolicy& p = doc.policies[i];
            if (p.actor.isEmpty() && p.note.isEmpty())
                continue;
            if (Result<void> r = ins.insert(QStringLiteral("policies[%1]").arg(i), {p.id, p.actor, p.note}); !r.ok())
                return r;
        }
    }
    {
        // New ids: the entries keep their order and times, and never collide with any already here.
        Inserter ins(db, QStringLiteral("audit_log"), QStringLiteral("time, actor, action, target, detail"), 5, progress,
                     doc.auditLog.size());
        for (qsizetype i = 0; i < doc.auditLog.size(); ++i) {
            const AuditEntry& e = doc.auditLog[i];
            if (Result<void> r = ins.insert(QStringLiteral("auditLog[%1]").arg(i), {time(e.time), e.actor, e.action, e.target, e.detail});
                !r.ok())
                return r;
        }
    }
    {
        Inserter ins(db, QStringLiteral("server_state"), QStringLiteral("key, value"), 2, progress, doc.state.size());
        for (auto it = doc.state.cbegin(); it != doc.state.cend(); ++it)
            if (Result<void> r = ins.insert(QStringLiteral("state.%1").arg(it.key()),
                                            {it.key(), QString::fromLatin1(it.value().toBase64())});
                !r.ok())
                return r;
    }
    return {};
}

// PostgreSQL identity columns do not follow explicit ids: move each sequence past the highest id,
// or the server's first createUser() would collide with an imported row.
Result<void> resetSequences(QSqlDatabase& db)
{
    for (const QString& table : {QStringLiteral("users"), QStringLiteral("pre_auth_keys"), QStringLiteral("nodes"),
                                 QStringLiteral("api_keys"), QStringLiteral("oauth_clients"), QStringLiteral("policies")}) {
        QSqlQuery q(db);
        Error err;
        if (!exec(q,
                  QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', 'id'), "
                                 "COALESCE((SELECT max(id) FROM %1), 0) + 1, false)")
                      .arg(table),
                  {}, &err))
            return err;
    }
    return {};
}

} // namespace

Result<void> Importer::validate(const ExportDocument& doc)
{
    if (doc.schemaVersion > Store::latestSchemaVersion())
        return Error::invalid(QStringLiteral("the export comes from schema version %1, newer than this Keel knows (%2)")
                                  .arg(doc.schemaVersion)
                                  .arg(Store::latestSchemaVersion()));
    if (Result<void> r = checkIds(doc.users, "users", [](const User& u) { return u.id; }); !r.ok())
        return r;
    if (Result<void> r = checkIds(doc.preAuthKeys, "preAuthKeys", [](const ExportedPreAuthKey& k) { return k.key.id; });
        !r.ok())
        return r;
    if (Result<void> r = checkIds(doc.nodes, "nodes", [](const Node& n) { return n.id; }); !r.ok())
        return r;
    if (Result<void> r = checkIds(doc.apiKeys, "apiKeys", [](const ExportedApiKey& k) { return k.key.id; }); !r.ok())
        return r;
    if (Result<void> r = checkIds(doc.policies, "policies", [](const ExportedPolicy& p) { return p.id; }); !r.ok())
        return r;
    if (Result<void> r = checkIds(doc.oauthClients, "oauthClients", [](const ExportedOAuthClient& c) { return c.client.id; });
        !r.ok())
        return r;

    QSet<qint64> users;
    for (qsizetype i = 0; i < doc.users.size(); ++i) {
        if (doc.users[i].name.trimmed().isEmpty())
            return bad(QStringLiteral("users[%1]").arg(i), QStringLiteral("user name must not be empty"));
        users.insert(doc.users[i].id);
    }
    QSet<qint64> keys;
    for (qsizetype i = 0; i < doc.preAuthKeys.size(); ++i) {
        if (Result<void> r = validatePak(doc.preAuthKeys[i], QStringLiteral("preAuthKeys[%1]").arg(i), users); !r.ok())
            return r;
        keys.insert(doc.preAuthKeys[i].key.id);
    }
    for (qsizetype i = 0; i < doc.nodes.size(); ++i)
        if (Result<void> r = validateNode(doc.nodes[i], QStringLiteral("nodes[%1]").arg(i), users, keys); !r.ok())
            return r;
    for (qsizetype i = 0; i < doc.apiKeys.size(); ++i) {
        const ExportedApiKey& k = doc.apiKeys[i];
        const QString where = QStringLiteral("apiKeys[%1]").arg(i);
        if (k.secret.scheme == SecretHasher::Plain)
            return bad(where, QStringLiteral("API keys are never stored in plain text"));
        if (Result<void> r = checkSecret(where, k.secret); !r.ok())
            return r;
        if ((k.key.prefix.size() != SecretKey::PrefixLength && k.key.prefix.size() != SecretKey::LegacyApiPrefixLength)
            || !SecretKey::isUrlSafe(k.key.prefix))
            return bad(where, QStringLiteral("malformed API key prefix"));
    }
    QSet<QString> clientIds;
    for (qsizetype i = 0; i < doc.oauthClients.size(); ++i) {
        const ExportedOAuthClient& c = doc.oauthClients[i];
        const QString where = QStringLiteral("oauthClients[%1]").arg(i);
        // Tailscale's tools split "tskey-client-<id>-<secret>" on '-': letters and digits only.
        static const QRegularExpression clientIdForm(QStringLiteral("^[A-Za-z0-9]{1,64}$"));
        if (!clientIdForm.match(c.client.clientId).hasMatch())
            return bad(where, QStringLiteral("malformed client id"));
        if (clientIds.contains(c.client.clientId))
            return bad(where, QStringLiteral("client id %1 appears twice").arg(c.client.clientId));
        clientIds.insert(c.client.clientId);
        if (c.secret.scheme != SecretHasher::Sha256)
            return bad(where, QStringLiteral("an OAuth client's secret is stored as its SHA-256 only"));
        if (Result<void> r = checkSecret(where, c.secret); !r.ok())
            return r;
        for (const QString& t : c.client.tags)
            if (!isTag(t))
                return bad(where, QStringLiteral("\"%1\" is not a tag").arg(t));
    }
    return {};
}

Result<void> Importer::checkEmpty()
{
    QSqlDatabase db = m_store.database();
    if (!db.isOpen())
        return Error::database(QStringLiteral("database is not open"));
    Transaction tx(db, m_store.backend() == QLatin1String("sqlite"), Transaction::Read);
    if (!tx.isActive())
        return Error::database(tx.error());
    return checkEmptyIn(db);
}

Result<void> Importer::write(const ExportDocument& doc)
{
    if (Result<void> v = validate(doc); !v.ok())
        return v;
    QSqlDatabase db = m_store.database();
    if (!db.isOpen())
        return Error::database(QStringLiteral("database is not open"));
    const bool sqlite = m_store.backend() == QLatin1String("sqlite");
    Transaction tx(db, sqlite, Transaction::Write);
    if (!tx.isActive())
        return Error::database(tx.error());
    // Checked inside the write transaction, so nobody can slip a row in between check and write.
    if (Result<void> r = checkEmptyIn(db); !r.ok())
        return r;
    if (Result<void> r = writeAll(db, doc, m_progress); !r.ok())
        return r; // ~Transaction rolls everything back
    if (!sqlite)
        if (Result<void> r = resetSequences(db); !r.ok())
            return r;
    if (!tx.commit())
        return Error::database(tx.error());
    return {};
}

} // namespace keel::store
