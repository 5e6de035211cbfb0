#include "store/Store.h"

#include "common/Log.h"
#include "store/Connection.h"
#include "store/Migrations.h"
#include "store/Rows.h"
#include "store/SelectRows.h"
#include "store/SqlValues.h"
#include "store/StoreTx.h"

#include <QFileInfo>
#include <QDir>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

// Store's implementation is split by table: this file (opening, users, policy, server state),
// StoreNodes.cpp and StoreKeys.cpp.

namespace keel::store {

using namespace SqlValues;
using namespace rows;

namespace {

Result<User> fetchUser(QSqlDatabase& db, const QString& where, const QVariant& value)
{
    return selectRow(db, QStringLiteral("SELECT %1 FROM users WHERE %2 = ?").arg(UserColumns, where), {value},
                     QStringLiteral("user not found"), readUser);
}

Result<User> checkUserName(const QString& name)
{
    if (name.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("user name must not be empty"));
    return User{};
}

} // namespace

Store::Store(const DatabaseOptions& options)
    : m_conn(std::make_unique<Connection>(options))
{
}

Store::~Store()
{
    m_checkpointTimer.reset();
    m_conn.reset();
}

Connection& Store::conn()
{
    return *m_conn;
}

std::unique_ptr<Store> Store::open(const DatabaseOptions& options, QString* error)
{
    const QString type = options.type.toLower();
    if (type != QLatin1String("sqlite") && type != QLatin1String("sqlite3") && type != QLatin1String("postgres")
        && type != QLatin1String("postgresql")) {
        if (error)
            *error = QStringLiteral("unknown database.type \"%1\" (sqlite or postgres)").arg(options.type);
        return nullptr;
    }
    DatabaseOptions opts = options;
    opts.type = type.startsWith(QLatin1String("sqlite")) ? QStringLiteral("sqlite") : QStringLiteral("postgres");
    if (opts.type == QLatin1String("sqlite")) {
        if (opts.sqlitePath.isEmpty()) {
            if (error)
                *error = QStringLiteral("database.sqlite.path is not set");
            return nullptr;
        }
        const QFileInfo fi(opts.sqlitePath);
        if (!QDir().mkpath(fi.absolutePath())) {
            if (error)
                *error = QStringLiteral("cannot create the directory of %1").arg(opts.sqlitePath);
            return nullptr;
        }
    }

    std::unique_ptr<Store> store(new Store(opts));
    QString err;
    QSqlDatabase db = store->m_conn->database(&err);
    if (!db.isOpen()) {
        if (error)
            *error = err;
        return nullptr;
    }
    if (!Migrations::migrate(db, store->m_conn->isSqlite(), &err)) {
        if (error)
            *error = err;
        return nullptr;
    }
    if (store->m_conn->isSqlite() && opts.sqliteWal && opts.checkpointIntervalSecs > 0) {
        // wal_autocheckpoint only runs on commit; a quiet server would keep a large WAL forever.
        store->m_checkpointTimer = std::make_unique<QTimer>();
        store->m_checkpointTimer->setInterval(opts.checkpointIntervalSecs * 1000);
        Store* self = store.get();
        store->m_checkpointTimer->callOnTimeout([self] {
            const Result<void> r = self->checkpoint();
            if (!r.ok())
                qCWarning(lcStore).noquote() << "checkpoint failed:" << r.error().message;
        });
        store->m_checkpointTimer->start();
    }
    qCInfo(lcStore).noquote() << "database open:" << opts.type << "schema version" << Migrations::latest();
    return store;
}

int Store::latestSchemaVersion()
{
    return Migrations::latest();
}

int Store::schemaVersion()
{
    QSqlDatabase db = m_conn->database();
    return Migrations::currentVersion(db, m_conn->isSqlite(), nullptr);
}

QString Store::backend() const
{
    return m_conn->options().type;
}

bool Store::ping()
{
    QSqlDatabase db = m_conn->database();
    if (db.isOpen()) {
        QSqlQuery q(db);
        if (q.exec(QStringLiteral("SELECT 1")) && q.next())
            return true;
    }
    if (m_conn->isSqlite())
        return false;
    // PostgreSQL may be back after an outage: a new connection, as inTransaction does.
    db = m_conn->reopen();
    QSqlQuery q(db);
    return db.isOpen() && q.exec(QStringLiteral("SELECT 1")) && q.next();
}

QSqlDatabase Store::database()
{
    return m_conn->database();
}

void Store::releaseThreadConnection()
{
    m_conn->releaseThread();
}

Result<void> Store::checkpoint()
{
    if (!m_conn->isSqlite())
        return {};
    QSqlDatabase db = m_conn->database();
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")))
        return Error::database(q.lastError().text());
    return {};
}

Result<void> Store::atomically(const std::function<Result<void>()>& steps)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase&) { return steps(); });
}

