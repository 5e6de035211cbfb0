// The store suite. Every test runs once per backend (sqlite, postgres) on a fresh database; the
// postgres rows need scripts/test-postgres.sh (see tests/kit/TempDatabase.h).

#include "TempDatabase.h"

#include "auth/SecretKey.h"
#include "common/Clock.h"
#include "common/MockClock.h"
#include "store/Store.h"

#include <QSqlQuery>
#include <QSqlRecord>
#include <QThread>
#include <QtTest>

#include <atomic>

using namespace keel::store;
using keel::test::TempDatabase;

namespace {

// Opens a store on a fresh database for the current data row.
struct Fixture
{
    explicit Fixture(const QString& backend) : tmp(backend) {}

    bool open(QString* error)
    {
        store = Store::open(tmp.options(), error);
        return store != nullptr;
    }

    TempDatabase tmp;
    std::unique_ptr<Store> store;
};

#define OPEN_STORE(f)                                                                                         \
    QFETCH(QString, backend);                                                                                 \
    Fixture f(backend);                                                                                       \
    KEEL_REQUIRE_DATABASE(f.tmp);                                                                             \
    do {                                                                                                      \
        QString openError;                                                                                    \
        QVERIFY2(f.open(&openError), qPrintable(openError));                                                  \
    } while (false)

#define CHECK_OK(r) QVERIFY2((r).ok(), qPrintable((r).ok() ? QString() : (r).error().message))

Node sampleNode(const QString& name, std::optional<qint64> userId, int n)
{
    Node node;
    node.machineKey = QStringLiteral("mkey:%1").arg(n, 64, 16, QLatin1Char('0'));
    node.nodeKey = QStringLiteral("nodekey:%1").arg(n, 64, 16, QLatin1Char('0'));
    node.discoKey = QStringLiteral("discokey:%1").arg(n, 64, 16, QLatin1Char('0'));
    node.ipv4 = QStringLiteral("100.64.0.%1").arg(n);
    node.ipv6 = QStringLiteral("fd7a:115c:a1e0::%1").arg(n);
    node.hostname = name;
    node.givenName = name;
    node.userId = userId;
    node.registerMethod = QStringLiteral("authkey");
    return node;
}

// Every text value of every row of a table, for "is the secret in there?" checks.
QString dumpTable(QSqlDatabase db, const QString& table)
{
    QSqlQuery q(db);
    QString out;
    if (!q.exec(QStringLiteral("SELECT * FROM ") + table))
        return QStringLiteral("<query failed>");
    while (q.next())
        for (int i = 0; i < q.record().count(); ++i)
            out += q.value(i).toString() + QLatin1Char('|');
    return out;
}

} // namespace

