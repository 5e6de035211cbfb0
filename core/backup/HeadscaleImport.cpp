#include "backup/HeadscaleImport.h"

#include "auth/SecretKey.h"
#include "backup/HeadscaleImportRow.h"
#include "backup/HeadscaleImportValues.h"
#include "store/SqlValues.h"

#include <QAtomicInt>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUrl>
#include <QUrlQuery>

// HeadscaleImport: connection, schema detection, users, pre-auth keys, API keys, policies.
// Nodes and the old routes table are in HeadscaleImportNodes.cpp.

namespace keel::store {

namespace hv = HeadscaleImportValues;
using auth::SecretKey;

namespace {

QAtomicInt g_connectionNumber;

// Headscale's gormigrate ids, newest first, with the release that introduced each.
struct Milestone
{
    const char* id;
    const char* version;
};
const Milestone Milestones[] = {
    {"202602201200-clear-tagged-node-user-id", "0.29"},
    {"202511131445-node-forced-tags-to-tags", "0.28"},
    {"202511011637-preauthkey-bcrypt", "0.28"},
    {"202510311551", "0.27.1"},
    {"202507021200", "0.27"},
    {"202502131714", "0.26"},
    {"202501221827", "0.25"},
    {"202409271400", "0.24"},
    {"202312101416", "0.23"},
};

} // namespace

HeadscaleImport::~HeadscaleImport()
{
    m_db = QSqlDatabase();
    if (!m_connection.isEmpty())
        QSqlDatabase::removeDatabase(m_connection);
}

Result<DatabaseOptions> HeadscaleImport::postgresOptions(const QString& urlOrConninfo)
{
    DatabaseOptions o;
    o.type = QStringLiteral("postgres");
    const QString text = urlOrConninfo.trimmed();
    if (text.startsWith(QLatin1String("postgres://")) || text.startsWith(QLatin1String("postgresql://"))) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty())
            return Error::invalid(QStringLiteral("not a valid PostgreSQL URL"));
        o.pgHost = url.host();
        o.pgPort = url.port(5432);
        o.pgUser = url.userName(QUrl::FullyDecoded);
        o.pgPass = url.password(QUrl::FullyDecoded);
        o.pgName = url.path(QUrl::FullyDecoded).mid(1);
        o.pgSsl = QUrlQuery(url).queryItemValue(QStringLiteral("sslmode"));
    } else {
        // libpq key=value form; values with spaces must be single-quoted.
        static const QRegularExpression pair(QStringLiteral(R"((\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+))"));
        auto it = pair.globalMatch(text);
        if (!it.hasNext())
            return Error::invalid(QStringLiteral("expected a postgres:// URL or libpq \"host=... dbname=...\" text"));
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            QString value = m.captured(2);
            if (value.startsWith(QLatin1Char('\'')))
                value = value.mid(1, value.size() - 2).replace(QLatin1String("\\'"), QLatin1String("'"));
            const QString k = m.captured(1);
            if (k == QLatin1String("host"))
                o.pgHost = value;
            else if (k == QLatin1String("port"))
                o.pgPort = value.toInt();
            else if (k == QLatin1String("dbname"))
                o.pgName = value;
            else if (k == QLatin1String("user"))
                o.pgUser = value;
            else if (k == QLatin1String("password"))
                o.pgPass = value;
            else if (k == QLatin1String("sslmode"))
                o.pgSsl = value;
            else
                return Error::invalid(QStringLiteral("unsupported connection parameter \"%1\"").arg(k));
        }
    }
    if (o.pgName.isEmpty())
        return Error::invalid(QStringLiteral("the PostgreSQL connection names no database"));
    if (o.pgPort <= 0 || o.pgPort > 65535)
        return Error::invalid(QStringLiteral("invalid PostgreSQL port"));
    return o;
}

