#include "store/Store.h"

#include "auth/SecretHasher.h"
#include "store/Rows.h"
#include "store/SelectRows.h"
#include "store/SqlValues.h"
#include "store/StoreTx.h"

#include <QRandomGenerator>
#include <QSqlQuery>

// Store: OAuth clients of the Tailscale-compatible API. The secret is stored only as its SHA-256
// (384 random bits, as for API keys: see SecretHasher); the full secret exists only in the create
// call's result.

namespace keel::store {

using namespace SqlValues;
using namespace rows;
using auth::SecretHasher;

namespace {

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

Result<OAuthRow> fetchOAuth(QSqlDatabase& db, const QString& column, const QVariant& value)
{
    return selectRow(db, QStringLiteral("SELECT %1 FROM oauth_clients WHERE %2 = ?").arg(OAuthColumns, column),
                     {value}, QStringLiteral("OAuth client not found"), readOAuth);
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
        const Result<qint64> id = insertReturningId(
            db,
            QStringLiteral("INSERT INTO oauth_clients (client_id, hash_scheme, hash, description, scopes, tags, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            {clientId, SecretHasher::Sha256, QString::fromLatin1(SecretHasher::sha256Hex(random.toLatin1())),
             spec.description, list(spec.scopes), list(tags), time(now())});
        if (!id.ok())
            return id.error();
        Result<OAuthRow> row = fetchOAuth(db, QStringLiteral("id"), *id);
        if (!row.ok())
            return row.error();
        return CreatedOAuthClient{row->record, SecretMarker + clientId + QLatin1Char('-') + random};
    });
}

Result<QList<OAuthClient>> Store::listOAuthClients()
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) {
        return selectRows(db, QStringLiteral("SELECT %1 FROM oauth_clients ORDER BY id").arg(OAuthColumns), {},
                          [](const QSqlQuery& q) { return readOAuth(q).record; });
    });
}

Result<OAuthClient> Store::oauthClientById(qint64 id)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<OAuthClient> {
        Result<OAuthRow> r = fetchOAuth(db, QStringLiteral("id"), id);
        if (!r.ok())
            return r.error();
        return r->record;
    });
}

Result<OAuthClient> Store::oauthClientByClientId(const QString& clientId)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<OAuthClient> {
        Result<OAuthRow> r = fetchOAuth(db, QStringLiteral("client_id"), clientId);
        if (!r.ok())
            return r.error();
        return r->record;
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
        return row->record;
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