class TestStore : public QObject
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
        m_clock = std::make_shared<keel::MockClock>(QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC));
        keel::Clock::install(m_clock);
    }
    void cleanup() { keel::Clock::reset(); }

    // Schema v3: the audit log, filtered and pruned the same way on both backends.
    // Every stored policy is kept with who stored it; the newest is the policy in force.
    void policyHistory_data() { backends(); }
    void policyHistory()
    {
        OPEN_STORE(f);
        const auto first = f.store->setPolicy(QStringLiteral("{\"acls\": []}"), QStringLiteral("unix:1000"));
        CHECK_OK(first);
        m_clock->advance(60'000);
        // Without an actor (an import, an older caller): kept, author unknown.
        const auto second = f.store->setPolicy(QStringLiteral("{}"));
        CHECK_OK(second);
        m_clock->advance(60'000);
        const auto third = f.store->setPolicy(QStringLiteral("{\"acls\": []}"), QStringLiteral("apikey:abc"),
                                              QStringLiteral("rollback to %1").arg(first->id));
        CHECK_OK(third);
        QVERIFY(first->id < second->id && second->id < third->id);
        const auto history = f.store->policyHistory(10);
        CHECK_OK(history);
        QCOMPARE(history->size(), 3);
        QCOMPARE(history->at(0).id, third->id); // newest first
        QCOMPARE(history->at(0).actor, QStringLiteral("apikey:abc"));
        QCOMPARE(history->at(0).note, QStringLiteral("rollback to %1").arg(first->id));
        QCOMPARE(history->at(1).actor, QString());
        QCOMPARE(history->at(2).actor, QStringLiteral("unix:1000"));
        QCOMPARE(history->at(2).updatedAt, first->updatedAt);
        QCOMPARE(f.store->policyHistory(1)->size(), 1);
        QCOMPARE(f.store->policy()->value().id, third->id);
        QCOMPARE(f.store->policyById(second->id)->text, QStringLiteral("{}"));
        QCOMPARE(f.store->policyById(999).error().kind, Error::NotFound);
    }

    void auditLog_data() { backends(); }
    void auditLog()
    {
        OPEN_STORE(f);
        AuditEntry e;
        e.actor = QStringLiteral("unix:0");
        e.action = QStringLiteral("node.rename");
        e.target = QStringLiteral("node:1");
        e.detail = QStringLiteral("web");
        const auto first = f.store->appendAudit(e);
        CHECK_OK(first);
        QVERIFY(first->id > 0);
        QCOMPARE(first->time, keel::Clock::now());
        m_clock->advance(60'000);
        e.actor = QStringLiteral("apikey:abc");
        e.action = QStringLiteral("policy.set");
        e.target = QStringLiteral("policy");
        const auto second = f.store->appendAudit(e);
        CHECK_OK(second);
        auto all = f.store->listAudit();
        CHECK_OK(all);
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->first().action, QStringLiteral("policy.set")); // newest first
        AuditFilter byGroup;
        byGroup.action = QStringLiteral("node.");
        QCOMPARE(f.store->listAudit(byGroup)->size(), 1);
        AuditFilter byActor;
        byActor.actor = QStringLiteral("apikey:abc");
        QCOMPARE(f.store->listAudit(byActor)->first().target, QStringLiteral("policy"));
        AuditFilter since;
        since.since = keel::Clock::now();
        QCOMPARE(f.store->listAudit(since)->size(), 1);
        AuditFilter limited;
        limited.limit = 1;
        QCOMPARE(f.store->listAudit(limited)->size(), 1);
        const auto pruned = f.store->pruneAudit(keel::Clock::now().addSecs(-1));
        CHECK_OK(pruned);
        QCOMPARE(*pruned, 1);
        QCOMPARE(f.store->listAudit()->size(), 1);
        QVERIFY(!f.store->appendAudit(AuditEntry{}).ok()); // no action
    }

    // A registration spends its key and stores its node in one transaction.
    void nodeAndKeyInOneTransaction_data() { backends(); }
    void nodeAndKeyInOneTransaction()
    {
        OPEN_STORE(f);
        User u;
        u.name = QStringLiteral("alice");
        const qint64 alice = f.store->createUser(u)->id;
        NewPreAuthKey spec;
        spec.userId = alice;
        spec.preApproved = true;
        const auto key = f.store->createPreAuthKey(spec);
        CHECK_OK(key);
        QVERIFY(f.store->preAuthKeyById(key->key.id)->preApproved);
        Node a = sampleNode(QStringLiteral("a"), alice, 1);
        a.authorized = false;
        const auto stored = f.store->saveNodeSpendingKey(a, key->key.id);
        CHECK_OK(stored);
        QVERIFY(!stored->authorized);
        QVERIFY(f.store->preAuthKeyById(key->key.id)->used);
        // Spent: refused, and the node is not stored.
        const auto again = f.store->saveNodeSpendingKey(sampleNode(QStringLiteral("b"), alice, 2), key->key.id);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().message, QStringLiteral("authkey already used"));
        QCOMPARE(f.store->listNodes()->size(), 1);
        // A node that cannot be stored (its address is taken) leaves a fresh key unspent.
        const auto fresh = f.store->createPreAuthKey(spec);
        Node clash = sampleNode(QStringLiteral("c"), alice, 3);
        clash.ipv4 = stored->ipv4;
        QVERIFY(!f.store->saveNodeSpendingKey(clash, fresh->key.id).ok());
        QVERIFY(!f.store->preAuthKeyById(fresh->key.id)->used);
        // Expired keys are refused inside the transaction too.
        spec.expiration = keel::Clock::now().addSecs(-1);
        const auto expired = f.store->createPreAuthKey(spec);
        const auto late = f.store->saveNodeSpendingKey(sampleNode(QStringLiteral("d"), alice, 4), expired->key.id);
        QCOMPARE(late.error().message, QStringLiteral("authkey expired"));
    }

    // Store::atomically: the steps' writes commit together, or none does; a failed step dooms the
    // transaction even when the caller carries on and reports success.
    void atomicallyCommitsAllOrNothing_data() { backends(); }
    void atomicallyCommitsAllOrNothing()
    {
        OPEN_STORE(f);
        User u;
        u.name = QStringLiteral("alice");
        const qint64 alice = f.store->createUser(u)->id;
        AuditEntry e;
        e.actor = QStringLiteral("unix:0");
        e.action = QStringLiteral("node.register");
        CHECK_OK(f.store->atomically([&]() -> Result<void> {
            auto n = f.store->createNode(sampleNode(QStringLiteral("a"), alice, 1));
            if (!n)
                return n.error();
            e.target = QStringLiteral("node:%1").arg(n->id);
            return into(e, f.store->appendAudit(e));
        }));
        QCOMPARE(f.store->listNodes()->size(), 1);
        QCOMPARE(f.store->listAudit()->size(), 1);

        // The audit step fails (no action): the node written before it is rolled back.
        const auto failed = f.store->atomically([&]() -> Result<void> {
            if (auto n = f.store->createNode(sampleNode(QStringLiteral("b"), alice, 2)); !n)
                return n.error();
            return into(e, f.store->appendAudit(AuditEntry{}));
        });
        QVERIFY(!failed.ok());
        QCOMPARE(f.store->listNodes()->size(), 1);
        QCOMPARE(f.store->listAudit()->size(), 1);

        // A step fails in the database (its address is taken) and the caller ignores it: still
        // nothing is committed, not even the step that succeeded.
        const QString taken = f.store->listNodes()->first().ipv4;
        const auto ignored = f.store->atomically([&]() -> Result<void> {
            (void)f.store->createNode(sampleNode(QStringLiteral("c"), alice, 3));
            Node clash = sampleNode(QStringLiteral("e"), alice, 5);
            clash.ipv4 = taken;
            (void)f.store->createNode(clash);
            return {};
        });
        QVERIFY(!ignored.ok());
        QCOMPARE(f.store->listNodes()->size(), 1);

        // The connection is usable afterwards, with its own transactions again.
        CHECK_OK(f.store->createNode(sampleNode(QStringLiteral("d"), alice, 4)));
        QCOMPARE(f.store->listNodes()->size(), 2);
    }

    void migratesFromEmptyAndReopens_data() { backends(); }
    void migratesFromEmptyAndReopens()
    {
        OPEN_STORE(f);
        QCOMPARE(f.store->schemaVersion(), Store::latestSchemaVersion());
        QVERIFY(f.store->ping());
        CHECK_OK(f.store->createUser(User{.name = QStringLiteral("alice")}));
        f.store.reset();

        // Re-opening runs no migration again and keeps the data.
        QString error;
        QVERIFY2(f.open(&error), qPrintable(error));
        QCOMPARE(f.store->schemaVersion(), Store::latestSchemaVersion());
        auto users = f.store->listUsers();
        CHECK_OK(users);
        QCOMPARE(users->size(), 1);
        QSqlQuery q(f.store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM keel_schema")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }

    // A database left at version 1 is brought to the latest version, step by step, on open.
    void migratesStepByStep_data() { backends(); }
    void migratesStepByStep()
    {
        OPEN_STORE(f);
        CHECK_OK(f.store->createUser(User{.name = QStringLiteral("alice")}));
        {
            QSqlQuery q(f.store->database());
            QVERIFY(q.exec(QStringLiteral("DROP TABLE policies")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE server_state")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE audit_log")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE policy_history")));
            QVERIFY(q.exec(QStringLiteral("ALTER TABLE nodes DROP COLUMN authorized")));
            QVERIFY(q.exec(QStringLiteral("ALTER TABLE pre_auth_keys DROP COLUMN pre_approved")));
            QVERIFY(q.exec(QStringLiteral("ALTER TABLE users DROP COLUMN provider_groups")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE oauth_clients")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE ssh_check_approvals")));
            QVERIFY(q.exec(QStringLiteral("UPDATE keel_schema SET version = 1")));
        }
        QCOMPARE(f.store->schemaVersion(), 1);
        f.store.reset();
        QString error;
        QVERIFY2(f.open(&error), qPrintable(error));
        QCOMPARE(f.store->schemaVersion(), Store::latestSchemaVersion());
        CHECK_OK(f.store->setPolicy(QStringLiteral("{}")));
        CHECK_OK(f.store->setStateValue(QStringLiteral("k"), "v"));
        CHECK_OK(f.store->createOAuthClient(NewOAuthClient{.scopes = {QStringLiteral("dns:read")}}));
        QVERIFY(f.store->listSshApprovals()->isEmpty());
        QCOMPARE(f.store->listUsers()->size(), 1);
    }

    void refusesNewerSchema_data() { backends(); }
    void refusesNewerSchema()
    {
        OPEN_STORE(f);
        {
            QSqlQuery q(f.store->database());
            QVERIFY(q.exec(QStringLiteral("UPDATE keel_schema SET version = 999")));
        }
        f.store.reset();
        QString error;
        QVERIFY(!f.open(&error));
        QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
    }

    void rejectsBadOptions()
    {
        QString error;
        DatabaseOptions o;
        o.type = QStringLiteral("mysql");
        QVERIFY(!Store::open(o, &error));
        QVERIFY(error.contains(QLatin1String("mysql")));
        o.type = QStringLiteral("sqlite");
        o.sqlitePath.clear();
        QVERIFY(!Store::open(o, &error));
        QVERIFY(error.contains(QLatin1String("path")));
    }

    void sqlitePragmas()
    {
        TempDatabase tmp(QStringLiteral("sqlite"));
        QString error;
        auto store = Store::open(tmp.options(), &error);
        QVERIFY2(store, qPrintable(error));
        QSqlQuery q(store->database());
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QVERIFY(q.exec(QStringLiteral("PRAGMA busy_timeout")) && q.next());
        QCOMPARE(q.value(0).toInt(), tmp.options().busyTimeoutMs);
        QVERIFY(q.exec(QStringLiteral("PRAGMA wal_autocheckpoint")) && q.next());
        QCOMPARE(q.value(0).toInt(), tmp.options().walAutocheckpoint);
        q.finish();
        CHECK_OK(store->checkpoint());

        // A connection opened on another thread is configured the same way.
        int fk = -1;
        QThread* t = QThread::create([&] {
            QSqlQuery q2(store->database());
            if (q2.exec(QStringLiteral("PRAGMA foreign_keys")) && q2.next())
                fk = q2.value(0).toInt();
            q2.finish();
            q2 = QSqlQuery();
            store->releaseThreadConnection();
        });
        t->start();
        t->wait();
        delete t;
        QCOMPARE(fk, 1);
    }

    void users_data() { backends(); }
    void users()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        auto alice = s.createUser(User{.name = QStringLiteral("alice"), .email = QStringLiteral("a@example.com")});
        CHECK_OK(alice);
        QVERIFY(alice->id > 0);
        QCOMPARE(alice->createdAt, m_clock->nowUtc());
        auto dup = s.createUser(User{.name = QStringLiteral("alice")});
        QVERIFY(!dup.ok());
        QCOMPARE(dup.error().kind, Error::Conflict);
        auto empty = s.createUser(User{.name = QStringLiteral("  ")});
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().kind, Error::Invalid);

        auto bob = s.createUser(User{.name = QStringLiteral("bob"),
                                     .providerId = QStringLiteral("https://idp/sub-1"),
                                     .provider = QStringLiteral("oidc")});
        CHECK_OK(bob);
        CHECK_OK(s.userByProviderId(QStringLiteral("https://idp/sub-1")));
        QCOMPARE(s.userByProviderId(QStringLiteral("https://idp/sub-1"))->id, bob->id);
        // Two users without a provider id do not collide on the unique index.
        CHECK_OK(s.createUser(User{.name = QStringLiteral("carol")}));

        QCOMPARE(s.listUsers()->size(), 3);
        QCOMPARE(s.listUsers(UserFilter{.name = QStringLiteral("bob")})->size(), 1);
        QCOMPARE(s.listUsers(UserFilter{.email = QStringLiteral("a@example.com")})->first().id, alice->id);
        QCOMPARE(s.listUsers(UserFilter{.id = bob->id})->first().name, QStringLiteral("bob"));
        QCOMPARE(s.userByName(QStringLiteral("nobody")).error().kind, Error::NotFound);

        m_clock->advance(1000);
        auto renamed = s.renameUser(alice->id, QStringLiteral("alicia"));
        CHECK_OK(renamed);
        QCOMPARE(renamed->name, QStringLiteral("alicia"));
        QCOMPARE(renamed->updatedAt, m_clock->nowUtc());
        QCOMPARE(renamed->createdAt, alice->createdAt);
        QCOMPARE(s.renameUser(alice->id, QStringLiteral("bob")).error().kind, Error::Conflict);
        QCOMPARE(s.renameUser(9999, QStringLiteral("x")).error().kind, Error::NotFound);

        User edited = *renamed;
        edited.displayName = QStringLiteral("Alicia A.");
        edited.profilePicUrl = QStringLiteral("https://pics/a.png");
        auto updated = s.updateUser(edited);
        CHECK_OK(updated);
        QCOMPARE(s.userById(alice->id)->displayName, QStringLiteral("Alicia A."));

        CHECK_OK(s.deleteUser(bob->id));
        QCOMPARE(s.userById(bob->id).error().kind, Error::NotFound);
        QCOMPARE(s.deleteUser(bob->id).error().kind, Error::NotFound);
    }

    void deletingUserWithNodesIsRefused_data() { backends(); }
    void deletingUserWithNodesIsRefused()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        auto u = s.createUser(User{.name = QStringLiteral("alice")});
        CHECK_OK(u);
        auto key = s.createPreAuthKey(NewPreAuthKey{.userId = u->id});
        CHECK_OK(key);
        auto n = s.createNode(sampleNode(QStringLiteral("a1"), u->id, 1));
        CHECK_OK(n);
        auto refused = s.deleteUser(u->id);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, Error::Conflict);
        CHECK_OK(s.userById(u->id));

        // Without nodes the user goes, and (as in Headscale) takes their pre-auth keys along.
        CHECK_OK(s.deleteNode(n->id));
        CHECK_OK(s.deleteUser(u->id));
        QCOMPARE(s.preAuthKeyById(key->key.id).error().kind, Error::NotFound);
    }

    void nodes_data() { backends(); }
    void nodes()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        auto u = s.createUser(User{.name = QStringLiteral("alice")});
        CHECK_OK(u);
        Node in = sampleNode(QStringLiteral("web-1"), u->id, 1);
        in.hostinfoJson = R"({"Hostname":"web-1","OS":"linux","RoutableIPs":["10.0.0.0/24"]})";
        in.endpoints = {QStringLiteral("192.0.2.1:41641"), QStringLiteral("[2001:db8::1]:41641")};
        in.announcedRoutes = {QStringLiteral("10.0.0.0/24"), QStringLiteral("0.0.0.0/0")};
        in.expiry = m_clock->nowUtc().addDays(180);
        in.nlKey = QStringLiteral("nlpub:abcd");
        in.ephemeral = true;
        auto created = s.createNode(in);
        CHECK_OK(created);
        const Node& n = *created;
        QVERIFY(n.id > 0);
        QCOMPARE(n.machineKey, in.machineKey);
        QCOMPARE(n.nodeKey, in.nodeKey);
        QCOMPARE(n.discoKey, in.discoKey);
        QCOMPARE(n.nlKey, in.nlKey);
        QCOMPARE(n.ipv4, in.ipv4);
        QCOMPARE(n.ipv6, in.ipv6);
        QCOMPARE(n.userId, in.userId);
        QCOMPARE(n.hostinfoJson, in.hostinfoJson);
        QCOMPARE(n.endpoints, in.endpoints);
        QCOMPARE(n.announcedRoutes, in.announcedRoutes);
        QCOMPARE(n.expiry, in.expiry);
        QVERIFY(!n.lastSeen);
        QVERIFY(n.ephemeral);
        QCOMPARE(n.registerMethod, QStringLiteral("authkey"));
        QCOMPARE(n.createdAt, m_clock->nowUtc());

        QCOMPARE(s.nodeByNodeKey(in.nodeKey)->id, n.id);
        QCOMPARE(s.nodesByMachineKey(in.machineKey)->size(), 1);
        QCOMPARE(s.nodeByNodeKey(QStringLiteral("nodekey:none")).error().kind, Error::NotFound);

        // Uniqueness: node key, given name, addresses.
        Node clash = sampleNode(QStringLiteral("web-2"), u->id, 2);
        clash.nodeKey = in.nodeKey;
        QCOMPARE(s.createNode(clash).error().kind, Error::Conflict);
        clash = sampleNode(QStringLiteral("web-1"), u->id, 2);
        QCOMPARE(s.createNode(clash).error().kind, Error::Conflict);
        clash = sampleNode(QStringLiteral("web-2"), u->id, 2);
        clash.ipv4 = in.ipv4;
        QCOMPARE(s.createNode(clash).error().kind, Error::Conflict);
        // The same machine may own a second node (for another user, in practice).
        Node second = sampleNode(QStringLiteral("web-2"), std::nullopt, 2);
        second.machineKey = in.machineKey;
        second.ipv6.clear(); // an IPv4-only node; NULLs do not collide
        second.tags = {QStringLiteral("tag:server")};
        auto n2 = s.createNode(second);
        CHECK_OK(n2);
        QVERIFY(!n2->userId);
        QCOMPARE(n2->tags, second.tags);
        QCOMPARE(s.nodesByMachineKey(in.machineKey)->size(), 2);
        Node third = sampleNode(QStringLiteral("web-3"), std::nullopt, 3);
        third.ipv6.clear();
        third.tags = {QStringLiteral("tag:server")};
        CHECK_OK(s.createNode(third));
        QCOMPARE(s.listNodes()->size(), 3);
        QCOMPARE(s.listNodes(u->id)->size(), 1);

        QStringList ips = *s.usedIps();
        ips.sort();
        QCOMPARE(ips, QStringList({QStringLiteral("100.64.0.1"), QStringLiteral("100.64.0.2"),
                                   QStringLiteral("100.64.0.3"), QStringLiteral("fd7a:115c:a1e0::1")}));

        // Edits.
        m_clock->advance(5000);
        auto renamed = s.renameNode(n.id, QStringLiteral("web-one"));
        CHECK_OK(renamed);
        QCOMPARE(renamed->givenName, QStringLiteral("web-one"));
        QCOMPARE(renamed->hostname, QStringLiteral("web-1"));
        QCOMPARE(renamed->updatedAt, m_clock->nowUtc());
        QCOMPARE(s.renameNode(n.id, QStringLiteral("web-2")).error().kind, Error::Conflict);
        QCOMPARE(s.renameNode(4242, QStringLiteral("zzz")).error().kind, Error::NotFound);

        auto tagged = s.setNodeTags(n.id, {QStringLiteral("tag:b"), QStringLiteral("tag:a"), QStringLiteral("tag:b")});
        CHECK_OK(tagged);
        QCOMPARE(tagged->tags, QStringList({QStringLiteral("tag:a"), QStringLiteral("tag:b")}));
        QCOMPARE(s.setNodeTags(n.id, {QStringLiteral("server")}).error().kind, Error::Invalid);

        auto routes = s.setApprovedRoutes(n.id, {QStringLiteral("10.0.0.0/24")});
        CHECK_OK(routes);
        QCOMPARE(s.nodeById(n.id)->approvedRoutes, QStringList{QStringLiteral("10.0.0.0/24")});

        auto noExpiry = s.setNodeExpiry(n.id, std::nullopt);
        CHECK_OK(noExpiry);
        QVERIFY(!s.nodeById(n.id)->expiry);
        auto expired = s.setNodeExpiry(n.id, m_clock->nowUtc());
        CHECK_OK(expired);
        QCOMPARE(s.nodeById(n.id)->expiry, m_clock->nowUtc());

        const QDateTime seen = m_clock->nowUtc().addSecs(30);
        CHECK_OK(s.touchLastSeen(n.id, seen));
        QCOMPARE(s.nodeById(n.id)->lastSeen, seen);

        // Whole-record update (a key rotation: new node key, same id and addresses).
        Node rotated = *s.nodeById(n.id);
        rotated.nodeKey = QStringLiteral("nodekey:rotated");
        rotated.discoKey = QStringLiteral("discokey:new");
        auto up = s.updateNode(rotated);
        CHECK_OK(up);
        QCOMPARE(s.nodeByNodeKey(QStringLiteral("nodekey:rotated"))->id, n.id);
        QCOMPARE(s.nodeByNodeKey(in.nodeKey).error().kind, Error::NotFound);
        rotated.nodeKey = second.nodeKey;
        QCOMPARE(s.updateNode(rotated).error().kind, Error::Conflict);

        CHECK_OK(s.deleteNode(n.id));
        QCOMPARE(s.nodeById(n.id).error().kind, Error::NotFound);
        QCOMPARE(s.deleteNode(n.id).error().kind, Error::NotFound);
        QCOMPARE(s.usedIps()->size(), 2);
    }

    void nodeForeignKeys_data() { backends(); }
    void nodeForeignKeys()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        // A node cannot point at a user that does not exist.
        auto orphan = s.createNode(sampleNode(QStringLiteral("x"), 777, 1));
        QVERIFY(!orphan.ok());
        QCOMPARE(orphan.error().kind, Error::Conflict);

        // Deleting a pre-auth key leaves the nodes it registered, unlinked.
        auto u = s.createUser(User{.name = QStringLiteral("alice")});
        CHECK_OK(u);
        auto key = s.createPreAuthKey(NewPreAuthKey{.userId = u->id});
        CHECK_OK(key);
        Node in = sampleNode(QStringLiteral("a"), u->id, 1);
        in.authKeyId = key->key.id;
        auto n = s.createNode(in);
        CHECK_OK(n);
        QCOMPARE(n->authKeyId, key->key.id);
        CHECK_OK(s.deletePreAuthKey(key->key.id));
        auto after = s.nodeById(n->id);
        CHECK_OK(after);
        QVERIFY(!after->authKeyId);
        QCOMPARE(s.deletePreAuthKey(key->key.id).error().kind, Error::NotFound);
    }

    void preAuthKeys_data() { backends(); }
    void preAuthKeys()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        auto u = s.createUser(User{.name = QStringLiteral("alice")});
        CHECK_OK(u);

        QCOMPARE(s.createPreAuthKey(NewPreAuthKey{}).error().kind, Error::Invalid); // neither user nor tags
        QCOMPARE(s.createPreAuthKey(NewPreAuthKey{.userId = 999}).error().kind, Error::NotFound);
        QCOMPARE(s.createPreAuthKey(NewPreAuthKey{.tags = {QStringLiteral("server")}}).error().kind, Error::Invalid);

        auto created = s.createPreAuthKey(NewPreAuthKey{.userId = u->id,
                                                        .reusable = false,
                                                        .ephemeral = true,
                                                        .expiration = m_clock->nowUtc().addSecs(3600),
                                                        .tags = {}});
        CHECK_OK(created);
        const QString full = created->fullKey;
        const auto parsed = keel::auth::SecretKey::parse(keel::auth::SecretKey::Kind::PreAuth, full);
        QVERIFY(parsed);
        QCOMPARE(parsed->prefix, created->key.prefix);
        QCOMPARE(created->key.displayKey(), QStringLiteral("hskey-auth-%1-***").arg(created->key.prefix));
        QVERIFY(created->key.ephemeral);
        QVERIFY(!created->key.used);

        auto tagged = s.createPreAuthKey(
            NewPreAuthKey{.reusable = true, .tags = {QStringLiteral("tag:b"), QStringLiteral("tag:a")}});
        CHECK_OK(tagged);
        QVERIFY(!tagged->key.userId);
        QCOMPARE(tagged->key.tags, QStringList({QStringLiteral("tag:a"), QStringLiteral("tag:b")}));
        QVERIFY(!tagged->key.expiration);

        QCOMPARE(s.listPreAuthKeys()->size(), 2);
        QCOMPARE(s.listPreAuthKeys(u->id)->size(), 1);

        // Only the hash is stored: the secret appears nowhere in the table.
        const QString table = dumpTable(s.database(), QStringLiteral("pre_auth_keys"));
        QVERIFY(table.contains(created->key.prefix));
        QVERIFY(!table.contains(QString::fromLatin1(parsed->secret)));
        QVERIFY(!table.contains(full));

        // Validation.
        auto ok = s.validatePreAuthKey(full);
        CHECK_OK(ok);
        QCOMPARE(ok->id, created->key.id);
        QString wrongSecret = full;
        wrongSecret[wrongSecret.size() - 1] = wrongSecret.endsWith(QLatin1Char('A')) ? QLatin1Char('B') : QLatin1Char('A');
        QCOMPARE(s.validatePreAuthKey(wrongSecret).error().message, QStringLiteral("invalid authkey"));
        QCOMPARE(s.validatePreAuthKey(QStringLiteral("garbage")).error().message, QStringLiteral("invalid authkey"));
        QCOMPARE(s.validatePreAuthKey(keel::auth::SecretKey::generate(keel::auth::SecretKey::Kind::PreAuth).toString())
                     .error()
                     .message,
                 QStringLiteral("invalid authkey"));

        // Single use.
        auto used = s.usePreAuthKey(full);
        CHECK_OK(used);
        QVERIFY(used->used);
        QCOMPARE(s.validatePreAuthKey(full).error().message, QStringLiteral("authkey already used"));
        QCOMPARE(s.usePreAuthKey(full).error().message, QStringLiteral("authkey already used"));
        QCOMPARE(s.markPreAuthKeyUsed(created->key.id).error().kind, Error::Conflict);
        CHECK_OK(s.findPreAuthKey(full)); // still findable for re-registration of a known node
        // Reusable keys stay usable.
        CHECK_OK(s.usePreAuthKey(tagged->fullKey));
        CHECK_OK(s.usePreAuthKey(tagged->fullKey));
        CHECK_OK(s.markPreAuthKeyUsed(tagged->key.id));

        // Expiry, by time passing and by the admin.
        auto shortLived = s.createPreAuthKey(
            NewPreAuthKey{.userId = u->id, .reusable = true, .expiration = m_clock->nowUtc().addSecs(60)});
        CHECK_OK(shortLived);
        CHECK_OK(s.validatePreAuthKey(shortLived->fullKey));
        m_clock->advance(61 * 1000);
        QCOMPARE(s.validatePreAuthKey(shortLived->fullKey).error().message, QStringLiteral("authkey expired"));
        CHECK_OK(s.validatePreAuthKey(tagged->fullKey));
        CHECK_OK(s.expirePreAuthKey(tagged->key.id));
        m_clock->advance(1);
        QCOMPARE(s.validatePreAuthKey(tagged->fullKey).error().message, QStringLiteral("authkey expired"));
        QCOMPARE(s.expirePreAuthKey(9999).error().kind, Error::NotFound);

        CHECK_OK(s.deletePreAuthKey(tagged->key.id));
        QCOMPARE(s.validatePreAuthKey(tagged->fullKey).error().message, QStringLiteral("invalid authkey"));
    }

    void importedHeadscaleKeys_data() { backends(); }
    void importedHeadscaleKeys()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        auto u = s.createUser(User{.name = QStringLiteral("alice")});
        CHECK_OK(u);

        // A Headscale >= 0.27 key: prefix + bcrypt (cost 10) of the 64-character secret.
        const QString secret = QStringLiteral("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
        const QByteArray bcrypt = "$2a$10$avtVOgtd.TdHEF3lIgePBuOFc/M38ngNrcpoQ5npMQ3SeYKqPi32S";
        PreAuthKey modern;
        modern.prefix = QStringLiteral("HsPrefix0001");
        modern.userId = u->id;
        auto imported = s.importPreAuthKey(modern, StoredSecret{QStringLiteral("bcrypt"), bcrypt});
        CHECK_OK(imported);
        CHECK_OK(s.validatePreAuthKey(QStringLiteral("hskey-auth-HsPrefix0001-") + secret));
        QCOMPARE(s.validatePreAuthKey(QStringLiteral("hskey-auth-HsPrefix0001-") + QString(secret).replace('a', 'b'))
                     .error()
                     .message,
                 QStringLiteral("invalid authkey"));

        // A Headscale <= 0.26 key: 48 hex characters kept in plaintext, found by equality.
        const QString legacy = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef");
        PreAuthKey old;
        old.userId = u->id;
        auto importedOld = s.importPreAuthKey(old, StoredSecret{QStringLiteral("plain"), legacy.toLatin1()});
        CHECK_OK(importedOld);
        QCOMPARE(importedOld->legacyKey, legacy);
        QCOMPARE(importedOld->displayKey(), legacy);
        auto v = s.usePreAuthKey(legacy);
        CHECK_OK(v);
        QCOMPARE(v->id, importedOld->id);
        QCOMPARE(s.usePreAuthKey(legacy).error().message, QStringLiteral("authkey already used"));
        QCOMPARE(s.validatePreAuthKey(QStringLiteral("ffff456789abcdef0123456789abcdef0123456789abcdef")).error().message,
                 QStringLiteral("invalid authkey"));

        QCOMPARE(s.importPreAuthKey(old, StoredSecret{QStringLiteral("md5"), "x"}).error().kind, Error::Invalid);
        QCOMPARE(s.importPreAuthKey(old, StoredSecret{QStringLiteral("plain"), "not-hex"}).error().kind, Error::Invalid);

        // Headscale API keys: modern (bcrypt of the secret) and legacy "<7>.<secret>".
        ApiKey api;
        api.prefix = QStringLiteral("HsApiPrefix1");
        CHECK_OK(s.importApiKey(api, StoredSecret{QStringLiteral("bcrypt"), bcrypt}));
        CHECK_OK(s.authenticateApiKey(QStringLiteral("hskey-api-HsApiPrefix1-") + secret));
        QVERIFY(!s.authenticateApiKey(QStringLiteral("hskey-api-HsApiPrefix1-") + QString(secret).replace('z', 'y')).ok());
        ApiKey legacyApi;
        legacyApi.prefix = QStringLiteral("abcdefg");
        auto li = s.importApiKey(legacyApi, StoredSecret{QStringLiteral("bcrypt"),
                                                         "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"});
        CHECK_OK(li);
        QCOMPARE(li->displayPrefix(), QStringLiteral("abcdefg***"));
        // The classic test vector's password is "U*U", which is not URL-safe: our parser refuses
        // it before any lookup, as a legacy key with such characters could not have been issued.
        QVERIFY(!s.authenticateApiKey(QStringLiteral("abcdefg.U*U")).ok());
        QCOMPARE(s.importApiKey(legacyApi, StoredSecret{QStringLiteral("bcrypt"), "x"}).error().kind, Error::Conflict);
    }

    // OAuth clients of /api/v2: the secret names its client and is checked against a hash.
    void oauthClients_data() { backends(); }
    void oauthClients()
    {
        OPEN_STORE(f);
        const auto created = f.store->createOAuthClient(NewOAuthClient{.description = QStringLiteral("ci"),
                                                                       .scopes = {QStringLiteral("auth_keys")},
                                                                       .tags = {QStringLiteral("tag:b"), QStringLiteral("tag:a"), QStringLiteral("tag:a")}});
        CHECK_OK(created);
        QVERIFY(created->secret.startsWith(QStringLiteral("tskey-client-") + created->client.clientId + QLatin1Char('-')));
        QCOMPARE(created->client.tags, (QStringList{QStringLiteral("tag:a"), QStringLiteral("tag:b")}));
        const auto found = f.store->authenticateOAuthClient(created->secret);
        CHECK_OK(found);
        QCOMPARE(found->id, created->client.id);
        QCOMPARE(found->scopes, QStringList{QStringLiteral("auth_keys")});
        QString wrong = created->secret;
        wrong[wrong.size() - 1] = wrong.endsWith(QLatin1Char('A')) ? QLatin1Char('B') : QLatin1Char('A');
        QCOMPARE(f.store->authenticateOAuthClient(wrong).error().kind, Error::Invalid);
        QCOMPARE(f.store->authenticateOAuthClient(QStringLiteral("tskey-client-nope")).error().kind, Error::Invalid);
        // The secret is not in the database.
        QSqlQuery q(f.store->database());
        QVERIFY(q.exec(QStringLiteral("SELECT hash FROM oauth_clients")));
        QVERIFY(q.next());
        QVERIFY(!created->secret.contains(q.value(0).toString()));
        q.finish();
        CHECK_OK(f.store->touchOAuthClient(created->client.id, QDateTime::currentDateTimeUtc()));
        QVERIFY(f.store->oauthClientById(created->client.id)->lastUsed);
        QCOMPARE(f.store->listOAuthClients()->size(), 1);
        CHECK_OK(f.store->deleteOAuthClient(created->client.id));
        QCOMPARE(f.store->authenticateOAuthClient(created->secret).error().kind, Error::Invalid);
        QCOMPARE(f.store->deleteOAuthClient(created->client.id).error().kind, Error::NotFound);
    }

    void apiKeys_data() { backends(); }
    void apiKeys()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        auto created = s.createApiKey(m_clock->nowUtc().addDays(90));
        CHECK_OK(created);
        const QString full = created->fullKey;
        const auto parsed = keel::auth::SecretKey::parse(keel::auth::SecretKey::Kind::Api, full);
        QVERIFY(parsed);
        QCOMPARE(parsed->prefix, created->key.prefix);
        QCOMPARE(created->key.displayPrefix(), QStringLiteral("hskey-api-%1-***").arg(created->key.prefix));
        QVERIFY(!created->key.lastSeen);

        const QString table = dumpTable(s.database(), QStringLiteral("api_keys"));
        QVERIFY(table.contains(created->key.prefix));
        QVERIFY(!table.contains(QString::fromLatin1(parsed->secret)));

        auto auth = s.authenticateApiKey(full);
        CHECK_OK(auth);
        QCOMPARE(auth->id, created->key.id);
        QVERIFY(!s.authenticateApiKey(full.left(full.size() - 1) + QLatin1Char(full.endsWith('x') ? 'y' : 'x')).ok());
        QVERIFY(!s.authenticateApiKey(QString()).ok());
        QVERIFY(!s.authenticateApiKey(QStringLiteral("Bearer nonsense")).ok());

        const QDateTime seen = m_clock->nowUtc().addSecs(5);
        CHECK_OK(s.touchApiKey(created->key.id, seen));
        QCOMPARE(s.apiKeyById(created->key.id)->lastSeen, seen);

        auto never = s.createApiKey(std::nullopt);
        CHECK_OK(never);
        QCOMPARE(s.listApiKeys()->size(), 2);
        QCOMPARE(s.apiKeyByPrefix(created->key.displayPrefix())->id, created->key.id);
        QCOMPARE(s.apiKeyByPrefix(created->key.prefix)->id, created->key.id);
        QCOMPARE(s.apiKeyByPrefix(QStringLiteral("nope")).error().kind, Error::NotFound);

        // Expiry by time and by the admin.
        m_clock->advance(qint64(91) * 24 * 3600 * 1000);
        QCOMPARE(s.authenticateApiKey(full).error().kind, Error::Invalid);
        CHECK_OK(s.authenticateApiKey(never->fullKey));
        CHECK_OK(s.expireApiKey(never->key.id));
        m_clock->advance(1);
        QVERIFY(!s.authenticateApiKey(never->fullKey).ok());

        CHECK_OK(s.deleteApiKey(never->key.id));
        QCOMPARE(s.deleteApiKey(never->key.id).error().kind, Error::NotFound);
        QCOMPARE(s.listApiKeys()->size(), 1);
    }

    void policyAndState_data() { backends(); }
    void policyAndState()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        auto none = s.policy();
        CHECK_OK(none);
        QVERIFY(!none->has_value());
        const QString text = QStringLiteral("{\n  // HuJSON with a comment, and unicode: \u00e9\n  \"acls\": []\n}");
        CHECK_OK(s.setPolicy(text));
        m_clock->advance(1000);
        const QString text2 = QStringLiteral("{\"acls\":[{\"action\":\"accept\",\"src\":[\"*\"],\"dst\":[\"*:*\"]}]}");
        auto set = s.setPolicy(text2);
        CHECK_OK(set);
        auto got = s.policy();
        CHECK_OK(got);
        QVERIFY(got->has_value());
        QCOMPARE((*got)->text, text2);
        QCOMPARE((*got)->updatedAt, m_clock->nowUtc());

        auto missing = s.stateValue(QStringLiteral("ip.cursor"));
        CHECK_OK(missing);
        QVERIFY(!missing->has_value());
        const QByteArray binary("\x00\x01\xff binary", 10);
        CHECK_OK(s.setStateValue(QStringLiteral("ip.cursor"), binary));
        QCOMPARE(s.stateValue(QStringLiteral("ip.cursor"))->value(), binary);
        CHECK_OK(s.setStateValue(QStringLiteral("ip.cursor"), "second"));
        QCOMPARE(s.stateValue(QStringLiteral("ip.cursor"))->value(), QByteArray("second"));
    }

    // Two registrations race for one single-use key, each on its own thread and connection:
    // exactly one may win, every round.
    void singleUseRace_data() { backends(); }
    void singleUseRace()
    {
        OPEN_STORE(f);
        Store& s = *f.store;
        auto u = s.createUser(User{.name = QStringLiteral("alice")});
        CHECK_OK(u);
        constexpr int Rounds = 20;
        for (int round = 0; round < Rounds; ++round) {
            auto key = s.createPreAuthKey(NewPreAuthKey{.userId = u->id});
            CHECK_OK(key);
            std::atomic<int> wins{0};
            std::atomic<int> alreadyUsed{0};
            std::atomic<int> ready{0};
            QStringList otherErrors;
            QMutex mutex;
            auto contender = [&] {
                ready.fetch_add(1);
                while (ready.load() < 2) {
                }
                auto r = s.usePreAuthKey(key->fullKey);
                if (r.ok())
                    wins.fetch_add(1);
                else if (r.error().message == QLatin1String("authkey already used"))
                    alreadyUsed.fetch_add(1);
                else {
                    QMutexLocker lock(&mutex);
                    otherErrors << r.error().message;
                }
                s.releaseThreadConnection();
            };
            std::unique_ptr<QThread> a(QThread::create(contender));
            std::unique_ptr<QThread> b(QThread::create(contender));
            a->start();
            b->start();
            QVERIFY(a->wait(60000));
            QVERIFY(b->wait(60000));
            QVERIFY2(otherErrors.isEmpty(), qPrintable(otherErrors.join(QStringLiteral("; "))));
            QCOMPARE(wins.load(), 1);
            QCOMPARE(alreadyUsed.load(), 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
