// Backup and restore: `keel export` / `keel import` through Exporter, ExportJson and Importer.
// Every test runs on SQLite and PostgreSQL (the postgres rows need scripts/test-postgres.sh).

#include "TempDatabase.h"

#include "common/Clock.h"
#include "common/MockClock.h"
#include "backup/ExportJson.h"
#include "backup/Exporter.h"
#include "backup/Importer.h"
#include "store/Store.h"

#include <QSqlQuery>
#include <QtTest>

using namespace keel::store;
using keel::test::TempDatabase;

namespace {

#define CHECK_OK(r) QVERIFY2((r).ok(), qPrintable((r).ok() ? QString() : (r).error().message))

struct Db
{
    explicit Db(const QString& backend) : tmp(backend) {}
    bool open(QString* error)
    {
        store = Store::open(tmp.options(), error);
        return store != nullptr;
    }
    TempDatabase tmp;
    std::unique_ptr<Store> store;
};

#define OPEN_DB(d, backend)                                                                                   \
    Db d(backend);                                                                                            \
    KEEL_REQUIRE_DATABASE(d.tmp);                                                                             \
    do {                                                                                                      \
        QString openError;                                                                                    \
        QVERIFY2(d.open(&openError), qPrintable(openError));                                                  \
    } while (false)

QString hex64(int n)
{
    return QStringLiteral("%1").arg(n, 64, 16, QLatin1Char('0'));
}

// Rows in every table of the store, to prove that a refused import wrote nothing.
qint64 rowCount(Store& s)
{
    qint64 total = 0;
    for (const char* t : {"users", "pre_auth_keys", "nodes", "api_keys", "policies", "server_state"}) {
        QSqlQuery q(s.database());
        if (q.exec(QStringLiteral("SELECT count(*) FROM ") + QLatin1String(t)) && q.next())
            total += q.value(0).toLongLong();
    }
    return total;
}

// The key texts a populated database accepts, to check that they still work after a restore.
struct Secrets
{
    QString preAuthKey;
    QString legacyKey;
    QString bcryptPreAuthKey;
    QString apiKey;
    QString oauthSecret;
};

// One of everything, with every optional field both set and unset somewhere, and a gap in the ids.
Secrets populate(Store& s)
{
    Secrets out;
    const auto alice = s.createUser(User{.name = QStringLiteral("alice"), .displayName = QStringLiteral("Alice A."),
                                         .email = QStringLiteral("alice@example.com")});
    const auto gone = s.createUser(User{.name = QStringLiteral("gone")});
    const auto bob = s.createUser(User{.name = QStringLiteral("bob"), .email = QStringLiteral("bob@example.com"),
                                       .providerId = QStringLiteral("https://idp.example.com/bob"),
                                       .provider = QStringLiteral("oidc"),
                                       .profilePicUrl = QStringLiteral("https://idp.example.com/bob.png")});
    (void)s.deleteUser(gone->id);

    const auto pak = s.createPreAuthKey(NewPreAuthKey{.userId = alice->id, .reusable = true,
                                                      .expiration = keel::Clock::now().addDays(30)});
    out.preAuthKey = pak->fullKey;
    const auto tagged = s.createPreAuthKey(
        NewPreAuthKey{.userId = bob->id, .ephemeral = true, .tags = {QStringLiteral("tag:server"), QStringLiteral("tag:a")},
                      .preApproved = true});
    out.legacyKey = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef");
    PreAuthKey legacy;
    legacy.userId = bob->id;
    legacy.used = true;
    legacy.reusable = true;
    (void)s.importPreAuthKey(legacy, StoredSecret{QStringLiteral("plain"), out.legacyKey.toLatin1()});
    // bcrypt cost 10 of the 64-character secret below (a Headscale >= 0.28 key).
    out.bcryptPreAuthKey = QStringLiteral("hskey-auth-HsPrefix0001-"
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
    PreAuthKey modern;
    modern.prefix = QStringLiteral("HsPrefix0001");
    modern.userId = alice->id;
    (void)s.importPreAuthKey(modern, StoredSecret{QStringLiteral("bcrypt"),
                                                  "$2a$10$avtVOgtd.TdHEF3lIgePBuOFc/M38ngNrcpoQ5npMQ3SeYKqPi32S"});

    Node n;
    n.machineKey = QStringLiteral("mkey:") + hex64(1);
    n.nodeKey = QStringLiteral("nodekey:") + hex64(1);
    n.discoKey = QStringLiteral("discokey:") + hex64(1);
    n.nlKey = QStringLiteral("nlpub:") + hex64(1);
    n.ipv4 = QStringLiteral("100.64.0.1");
    n.ipv6 = QStringLiteral("fd7a:115c:a1e0::1");
    n.hostname = QStringLiteral("Laptop");
    n.givenName = QStringLiteral("laptop");
    n.userId = alice->id;
    n.hostinfoJson = R"({"Hostname":"Laptop","RoutableIPs":["10.0.0.0/24"],"OS":"linux"})";
    n.endpoints = {QStringLiteral("192.0.2.1:41641"), QStringLiteral("[2001:db8::1]:41641")};
    n.announcedRoutes = {QStringLiteral("10.0.0.0/24")};
    n.approvedRoutes = {QStringLiteral("10.0.0.0/24")};
    n.expiry = keel::Clock::now().addDays(180);
    n.registerMethod = QStringLiteral("authkey");
    n.authKeyId = pak->key.id;
    const auto laptop = s.createNode(n);
    (void)s.touchLastSeen(laptop->id, keel::Clock::now());

    Node t;
    t.machineKey = QStringLiteral("mkey:") + hex64(2);
    t.nodeKey = QStringLiteral("nodekey:") + hex64(2);
    t.ipv4 = QStringLiteral("100.64.0.2");
    t.hostname = QStringLiteral("server");
    t.givenName = QStringLiteral("server");
    t.tags = {QStringLiteral("tag:server")};
    t.ephemeral = true;
    t.authorized = false; // waiting for device approval
    t.registerMethod = QStringLiteral("authkey");
    t.authKeyId = tagged->key.id;
    (void)s.createNode(t);

    const auto api = s.createApiKey(keel::Clock::now().addDays(90));
    out.apiKey = api->fullKey;
    (void)s.touchApiKey(api->key.id, keel::Clock::now());
    ApiKey legacyApi;
    legacyApi.prefix = QStringLiteral("abcdefg");
    (void)s.importApiKey(legacyApi, StoredSecret{QStringLiteral("bcrypt"),
                                                 "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"});

    const auto client = s.createOAuthClient(NewOAuthClient{.description = QStringLiteral("terraform"),
                                                           .scopes = {QStringLiteral("devices:core")},
                                                           .tags = {QStringLiteral("tag:ci")}});
    out.oauthSecret = client->secret;
    (void)s.touchOAuthClient(client->client.id, keel::Clock::now());

    (void)s.setPolicy(QStringLiteral("{\"acls\": []}")); // author unknown, as before schema 6
    (void)s.setPolicy(QStringLiteral("// current\n{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}"),
                      QStringLiteral("apikey:abc"), QStringLiteral("rollback to 1"));
    (void)s.setStateValue(QStringLiteral("ipv4.cursor"), "100.64.0.2");
    (void)s.setStateValue(QStringLiteral("binary"), QByteArray("\x00\x01\xff", 3));
    (void)s.appendAudit(AuditEntry{0, keel::Clock::now(), QStringLiteral("unix:0"), QStringLiteral("user.create"),
                                   QStringLiteral("user:alice"), {}});
    (void)s.appendAudit(AuditEntry{0, keel::Clock::now(), QStringLiteral("preauthkey:1"), QStringLiteral("node.register"),
                                   QStringLiteral("node:1"), QStringLiteral("laptop")});
    return out;
}

// The document's JSON with the export time blanked: two exports of equal databases are equal.
QByteArray comparable(ExportDocument doc)
{
    doc.exportedAt = QDateTime();
    return ExportJson::serialize(doc);
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

    std::shared_ptr<keel::MockClock> m_clock;

    void backends()
    {
        QTest::addColumn<QString>("backend");
        for (const QString& b : TempDatabase::backends())
            QTest::newRow(qPrintable(b)) << b;
    }

private slots:
    void init()
    {
        m_clock = std::make_shared<keel::MockClock>(QDateTime(QDate(2026, 3, 1), QTime(12, 0, 0, 123), Qt::UTC));
        keel::Clock::install(m_clock);
    }
    void cleanup() { keel::Clock::reset(); }

    // export -> JSON -> import into a fresh database -> export again gives the same document, and
    // the restored database accepts the same keys and continues numbering after the imported ids.
    void roundTrip_data() { backends(); }
    void roundTrip()
    {
        QFETCH(QString, backend);
        OPEN_DB(src, backend);
        const Secrets secrets = populate(*src.store);

        Exporter exporter(*src.store);
        QStringList progressTables;
        exporter.setProgress([&](const QString& table, qint64, qint64) { progressTables << table; });
        const auto exported = exporter.read();
        CHECK_OK(exported);
        QCOMPARE(exported->users.size(), 2);
        QCOMPARE(exported->preAuthKeys.size(), 4);
        QCOMPARE(exported->nodes.size(), 2);
        QCOMPARE(exported->apiKeys.size(), 2);
        QCOMPARE(exported->oauthClients.size(), 1);
        QCOMPARE(exported->policies.size(), 2);
        QCOMPARE(exported->state.size(), 2);
        QCOMPARE(exported->auditLog.size(), 2);
        QVERIFY(progressTables.contains(QStringLiteral("nodes")));
        QVERIFY(progressTables.contains(QStringLiteral("audit_log")));
        const QByteArray json = ExportJson::serialize(*exported);
        // Hashes only: the full key texts never appear in an export.
        QVERIFY(!json.contains(secrets.preAuthKey.toLatin1()));
        QVERIFY(!json.contains(secrets.apiKey.toLatin1()));
        QVERIFY(!json.contains(secrets.apiKey.section(QLatin1Char('-'), 3).toLatin1()));
        QVERIFY(!json.contains(secrets.oauthSecret.section(QLatin1Char('-'), 3).toLatin1()));

        const auto parsed = ExportJson::parse(json);
        CHECK_OK(parsed);
        QCOMPARE(comparable(*parsed), comparable(*exported));

        m_clock->advance(3600 * 1000); // the import must not stamp new times
        OPEN_DB(dst, backend);
        Importer importer(*dst.store);
        CHECK_OK(importer.write(*parsed));
        const auto again = Exporter(*dst.store).read();
        CHECK_OK(again);
        QCOMPARE(comparable(*again), comparable(*exported));

        // Records read back through the Store API are the same, field for field.
        const auto nodesA = src.store->listNodes();
        const auto nodesB = dst.store->listNodes();
        CHECK_OK(nodesB);
        QCOMPARE(nodesB->size(), nodesA->size());
        for (qsizetype i = 0; i < nodesA->size(); ++i) {
            const Node& a = nodesA->at(i);
            const Node& b = nodesB->at(i);
            QCOMPARE(b.id, a.id);
            QCOMPARE(b.nodeKey, a.nodeKey);
            QCOMPARE(b.ipv4, a.ipv4);
            QCOMPARE(b.ipv6, a.ipv6);
            QCOMPARE(b.userId, a.userId);
            QCOMPARE(b.tags, a.tags);
            QCOMPARE(b.hostinfoJson, a.hostinfoJson);
            QCOMPARE(b.expiry, a.expiry);
            QCOMPARE(b.lastSeen, a.lastSeen);
            QCOMPARE(b.authKeyId, a.authKeyId);
            QCOMPARE(b.ephemeral, a.ephemeral);
            QCOMPARE(b.authorized, a.authorized);
            QCOMPARE(b.createdAt, a.createdAt);
            QCOMPARE(b.updatedAt, a.updatedAt);
        }
        QVERIFY(!nodesB->at(1).authorized);
        const auto keysB = dst.store->listPreAuthKeys();
        CHECK_OK(keysB);
        QCOMPARE(std::count_if(keysB->cbegin(), keysB->cend(), [](const PreAuthKey& k) { return k.preApproved; }), 1);
        const auto auditB = dst.store->listAudit(AuditFilter{});
        CHECK_OK(auditB);
        QCOMPARE(auditB->size(), 2);
        QVERIFY(std::any_of(auditB->cbegin(), auditB->cend(), [](const AuditEntry& e) {
            return e.action == QLatin1String("node.register") && e.target == QLatin1String("node:1") && e.detail == QLatin1String("laptop");
        }));
        QCOMPARE(dst.store->policy()->value().text, src.store->policy()->value().text);
        // The policy history keeps its authors, and an unknown one stays unknown.
        const auto historyB = dst.store->policyHistory();
        CHECK_OK(historyB);
        QCOMPARE(historyB->size(), 2);
        QCOMPARE(historyB->at(0).actor, QStringLiteral("apikey:abc"));
        QCOMPARE(historyB->at(0).note, QStringLiteral("rollback to 1"));
        QCOMPARE(historyB->at(1).actor, QString());
        // OAuth clients come back with their scopes, tags and last use, and their secret works.
        const auto clientB = dst.store->authenticateOAuthClient(secrets.oauthSecret);
        CHECK_OK(clientB);
        QCOMPARE(clientB->scopes, QStringList{QStringLiteral("devices:core")});
        QCOMPARE(clientB->tags, QStringList{QStringLiteral("tag:ci")});
        QVERIFY(clientB->lastUsed.has_value());
        QCOMPARE(dst.store->stateValue(QStringLiteral("binary"))->value(), QByteArray("\x00\x01\xff", 3));

        // Every kind of stored secret still validates after the restore.
        CHECK_OK(dst.store->validatePreAuthKey(secrets.preAuthKey));
        CHECK_OK(dst.store->validatePreAuthKey(secrets.bcryptPreAuthKey));
        QCOMPARE(dst.store->validatePreAuthKey(secrets.legacyKey).ok(), true); // used, but reusable
        CHECK_OK(dst.store->authenticateApiKey(secrets.apiKey));

        // New rows are numbered after the imported ones (PostgreSQL identity sequences moved on).
        const auto carol = dst.store->createUser(User{.name = QStringLiteral("carol")});
        CHECK_OK(carol);
        QVERIFY(carol->id > exported->users.last().id);
        const auto key = dst.store->createApiKey(std::nullopt);
        CHECK_OK(key);
        QVERIFY(key->key.id > exported->apiKeys.last().key.id);
        const auto client = dst.store->createOAuthClient(NewOAuthClient{});
        CHECK_OK(client);
        QVERIFY(client->client.id > exported->oauthClients.last().client.id);
        CHECK_OK(dst.store->setPolicy(QStringLiteral("{}")));
        QCOMPARE(dst.store->policy()->value().text, QStringLiteral("{}"));
    }

    // An export written before device approval and the audit log (no "authorized", "preApproved",
    // "auditLog") still reads: its nodes were all in, its keys not pre-approved.
    void olderExportDefaults()
    {
        OPEN_DB(src, QStringLiteral("sqlite"));
        (void)populate(*src.store);
        const auto exported = Exporter(*src.store).read();
        CHECK_OK(exported);
        QJsonObject root = QJsonDocument::fromJson(ExportJson::serialize(*exported)).object();
        root.remove(QStringLiteral("auditLog"));
        root.remove(QStringLiteral("oauthClients"));
        const auto strip = [&root](const QString& table, const QString& key) {
            QJsonArray rows = root.value(table).toArray();
            for (qsizetype i = 0; i < rows.size(); ++i) {
                QJsonObject o = rows.at(i).toObject();
                o.remove(key);
                rows[i] = o;
            }
            root.insert(table, rows);
        };
        strip(QStringLiteral("nodes"), QStringLiteral("authorized"));
        strip(QStringLiteral("preAuthKeys"), QStringLiteral("preApproved"));
        strip(QStringLiteral("policies"), QStringLiteral("actor"));
        strip(QStringLiteral("policies"), QStringLiteral("note"));
        const auto parsed = ExportJson::parse(QJsonDocument(root).toJson());
        CHECK_OK(parsed);
        QVERIFY(parsed->auditLog.isEmpty());
        QVERIFY(parsed->oauthClients.isEmpty());
        for (const ExportedPolicy& p : parsed->policies)
            QVERIFY(p.actor.isEmpty() && p.note.isEmpty());
        for (const Node& n : parsed->nodes)
            QVERIFY(n.authorized);
        for (const ExportedPreAuthKey& k : parsed->preAuthKeys)
            QVERIFY(!k.key.preApproved);
    }

    // Across backends: a SQLite backup restores into PostgreSQL and back.
    void crossBackend()
    {
        OPEN_DB(sqlite, QStringLiteral("sqlite"));
        OPEN_DB(pg, QStringLiteral("postgres"));
        populate(*sqlite.store);
        const auto doc = Exporter(*sqlite.store).read();
        CHECK_OK(doc);
        CHECK_OK(Importer(*pg.store).write(*ExportJson::parse(ExportJson::serialize(*doc))));
        const auto back = Exporter(*pg.store).read();
        CHECK_OK(back);
        QCOMPARE(comparable(*back), comparable(*doc));
    }

    void refusesNonEmptyDatabase_data() { backends(); }
    void refusesNonEmptyDatabase()
    {
        QFETCH(QString, backend);
        OPEN_DB(src, backend);
        populate(*src.store);
        const auto doc = Exporter(*src.store).read();
        CHECK_OK(doc);

        OPEN_DB(dst, backend);
        CHECK_OK(dst.store->setStateValue(QStringLiteral("only"), "one row"));
        Importer importer(*dst.store);
        QCOMPARE(importer.checkEmpty().error().kind, Error::Conflict);
        const Result<void> r = importer.write(*doc);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Conflict);
        QVERIFY2(r.error().message.contains(QLatin1String("not empty")), qPrintable(r.error().message));
        QCOMPARE(rowCount(*dst.store), 1);

        // Importing the same backup twice is refused the same way.
        OPEN_DB(fresh, backend);
        CHECK_OK(Importer(*fresh.store).write(*doc));
        const qint64 rows = rowCount(*fresh.store);
        QCOMPARE(Importer(*fresh.store).write(*doc).error().kind, Error::Conflict);
        QCOMPARE(rowCount(*fresh.store), rows);
    }

    // Untrusted input: each document is refused by the parser with a message naming the problem.
    void rejectsHostileJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        const QByteArray head = R"({"format":"keel-export","formatVersion":1,"schemaVersion":2,)";
        const QByteArray withUsers = head + R"("users":[],)";
        const QByteArray allEmpty = withUsers + R"("preAuthKeys":[],"nodes":[],"apiKeys":[],"policies":[],)";
        QTest::newRow("empty") << QByteArray() << "not valid JSON";
        QTest::newRow("garbage") << QByteArray("\x00\xff{{{", 5) << "not valid JSON";
        QTest::newRow("truncated") << head + R"("users":[{"id":1,)" << "not valid JSON";
        QTest::newRow("array root") << QByteArray("[1,2,3]") << "not a JSON object";
        QTest::newRow("other format") << QByteArray(R"({"format":"headscale","formatVersion":1})") << "not a Keel export";
        QTest::newRow("future version") << QByteArray(R"({"format":"keel-export","formatVersion":99})")
                                        << "unsupported export format version 99";
        QTest::newRow("deep nesting") << QByteArray(100000, '[') << "not valid JSON";
        QTest::newRow("users not array") << head + R"("users":{}})" << "users: expected an array";
        QTest::newRow("user not object") << head + R"("users":[7]})" << "users[0]: expected an object";
        QTest::newRow("id string") << head + R"("users":[{"id":"1"}]})" << "users[0].id: expected a positive integer";
        QTest::newRow("id negative") << head + R"("users":[{"id":-4}]})" << "users[0].id: expected a positive integer";
        QTest::newRow("id fraction") << head + R"("users":[{"id":1.5}]})" << "users[0].id: expected a positive integer";
        QTest::newRow("id huge") << head + R"("users":[{"id":1e300}]})" << "users[0].id: expected a positive integer";
        QTest::newRow("missing name")
            << head + R"("users":[{"id":1,"displayName":"","email":"","providerId":"","provider":"","profilePicUrl":"","createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-01-01T00:00:00Z"}]})"
            << "users[0]: missing \"name\"";
        QTest::newRow("bad time")
            << head + R"("users":[{"id":1,"name":"a","displayName":"","email":"","providerId":"","provider":"","profilePicUrl":"","createdAt":"yesterday","updatedAt":"2024-01-01T00:00:00Z"}]})"
            << "users[0].createdAt: expected an RFC 3339 time";
        QTest::newRow("tags not strings") << withUsers + R"("preAuthKeys":[{"id":1,"prefix":"x","userId":null,"reusable":false,"ephemeral":false,"used":false,"expiration":null,"createdAt":"2024-01-01T00:00:00Z","tags":[1]}]})"
                                          << "preAuthKeys[0].tags: expected an array of strings";
        QTest::newRow("bool as string") << withUsers + R"("preAuthKeys":[{"id":1,"prefix":"x","userId":null,"reusable":"yes"}]})"
                                        << "preAuthKeys[0].reusable: expected true or false";
        QTest::newRow("missing nodes") << withUsers + R"("preAuthKeys":[],"apiKeys":[],"policies":[],"state":{}})"
                                       << "missing \"nodes\"";
        QTest::newRow("state not base64") << allEmpty + R"("state":{"k":"***"}})" << "state.k: expected a base64 string";
        QTest::newRow("policy actor not text")
            << withUsers + R"("preAuthKeys":[],"nodes":[],"apiKeys":[],"policies":[{"id":1,"text":"{}","updatedAt":"2024-01-01T00:00:00Z","actor":7}],"state":{}})"
            << "policies[0].actor: expected a string";
        QTest::newRow("oauth scopes not strings")
            << allEmpty + R"("oauthClients":[{"id":1,"clientId":"k1","description":"","scopes":[true],"tags":[],"createdAt":"2024-01-01T00:00:00Z","lastUsed":null,"hashScheme":"sha256","hash":"00"}],"state":{}})"
            << "oauthClients[0].scopes: expected an array of strings";
    }