Result<void> HeadscaleImport::open(const DatabaseOptions& source)
{
    m_sqlite = source.type.startsWith(QLatin1String("sqlite"));
    m_connection = QStringLiteral("keel.headscale-import.%1").arg(g_connectionNumber.fetchAndAddRelaxed(1));
    if (m_sqlite) {
        if (!QFileInfo(source.sqlitePath).isFile())
            return Error::notFound(QStringLiteral("no Headscale database at %1").arg(source.sqlitePath));
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        m_db.setDatabaseName(source.sqlitePath);
        // Never change the operator's Headscale database, not even its journal mode.
        m_db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"));
    } else {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connection);
        m_db.setHostName(source.pgHost);
        m_db.setPort(source.pgPort);
        m_db.setDatabaseName(source.pgName);
        m_db.setUserName(source.pgUser);
        m_db.setPassword(source.pgPass);
        QString ssl = source.pgSsl;
        if (ssl == QLatin1String("true"))
            ssl = QStringLiteral("require");
        else if (ssl == QLatin1String("false"))
            ssl = QStringLiteral("disable");
        if (!ssl.isEmpty())
            m_db.setConnectOptions(QStringLiteral("sslmode=%1").arg(ssl));
    }
    if (!m_db.open())
        return Error::database(QStringLiteral("cannot open the Headscale database: %1").arg(m_db.lastError().text()));
    if (!m_sqlite) {
        // One snapshot for the whole read, even if Headscale is still running.
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")))
            return Error::database(q.lastError().text());
    }
    return {};
}

bool HeadscaleImport::hasTable(const QString& table)
{
    QSqlQuery q(m_db);
    q.prepare(m_sqlite ? QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
                       : QStringLiteral("SELECT count(*) FROM information_schema.tables "
                                        "WHERE table_schema = current_schema() AND table_name = ?"));
    q.addBindValue(table);
    return q.exec() && q.next() && q.value(0).toInt() > 0;
}

QSet<QString> HeadscaleImport::columns(const QString& table)
{
    QSqlQuery q(m_db);
    QSet<QString> out;
    if (!q.exec(QStringLiteral("SELECT * FROM %1 WHERE 1 = 0").arg(table)))
        return out;
    const QSqlRecord rec = q.record();
    for (int i = 0; i < rec.count(); ++i)
        out.insert(rec.fieldName(i).toLower());
    return out;
}

QString HeadscaleImport::detectVersion()
{
    if (hasTable(QStringLiteral("database_versions"))) {
        QSqlQuery q(m_db);
        if (q.exec(QStringLiteral("SELECT version FROM database_versions ORDER BY id DESC")) && q.next())
            return q.value(0).toString();
    }
    if (hasTable(QStringLiteral("migrations"))) {
        QSet<QString> ids;
        QSqlQuery q(m_db);
        if (q.exec(QStringLiteral("SELECT id FROM migrations")))
            while (q.next())
                ids.insert(q.value(0).toString());
        for (const Milestone& m : Milestones)
            if (ids.contains(QLatin1String(m.id)))
                return QStringLiteral("%1 (from its migrations)").arg(QLatin1String(m.version));
        return QStringLiteral("0.23 or later (unrecognised migrations)");
    }
    if (hasTable(QStringLiteral("machines")) || hasTable(QStringLiteral("namespaces")))
        return QStringLiteral("0.22 or earlier (no migrations table)");
    return QString();
}

Result<HeadscaleImport::Output> HeadscaleImport::read(const DatabaseOptions& source)
{
    HeadscaleImport hs;
    if (Result<void> r = hs.open(source); !r.ok())
        return r.error();
    hs.m_out.report.version = hs.detectVersion();
    const bool hasUsers = hs.hasTable(QStringLiteral("users")) || hs.hasTable(QStringLiteral("namespaces"));
    const bool hasNodes = hs.hasTable(QStringLiteral("nodes")) || hs.hasTable(QStringLiteral("machines"));
    if (hs.m_out.report.version.isEmpty() || !hasUsers || !hasNodes)
        return Error::invalid(QStringLiteral("this is not a Headscale database (no users/namespaces and nodes/machines tables)"));

    ExportDocument& doc = hs.m_out.document;
    doc.source = QStringLiteral("headscale %1").arg(hs.m_out.report.version);
    doc.exportedAt = SqlValues::now();
    for (auto step : {&HeadscaleImport::readUsers, &HeadscaleImport::readPreAuthKeys, &HeadscaleImport::readNodes,
                      &HeadscaleImport::readApiKeys, &HeadscaleImport::readPolicies})
        if (Result<void> r = (hs.*step)(); !r.ok())
            return r.error();

    HeadscaleImportReport& rep = hs.m_out.report;
    rep.imported.insert(QStringLiteral("users"), int(doc.users.size()));
    rep.imported.insert(QStringLiteral("pre-auth keys"), int(doc.preAuthKeys.size()));
    rep.imported.insert(QStringLiteral("nodes"), int(doc.nodes.size()));
    rep.imported.insert(QStringLiteral("API keys"), int(doc.apiKeys.size()));
    rep.imported.insert(QStringLiteral("policies"), int(doc.policies.size()));
    return std::move(hs.m_out);
}

