#include "store/Store.h"

#include "auth/SecretHasher.h"
#include "auth/SecretKey.h"
#include "store/Rows.h"
#include "store/SelectRows.h"
#include "store/SqlValues.h"
#include "store/StoreTx.h"

#include <QSqlQuery>

// Store: pre-auth keys and API keys. Secrets are stored only as hashes (scheme + hash); the full
// key text exists only in the create call's result.

namespace keel::store {

using namespace SqlValues;
using namespace rows;
using auth::SecretHasher;
using auth::SecretKey;

namespace {

Result<PakRow> fetchPak(QSqlDatabase& db, const QString& column, const QVariant& value)
{
    return selectRow(db, QStringLiteral("SELECT %1 FROM pre_auth_keys WHERE %2 = ?").arg(PakColumns, column), {value},
                     QStringLiteral("pre-auth key not found"), readPak);
}

const QString InvalidAuthKey = QStringLiteral("invalid authkey");

// The key a text names, its secret checked; no usability checks.
Result<PreAuthKey> findPak(QSqlDatabase& db, const QString& text)
{
    const std::optional<SecretKey> parsed = SecretKey::parse(SecretKey::Kind::PreAuth, text);
    if (!parsed)
        return Error::invalid(InvalidAuthKey);
    Result<PakRow> row = parsed->format == SecretKey::Format::LegacyPlain
        ? fetchPak(db, QStringLiteral("legacy_key"), QString::fromLatin1(parsed->secret))
        : fetchPak(db, QStringLiteral("prefix"), parsed->prefix);
    if (!row.ok())
        return row.error().kind == Error::NotFound ? Error::invalid(InvalidAuthKey) : row.error();
    // A legacy key is its own "hash": the lookup found it by equality; compare again in constant time.
    const QByteArray stored = row->scheme == SecretHasher::Plain ? row->key.legacyKey.toLatin1() : row->hash;
    if (!SecretHasher::verify(row->scheme, stored, parsed->secret))
        return Error::invalid(InvalidAuthKey);
    return row->key;
}

Result<PreAuthKey> checkUsable(const PreAuthKey& key)
{
    if (key.isExpired(now()))
        return Error::invalid(QStringLiteral("authkey expired"));
    if (key.used && !key.reusable)
        return Error::invalid(QStringLiteral("authkey already used"));
    return key;
}

Result<void> markUsed(QSqlDatabase& db, qint64 id)
{
    QSqlQuery q(db);
    Error err;
    // One conditional UPDATE: the database serialises racing callers and only one sees a row change.
    if (!exec(q, QStringLiteral("UPDATE pre_auth_keys SET used = 1 WHERE id = ? AND (used = 0 OR reusable = 1)"),
              {id}, &err))
        return err;
    if (q.numRowsAffected() == 1)
        return {};
    q.finish();
    if (const Result<PakRow> row = fetchPak(db, QStringLiteral("id"), id); !row.ok())
        return row.error().kind == Error::NotFound ? Error::notFound(QStringLiteral("pre-auth key not found")) : row.error();
    return Error::conflict(QStringLiteral("authkey already used"));
}

Result<QStringList> normaliseTags(const QStringList& tags)
{
    QStringList out = tags;
    for (const QString& t : out)
        if (!t.startsWith(QLatin1String("tag:")) || t.size() <= 4)
            return Error::invalid(QStringLiteral("tag \"%1\" does not begin with \"tag:\"").arg(t));
    out.sort();
    out.removeDuplicates();
    return out;
}

Result<PreAuthKey> insertPak(QSqlDatabase& db, const PreAuthKey& key, const StoredSecret& secret)
{
    if (key.userId) {
        QSqlQuery u(db);
        Error err;
        if (!exec(u, QStringLiteral("SELECT id FROM users WHERE id = ?"), {*key.userId}, &err))
            return err;
        if (!u.next())
            return Error::notFound(QStringLiteral("user not found"));
    }
    const bool plain = secret.scheme == SecretHasher::Plain;
    const Result<qint64> id = insertReturningId(
        db,
        QStringLiteral("INSERT INTO pre_auth_keys (prefix, hash_scheme, hash, legacy_key, user_id, reusable, "
                       "ephemeral, used, tags, expiration, created_at, pre_approved) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
              {nullIfEmpty(plain ? QString() : key.prefix), secret.scheme,
               plain ? QString() : QString::fromLatin1(secret.value),
               nullIfEmpty(plain ? QString::fromLatin1(secret.value) : QString()), optId(key.userId),
               key.reusable ? 1 : 0, key.ephemeral ? 1 : 0, key.used ? 1 : 0, list(key.tags), optTime(key.expiration),
               time(key.createdAt.isValid() ? key.createdAt : now()), key.preApproved ? 1 : 0});
    if (!id.ok())
        return id.error();
    Result<PakRow> row = fetchPak(db, QStringLiteral("id"), *id);
    if (!row.ok())
        return row.error();
    return row->key;
}

// --- API keys

Result<ApiRow> fetchApi(QSqlDatabase& db, const QString& column, const QVariant& value)
{
    return selectRow(db, QStringLiteral("SELECT %1 FROM api_keys WHERE %2 = ?").arg(ApiColumns, column), {value},
                     QStringLiteral("API key not found"), readApi);
}

// "hskey-api-<prefix>-***", "hskey-api-<prefix>", "<prefix>***" or the bare prefix.
QString bareApiPrefix(QString s)
{
    const QString mark = SecretKey::marker(SecretKey::Kind::Api);
    if (s.startsWith(mark))
        return s.mid(mark.size(), SecretKey::PrefixLength);
    if (s.endsWith(QLatin1String("***")))
        s.chop(3);
    return s;
}

Result<void> updateApiExpiration(QSqlDatabase& db, qint64 id)
{
    return execOnRow(db, QStringLiteral("UPDATE api_keys SET expiration = ? WHERE id = ?"), {time(now()), id}, QStringLiteral("API key not found"));
}

} // namespace

// --- pre-auth keys

Result<CreatedPreAuthKey> Store::createPreAuthKey(const NewPreAuthKey& spec)
{
    if (!spec.userId && spec.tags.isEmpty())
        return Error::invalid(QStringLiteral("a pre-auth key must belong to a user or carry tags"));
    Result<QStringList> tags = normaliseTags(spec.tags);
    if (!tags.ok())
        return tags.error();
    const SecretKey secret = SecretKey::generate(SecretKey::Kind::PreAuth);
    PreAuthKey key;
    key.prefix = secret.prefix;
    key.userId = spec.userId;
    key.reusable = spec.reusable;
    key.ephemeral = spec.ephemeral;
    key.expiration = spec.expiration;
    key.tags = *tags;
    key.preApproved = spec.preApproved;
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<CreatedPreAuthKey> {
        Result<PreAuthKey> r
            = insertPak(db, key, StoredSecret{SecretHasher::Sha256, SecretHasher::sha256Hex(secret.secret)});
        if (!r.ok())
            return r.error();
        return CreatedPreAuthKey{*r, secret.toString()};
    });
}

Result<PreAuthKey> Store::importPreAuthKey(const PreAuthKey& key, const StoredSecret& secret)
{
    if (secret.scheme != SecretHasher::Sha256 && secret.scheme != SecretHasher::Bcrypt
        && secret.scheme != SecretHasher::Plain)
        return Error::invalid(QStringLiteral("unknown secret scheme \"%1\"").arg(secret.scheme));
    if (secret.scheme == SecretHasher::Plain
        ? !SecretKey::parse(SecretKey::Kind::PreAuth, QString::fromLatin1(secret.value))
        : (key.prefix.size() != SecretKey::PrefixLength || !SecretKey::isUrlSafe(key.prefix)))
        return Error::invalid(QStringLiteral("malformed pre-auth key"));
    Result<QStringList> tags = normaliseTags(key.tags);
    if (!tags.ok())
        return tags.error();
    PreAuthKey k = key;
    k.tags = *tags;
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) { return insertPak(db, k, secret); });
}