    // What parses but must not be written: secrets in a form the server would never store, and
    // client ids Tailscale's tools cannot read back.
    void refusesUnsafeOAuthClients_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("clientId");
        QTest::addColumn<QString>("message");
        QTest::newRow("plain secret") << "plain" << "kabc" << "stored as its SHA-256 only";
        QTest::newRow("bcrypt secret") << "bcrypt" << "kabc" << "stored as its SHA-256 only";
        QTest::newRow("dash in id") << "sha256" << "k-abc" << "malformed client id";
        QTest::newRow("empty id") << "sha256" << "" << "malformed client id";
    }
    void refusesUnsafeOAuthClients()
    {
        QFETCH(QString, scheme);
        QFETCH(QString, clientId);
        QFETCH(QString, message);
        ExportDocument doc;
        ExportedOAuthClient c;
        c.client.id = 1;
        c.client.clientId = clientId;
        c.client.createdAt = keel::Clock::now();
        c.secret = StoredSecret{scheme, QByteArray(64, 'a')};
        doc.oauthClients << c;
        const Result<void> r = Importer::validate(doc);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
    }
    void rejectsHostileJson()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const auto r = ExportJson::parse(json);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Invalid);
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
    }

    // Documents that parse but must not be written: the import fails as a whole, the database
    // stays empty - also when the problem is found by the database halfway through.
    void noPartialWrites_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("breakage");
        for (const QString& b : TempDatabase::backends())
            for (const char* what : {"dangling owner", "dangling auth key", "duplicate id", "bad hash",
                                     "bad address", "bad route", "duplicate node key", "duplicate user name"})
                QTest::newRow(qPrintable(b + QLatin1Char(' ') + QLatin1String(what))) << b << QString::fromLatin1(what);
    }
    void noPartialWrites()
    {
        QFETCH(QString, backend);
        QFETCH(QString, breakage);
        OPEN_DB(src, backend);
        populate(*src.store);
        auto doc = Exporter(*src.store).read();
        CHECK_OK(doc);
        ExportDocument& d = doc.value();
        if (breakage == QLatin1String("dangling owner"))
        {
            d.nodes.last().tags.clear();
            d.nodes.last().userId = 999;
        }
        else if (breakage == QLatin1String("dangling auth key"))
            d.nodes.first().authKeyId = 999;
        else if (breakage == QLatin1String("duplicate id"))
            d.apiKeys.last().key.id = d.apiKeys.first().key.id;
        else if (breakage == QLatin1String("bad hash"))
            d.apiKeys.first().secret.value = "not-a-hash";
        else if (breakage == QLatin1String("bad address"))
            d.nodes.last().ipv4 = QStringLiteral("100.64.0.999");
        else if (breakage == QLatin1String("bad route"))
            d.nodes.first().approvedRoutes << QStringLiteral("10.0.0.0/33");
        else if (breakage == QLatin1String("duplicate node key")) // found by the database's UNIQUE index
            d.nodes.last().nodeKey = d.nodes.first().nodeKey;
        else if (breakage == QLatin1String("duplicate user name"))
            d.users.last().name = d.users.first().name;

        OPEN_DB(dst, backend);
        const Result<void> r = Importer(*dst.store).write(d);
        QVERIFY(!r.ok());
        QVERIFY(r.error().kind == Error::Invalid || r.error().kind == Error::Conflict);
        QCOMPARE(rowCount(*dst.store), 0);
        // And the database is still usable afterwards (no transaction left open).
        CHECK_OK(dst.store->createUser(User{.name = QStringLiteral("after")}));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