// --- users

Result<void> HeadscaleImport::readUsers()
{
    const QString table = hasTable(QStringLiteral("users")) ? QStringLiteral("users") : QStringLiteral("namespaces");
    HeadscaleImportRow row(m_db);
    if (!row.select(table))
        return Error::database(row.error());
    QSet<QString> names;
    while (row.next()) {
        const qint64 id = row.integer("id");
        const QString name = row.text("name");
        const QString what = QStringLiteral("user %1 (%2)").arg(id).arg(name);
        if (row.has("deleted_at") && !row.isNull("deleted_at")) {
            skip(what, QStringLiteral("deleted in Headscale"));
            continue;
        }
        if (id <= 0 || name.trimmed().isEmpty()) {
            skip(what, QStringLiteral("no id or no name"));
            continue;
        }
        User u;
        u.id = id;
        u.name = name;
        // Headscale allows one name per identity provider; Keel user names are unique.
        if (names.contains(name)) {
            u.name = QStringLiteral("%1-%2").arg(name).arg(id);
            note(QStringLiteral("user %1: name \"%2\" is taken by another user; renamed to \"%3\"").arg(id).arg(name, u.name));
        }
        names.insert(u.name);
        u.displayName = row.text("display_name");
        u.email = row.text("email");
        u.providerId = row.text("provider_identifier");
        u.provider = row.text("provider");
        u.profilePicUrl = row.text("profile_pic_url");
        u.createdAt = hv::time(row.value("created_at")).value_or(m_out.document.exportedAt);
        u.updatedAt = hv::time(row.value("updated_at")).value_or(u.createdAt);
        m_out.document.users << u;
        m_userIds.insert(id);
    }
    return {};
}

// --- pre-auth keys

Result<void> HeadscaleImport::readPreAuthKeys()
{
    if (!hasTable(QStringLiteral("pre_auth_keys")))
        return {};
    // Headscale <= 0.23 kept a key's tags in their own table.
    QHash<qint64, QStringList> aclTags;
    if (hasTable(QStringLiteral("pre_auth_key_acl_tags"))) {
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("SELECT pre_auth_key_id, tag FROM pre_auth_key_acl_tags ORDER BY id")))
            return Error::database(q.lastError().text());
        while (q.next())
            aclTags[q.value(0).toLongLong()] << q.value(1).toString();
    }
    HeadscaleImportRow row(m_db);
    if (!row.select(QStringLiteral("pre_auth_keys")))
        return Error::database(row.error());
    while (row.next()) {
        const qint64 id = row.integer("id");
        const QString what = QStringLiteral("pre-auth key %1").arg(id);
        ExportedPreAuthKey k;
        k.key.id = id;
        const qint64 owner = row.integer(row.has("user_id") ? "user_id" : "namespace_id");
        if (owner > 0)
            k.key.userId = owner;
        std::optional<QStringList> tags = row.has("tags") ? hv::stringList(row.value("tags")) : aclTags.value(id);
        if (!tags) {
            note(QStringLiteral("%1: unreadable tags column; tags dropped").arg(what));
            tags = QStringList();
        }
        for (const QString& t : std::as_const(*tags)) {
            if (t.startsWith(QLatin1String("tag:")) && t.size() > 4)
                k.key.tags << t;
            else
                note(QStringLiteral("%1: tag \"%2\" does not begin with \"tag:\"; dropped").arg(what, t));
        }
        k.key.tags.sort();
        k.key.tags.removeDuplicates();
        if (k.key.userId && !m_userIds.contains(*k.key.userId)) {
            if (k.key.tags.isEmpty()) {
                skip(what, QStringLiteral("its user %1 was not imported").arg(*k.key.userId));
                continue;
            }
            k.key.userId.reset();
        }
        if (!k.key.userId && k.key.tags.isEmpty()) {
            skip(what, QStringLiteral("belongs to no user and carries no tags"));
            continue;
        }
        const QString prefix = row.text("prefix");
        const QByteArray hash = row.value("hash").toByteArray();
        if (!prefix.isEmpty()) {
            if (prefix.size() != SecretKey::PrefixLength || !SecretKey::isUrlSafe(prefix) || !hash.startsWith("$2")
                || hash.size() != 60) {
                skip(what, QStringLiteral("malformed prefix or bcrypt hash"));
                continue;
            }
            k.key.prefix = prefix;
            k.secret = StoredSecret{QStringLiteral("bcrypt"), hash};
        } else {
            const QString legacy = row.text("key");
            if (!SecretKey::parse(SecretKey::Kind::PreAuth, legacy)) {
                skip(what, QStringLiteral("its plaintext key is not a 48-hex Headscale key"));
                continue;
            }
            k.key.legacyKey = legacy;
            k.secret = StoredSecret{QStringLiteral("plain"), legacy.toLatin1()};
        }
        k.key.reusable = hv::boolean(row.value("reusable"));
        k.key.ephemeral = hv::boolean(row.value("ephemeral"));
        k.key.used = hv::boolean(row.value("used"));
        k.key.expiration = hv::time(row.value("expiration"));
        // Newer Headscale revokes keys instead of expiring them; a revoked key must stay unusable.
        if (const auto revoked = hv::time(row.value("revoked")); revoked && (!k.key.expiration || *revoked < *k.key.expiration)) {
            k.key.expiration = revoked;
            note(QStringLiteral("%1: revoked in Headscale; imported as expired at the revocation time").arg(what));
        }
        k.key.createdAt = hv::time(row.value("created_at")).value_or(m_out.document.exportedAt);
        m_out.document.preAuthKeys << k;
        m_keyEphemeral.insert(id, k.key.ephemeral);
    }
    return {};
}