Result<QList<PreAuthKey>> Store::listPreAuthKeys(std::optional<qint64> userId)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) {
        QString sql = QStringLiteral("SELECT %1 FROM pre_auth_keys").arg(PakColumns);
        QVariantList values;
        if (userId) {
            sql += QStringLiteral(" WHERE user_id = ?");
            values << QVariant::fromValue<qint64>(*userId);
        }
        return selectRows(db, sql + QStringLiteral(" ORDER BY id"), values,
                          [](const QSqlQuery& q) { return readPak(q).key; });
    });
}

Result<PreAuthKey> Store::preAuthKeyById(qint64 id)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<PreAuthKey> {
        Result<PakRow> r = fetchPak(db, QStringLiteral("id"), id);
        if (!r.ok())
            return r.error();
        return r->key;
    });
}

Result<void> Store::expirePreAuthKey(qint64 id)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        return execOnRow(db, QStringLiteral("UPDATE pre_auth_keys SET expiration = ? WHERE id = ?"), {time(now()), id}, QStringLiteral("pre-auth key not found"));
    });
}

Result<void> Store::deletePreAuthKey(qint64 id)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        QSqlQuery q(db);
        Error err;
        // Explicit rather than relying on ON DELETE SET NULL alone: clearer, and the same on every backend.
        if (!exec(q, QStringLiteral("UPDATE nodes SET auth_key_id = NULL WHERE auth_key_id = ?"), {id}, &err))
            return err;
        if (!exec(q, QStringLiteral("DELETE FROM pre_auth_keys WHERE id = ?"), {id}, &err))
            return err;
        if (q.numRowsAffected() == 0)
            return Error::notFound(QStringLiteral("pre-auth key not found"));
        return {};
    });
}

