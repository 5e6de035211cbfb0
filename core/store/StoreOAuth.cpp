#include "store/Store.h"

#include "auth/SecretHasher.h"
#include "store/SqlValues.h"
#include "store/StoreTx.h"

#include <QRandomGenerator>
#include <QSqlQuery>

// Store: OAuth clients of the Tailscale-compatible API. The secret is stored only as its SHA-256
// (384 random bits, as for API keys: see SecretHasher); the full secret exists only in the create
// call's result.

namespace keel::store {

using namespace SqlValues;
using auth::SecretHasher;

namespace {

const QString OAuthColumns = QStringLiteral("id, client_id, description, scopes, tags, created_at, last_used, hash_scheme, hash");
const QString SecretMarker = QStringLiteral("tskey-client-");

// Letters and digits only: Tailscale's tools split "tskey-client-<id>-<random>" on '-'.
QString randomAlphanumeric(int n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString out;
    out.reserve(n);
    // The system generator reads the kernel's CSPRNG (getrandom).
    QRandomGenerator* random = QRandomGenerator::system();
    for (int i = 0; i < n; ++i)
        out.append(QLatin1Char(alphabet[random->bounded(62)]));
    return out;
}

struct OAuthRow
{
    OAuthClient client;
    QString scheme;
    QByteArray hash;
};

Result<OAuthRow> fetchOAuth(QSqlDatabase& db, const QString& column, const QVariant& value)
{
    QSqlQuery q(db);
    Error err;
    if (!exec(q, QStringLiteral("SELECT %1 FROM oauth_clients WHERE %2 = ?").arg(OAuthColumns, column), {value}, &err))
        return err;
    if (!q.next())
        return Error::notFound(QStringLiteral("OAuth client not found"));
    OAuthRow row;
    row.client.id = q.value(0).toLongLong();
    row.client.clientId = q.value(1).toString();
    row.client.description = q.value(2).toString();
    row.client.scopes = toList(q.value(3));
    row.client.tags = toList(q.value(4));
    row.client.createdAt = toTime(q.value(5));
    row.client.lastUsed = toOptTime(q.value(6));
    row.scheme = q.value(7).toString();
    row.hash = q.value(8).toString().toLatin1();
    return row;
}

} // namespace

Result<CreatedOAuthClient> Store::createOAuthClient(const NewOAuthClient& spec)
{
    const QString clientId = QStringLiteral("k") + randomAlphanumeric(16);
    const QString random = randomAlphanumeric(64); // 62^64: ~381 bits
    QStringList tags = spec.tags;
    tags.sort();
    tags.removeDuplicates();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<CreatedOAuthClient> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q,
                  QStringLiteral("INSERT INTO oauth_clients (client_id, hash_scheme, hash, description, scopes, tags, created_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                  {clientId, SecretHasher::Sha256, QString::fromLatin1(SecretHasher::sha256Hex(random.toLatin1())),
                   spec.description, list(spec.scopes), list(tags), time(now())},
                  &err))
            return err;
        if (!q.next())
            return Error::database(QStringLiteral("insert returned no id"));
        const qint64 id = q.value(0).toLongLong();
        q.finish();
        Result<OAuthRow> row = fetchOAuth(db, QStringLiteral("id"), id);
        if (!row.ok())
            return row.error();
        return CreatedOAuthClient{row->client, SecretMarker + clientId + QLatin1Char('-') + random};
    });
}

Result<QList<OAuthClient>> Store::listOAuthClients()
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<QList<OAuthClient>> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("SELECT id FROM oauth_clients ORDER BY id"), {}, &err))
            return err;
        QList<qint64> ids;
        while (q.next())
            ids << q.value(0).toLongLong();
        q.finish();
        QList<OAuthClient> out;
        for (qint64 id : ids) {
            Result<OAuthRow> r = fetchOAuth(db, QStringLiteral("id"), id);
            if (!r.ok())
                return r.error();
            out << r->client;
        }
        return out;
    });
}

Result<OAuthClient> Store::oauthClientById(qint64 id)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<OAuthClient> {
        Result<OAuthRow> r = fetchOAuth(db, QStringLiteral("id"), id);
        if (!r.ok())
            return r.error();
        return r->client;
    });
}

Result<OAuthClient> Store::oauthClientByClientId(const QString& clientId)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<OAuthClient> {
        Result<OAuthRow> r = fetchOAuth(db, QStringLiteral("client_id"), clientId);
        if (!r.ok())
            return r.error();
        return r->client;
    });
}

Result<void> Store::deleteOAuthClient(qint64 id)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        return execOnRow(db, QStringLiteral("DELETE FROM oauth_clients WHERE id = ?"), {id}, QStringLiteral("OAuth client not found"));
    });
}

Result<OAuthClient> Store::authenticateOAuthClient(const QString& secret)
{
    const auto invalid = [] { return Error::invalid(QStringLiteral("invalid client credentials")); };
    if (!secret.startsWith(SecretMarker))
        return invalid();
    const QStringList parts = secret.mid(SecretMarker.size()).split(QLatin1Char('-'));
    if (parts.size() != 2 || parts[0].isEmpty() || parts[1].isEmpty())
        return invalid();
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<OAuthClient> {
        Result<OAuthRow> row = fetchOAuth(db, QStringLiteral("client_id"), parts[0]);
        if (!row.ok())
            return row.error().kind == Error::NotFound ? invalid() : row.error();
        if (!SecretHasher::verify(row->scheme, row->hash, parts[1].toLatin1()))
            return invalid();
        return row->client;
    });
}

Result<void> Store::touchOAuthClient(qint64 id, const QDateTime& when)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        return execOnRow(db, QStringLiteral("UPDATE oauth_clients SET last_used = ? WHERE id = ?"), {time(when), id},
                         QStringLiteral("OAuth client not found"));
    });
}

} // namespace keel::store