// --- API keys

Result<void> HeadscaleImport::readApiKeys()
{
    if (!hasTable(QStringLiteral("api_keys")))
        return {};
    HeadscaleImportRow row(m_db);
    if (!row.select(QStringLiteral("api_keys")))
        return Error::database(row.error());
    QSet<QString> prefixes;
    while (row.next()) {
        ExportedApiKey k;
        k.key.id = row.integer("id");
        k.key.prefix = row.text("prefix");
        const QString what = QStringLiteral("API key %1 (%2)").arg(k.key.id).arg(k.key.prefix);
        const QByteArray hash = row.value("hash").toByteArray();
        if ((k.key.prefix.size() != SecretKey::PrefixLength && k.key.prefix.size() != SecretKey::LegacyApiPrefixLength)
            || !SecretKey::isUrlSafe(k.key.prefix) || prefixes.contains(k.key.prefix)) {
            skip(what, QStringLiteral("malformed or duplicate prefix"));
            continue;
        }
        if (!hash.startsWith("$2") || hash.size() != 60) {
            skip(what, QStringLiteral("its hash is not bcrypt"));
            continue;
        }
        prefixes.insert(k.key.prefix);
        k.secret = StoredSecret{QStringLiteral("bcrypt"), hash};
        k.key.expiration = hv::time(row.value("expiration"));
        k.key.lastSeen = hv::time(row.value("last_seen"));
        k.key.createdAt = hv::time(row.value("created_at")).value_or(m_out.document.exportedAt);
        m_out.document.apiKeys << k;
    }
    return {};
}

// --- policy (policy.mode: database)

Result<void> HeadscaleImport::readPolicies()
{
    if (!hasTable(QStringLiteral("policies")))
        return {};
    HeadscaleImportRow row(m_db);
    if (!row.select(QStringLiteral("policies")))
        return Error::database(row.error());
    while (row.next()) {
        const qint64 id = row.integer("id");
        if (row.has("deleted_at") && !row.isNull("deleted_at")) {
            skip(QStringLiteral("policy %1").arg(id), QStringLiteral("deleted in Headscale"));
            continue;
        }
        ExportedPolicy p;
        p.id = id;
        p.text = row.text("data");
        p.updatedAt = hv::time(row.value("updated_at"))
                          .value_or(hv::time(row.value("created_at")).value_or(m_out.document.exportedAt));
        m_out.document.policies << p;
    }
    return {};
}

} // namespace keel::store