// --- users

Result<User> Store::createUser(const User& user)
{
    if (auto c = checkUserName(user.name); !c.ok())
        return c.error();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<User> {
        const Result<User> existing = fetchUser(db, QStringLiteral("name"), user.name);
        if (existing.ok())
            return Error::conflict(QStringLiteral("user \"%1\" already exists").arg(user.name));
        if (existing.error().kind != Error::NotFound)
            return existing.error();   // a failed lookup is not "no such user"
        const QDateTime t = now();
        QSqlQuery q(db);
        Error err;
        if (!exec(q,
                  QStringLiteral("INSERT INTO users (name, display_name, email, provider_id, provider, "
                                 "profile_pic_url, created_at, updated_at, provider_groups) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                 "RETURNING id"),
                  {user.name, user.displayName, user.email, nullIfEmpty(user.providerId), user.provider,
                   user.profilePicUrl, time(t), time(t), list(user.providerGroups)},
                  &err))
            return err;
        if (!q.next())
            return Error::database(QStringLiteral("insert returned no id"));
        const qint64 id = q.value(0).toLongLong();
        q.finish();
        return fetchUser(db, QStringLiteral("id"), id);
    });
}

Result<QList<User>> Store::listUsers(const UserFilter& filter)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<QList<User>> {
        QStringList where;
        QVariantList values;
        if (filter.id > 0) {
            where << QStringLiteral("id = ?");
            values << QVariant::fromValue<qint64>(filter.id);
        }
        if (!filter.name.isEmpty()) {
            where << QStringLiteral("name = ?");
            values << filter.name;
        }
        if (!filter.email.isEmpty()) {
            where << QStringLiteral("email = ?");
            values << filter.email;
        }
        QString sql = QStringLiteral("SELECT %1 FROM users").arg(UserColumns);
        if (!where.isEmpty())
            sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
        sql += QStringLiteral(" ORDER BY id");
        return selectRows(db, sql, values, readUser);
    });
}

Result<User> Store::userById(qint64 id)
{
    return inTransaction(conn(), Transaction::Read,
                         [&](QSqlDatabase& db) { return fetchUser(db, QStringLiteral("id"), id); });
}

Result<User> Store::userByName(const QString& name)
{
    return inTransaction(conn(), Transaction::Read,
                         [&](QSqlDatabase& db) { return fetchUser(db, QStringLiteral("name"), name); });
}

Result<User> Store::userByProviderId(const QString& providerId)
{
    if (providerId.isEmpty())
        return Error::notFound(QStringLiteral("user not found"));
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) {
        return fetchUser(db, QStringLiteral("provider_id"), providerId);
    });
}

Result<User> Store::renameUser(qint64 id, const QString& newName)
{
    if (auto c = checkUserName(newName); !c.ok())
        return c.error();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<User> {
        Result<User> existing = fetchUser(db, QStringLiteral("id"), id);
        if (!existing.ok())
            return existing;
        Result<User> other = fetchUser(db, QStringLiteral("name"), newName);
        if (other.ok() && other->id != id)
            return Error::conflict(QStringLiteral("user \"%1\" already exists").arg(newName));
        if (!other.ok() && other.error().kind != Error::NotFound)
            return other.error();
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("UPDATE users SET name = ?, updated_at = ? WHERE id = ?"),
                  {newName, time(now()), id}, &err))
            return err;
        return fetchUser(db, QStringLiteral("id"), id);
    });
}

Result<User> Store::updateUser(const User& user)
{
    if (auto c = checkUserName(user.name); !c.ok())
        return c.error();
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<User> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q,
                  QStringLiteral("UPDATE users SET name = ?, display_name = ?, email = ?, provider_id = ?, "
                                 "provider = ?, profile_pic_url = ?, updated_at = ?, provider_groups = ? WHERE id = ?"),
                  {user.name, user.displayName, user.email, nullIfEmpty(user.providerId), user.provider,
                   user.profilePicUrl, time(now()), list(user.providerGroups), user.id},
                  &err))
            return err;
        if (q.numRowsAffected() == 0)
            return Error::notFound(QStringLiteral("user not found"));
        return fetchUser(db, QStringLiteral("id"), user.id);
    });
}