Result<PreAuthKey> Store::findPreAuthKey(const QString& text)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) { return findPak(db, text); });
}

Result<PreAuthKey> Store::validatePreAuthKey(const QString& text)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<PreAuthKey> {
        Result<PreAuthKey> k = findPak(db, text);
        if (!k.ok())
            return k;
        return checkUsable(*k);
    });
}

Result<void> Store::markPreAuthKeyUsed(qint64 id)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) { return markUsed(db, id); });
}

Result<PreAuthKey> Store::usePreAuthKey(const QString& text)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<PreAuthKey> {
        Result<PreAuthKey> k = findPak(db, text);
        if (!k.ok())
            return k;
        if (auto usable = checkUsable(*k); !usable.ok())
            return usable;
        if (Result<void> m = markUsed(db, k->id); !m.ok()) {
            if (m.error().kind == Error::Conflict)
                return Error::invalid(m.error().message); // lost the race: same text as a used key
            return m.error();
        }
        PreAuthKey out = *k;
        out.used = true;
        return out;
    });
}

// --- API keys

Result<CreatedApiKey> Store::createApiKey(std::optional<QDateTime> expiration)
{
    const SecretKey secret = SecretKey::generate(SecretKey::Kind::Api);
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<CreatedApiKey> {
        const Result<qint64> id = insertReturningId(
            db,
            QStringLiteral("INSERT INTO api_keys (prefix, hash_scheme, hash, expiration, created_at) "
                           "VALUES (?, ?, ?, ?, ?) RETURNING id"),
            {secret.prefix, SecretHasher::Sha256, QString::fromLatin1(SecretHasher::sha256Hex(secret.secret)),
             optTime(expiration), time(now())});
        if (!id.ok())
            return id.error();
        Result<ApiRow> row = fetchApi(db, QStringLiteral("id"), *id);
        if (!row.ok())
            return row.error();
        return CreatedApiKey{row->record, secret.toString()};
    });
}