Result<void> Store::deleteUser(qint64 id)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        Result<User> u = fetchUser(db, QStringLiteral("id"), id);
        if (!u.ok())
            return u.error();
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("SELECT count(*) FROM nodes WHERE user_id = ?"), {id}, &err))
            return err;
        if (q.next() && q.value(0).toLongLong() > 0)
            return Error::conflict(QStringLiteral("user \"%1\" still has nodes").arg(u->name));
        q.finish();
        // Headscale deletes the user's pre-auth keys with the user.
        if (!exec(q, QStringLiteral("DELETE FROM pre_auth_keys WHERE user_id = ?"), {id}, &err))
            return err;
        if (!exec(q, QStringLiteral("DELETE FROM users WHERE id = ?"), {id}, &err))
            return err;
        return {};
    });
}

// --- policy

namespace {

const char* const PolicySelect = "SELECT p.id, p.data, p.updated_at, h.actor, h.note FROM policies p"
                                 " LEFT JOIN policy_history h ON h.policy_id = p.id ";

PolicyRecord policyRow(const QSqlQuery& q)
{
    return PolicyRecord{q.value(1).toString(), toTime(q.value(2)), q.value(0).toLongLong(), q.value(3).toString(),
                        q.value(4).toString()};
}

} // namespace

Result<std::optional<PolicyRecord>> Store::policy()
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<std::optional<PolicyRecord>> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QLatin1String(PolicySelect) + QStringLiteral("ORDER BY p.id DESC LIMIT 1"), {}, &err))
            return err;
        if (!q.next())
            return std::optional<PolicyRecord>();
        return std::optional<PolicyRecord>(policyRow(q));
    });
}

Result<QList<PolicyRecord>> Store::policyHistory(int limit)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<QList<PolicyRecord>> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QLatin1String(PolicySelect) + QStringLiteral("ORDER BY p.id DESC LIMIT ?"), {qMax(1, limit)}, &err))
            return err;
        QList<PolicyRecord> out;
        while (q.next())
            out << policyRow(q);
        return out;
    });
}

Result<PolicyRecord> Store::policyById(qint64 id)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<PolicyRecord> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QLatin1String(PolicySelect) + QStringLiteral("WHERE p.id = ?"), {id}, &err))
            return err;
        if (!q.next())
            return Error::notFound(QStringLiteral("no policy with id %1 in the history").arg(id));
        return policyRow(q);
    });
}

Result<PolicyRecord> Store::setPolicy(const QString& text, const QString& actor, const QString& note)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<PolicyRecord> {
        PolicyRecord rec{text, now(), 0, actor, note};
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("INSERT INTO policies (data, updated_at) VALUES (?, ?) RETURNING id"),
                  {rec.text, time(rec.updatedAt)}, &err))
            return err;
        if (!q.next())
            return Error::database(QStringLiteral("the new policy has no id"));
        rec.id = q.value(0).toLongLong();
        if (!actor.isEmpty() || !note.isEmpty()) {
            QSqlQuery h(db);
            if (!exec(h, QStringLiteral("INSERT INTO policy_history (policy_id, actor, note) VALUES (?, ?, ?)"),
                      {rec.id, actor, note}, &err))
                return err;
        }
        return rec;
    });
}

// --- server state

Result<std::optional<QByteArray>> Store::stateValue(const QString& key)
{
    return inTransaction(conn(), Transaction::Read, [&](QSqlDatabase& db) -> Result<std::optional<QByteArray>> {
        QSqlQuery q(db);
        Error err;
        if (!exec(q, QStringLiteral("SELECT value FROM server_state WHERE key = ?"), {key}, &err))
            return err;
        if (!q.next())
            return std::optional<QByteArray>();
        return std::optional<QByteArray>(QByteArray::fromBase64(q.value(0).toString().toLatin1()));
    });
}

Result<void> Store::setStateValue(const QString& key, const QByteArray& value)
{
    return inTransaction(conn(), Transaction::Write, [&](QSqlDatabase& db) -> Result<void> {
        QSqlQuery q(db);
        Error err;
        // INSERT ... ON CONFLICT DO UPDATE is understood by SQLite >= 3.24 and PostgreSQL >= 9.5.
        if (!exec(q,
                  QStringLiteral("INSERT INTO server_state (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                  {key, QString::fromLatin1(value.toBase64())}, &err))
            return err;
        return {};
    });
}

} // namespace keel::store