Result<ApiKey> Store::importApiKey(const ApiKey& key, const StoredSecret& secret)
{
    if (secret.scheme != SecretHasher::Sha256 && secret.scheme != SecretHasher::Bcrypt)
        return Error::invalid(QStringLiteral("unknown secret scheme \"%1\"").arg(secret.scheme));
    if ((key.prefix.size() != SecretKey::PrefixLength && key.prefix.size() != SecretKey::LegacyApiPrefixLength)
        || !SecretKey::isUrlSafe(key.prefix))
        return Error::invalid(QStringLiteral("malformed API key prefix"));
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<ApiKey> {
        const Result<ApiRow> existing = fetchApi(db, QStringLiteral("prefix"), key.prefix);
        if (existing.ok())
            return Error::conflict(QStringLiteral("an API key with this prefix exists"));
        if (existing.error().kind != Error::NotFound)
            return existing.error();
        const Result<qint64> id = insertReturningId(
            db,
            QStringLiteral("INSERT INTO api_keys (prefix, hash_scheme, hash, expiration, created_at, last_seen) "
                           "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
            {key.prefix, secret.scheme, QString::fromLatin1(secret.value), optTime(key.expiration),
             time(key.createdAt.isValid() ? key.createdAt : now()), optTime(key.lastSeen)});
        if (!id.ok())
            return id.error();
        Result<ApiRow> row = fetchApi(db, QStringLiteral("id"), *id);
        if (!row.ok())
            return row.error();
        return row->record;
    });
}

Result<QList<ApiKey>> Store::listApiKeys()
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) {
        return selectRows(db, QStringLiteral("SELECT %1 FROM api_keys ORDER BY id").arg(ApiColumns), {},
                          [](const QSqlQuery& q) { return readApi(q).record; });
    });
}

Result<ApiKey> Store::apiKeyById(qint64 id)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<ApiKey> {
        Result<ApiRow> r = fetchApi(db, QStringLiteral("id"), id);
        if (!r.ok())
            return r.error();
        return r->record;
    });
}

Result<ApiKey> Store::apiKeyByPrefix(const QString& prefix)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<ApiKey> {
        Result<ApiRow> r = fetchApi(db, QStringLiteral("prefix"), bareApiPrefix(prefix));
        if (!r.ok())
            return r.error();
        return r->record;
    });
}

Result<void> Store::expireApiKey(qint64 id)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) { return updateApiExpiration(db, id); });
}

Result<void> Store::deleteApiKey(qint64 id)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        return execOnRow(db, QStringLiteral("DELETE FROM api_keys WHERE id = ?"), {id}, QStringLiteral("API key not found"));
    });
}

Result<ApiKey> Store::authenticateApiKey(const QString& text)
{
    const std::optional<SecretKey> parsed = SecretKey::parse(SecretKey::Kind::Api, text);
    if (!parsed)
        return Error::invalid(QStringLiteral("invalid API key"));
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<ApiKey> {
        Result<ApiRow> row = fetchApi(db, QStringLiteral("prefix"), parsed->prefix);
        if (!row.ok())
            return row.error().kind == Error::NotFound ? Error::invalid(QStringLiteral("invalid API key"))
                                                       : row.error();
        if (!SecretHasher::verify(row->scheme, row->hash, parsed->secret))
            return Error::invalid(QStringLiteral("invalid API key"));
        if (row->record.isExpired(now()))
            return Error::invalid(QStringLiteral("API key expired"));
        return row->record;
    });
}

Result<void> Store::touchApiKey(qint64 id, const QDateTime& when)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        return execOnRow(db, QStringLiteral("UPDATE api_keys SET last_seen = ? WHERE id = ?"), {time(when), id}, QStringLiteral("API key not found"));
    });
}

} // namespace keel::store
