// State as the one door (issue 11): events in order without gaps, resuming watchers, the audit
// entry of every admin verb, device approval, and a registration whose node cannot be created
// leaving its single-use key unspent.
#include "common/Clock.h"
#include "common/MockClock.h"
#include "state/State.h"
#include "store/Store.h"
#include "TempDatabase.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace keel;
using state::Actor;
using state::State;

namespace {

QString key(const char* prefix, int n)
{
    return QString::fromLatin1(prefix) + QStringLiteral("%1").arg(n, 64, 10, QLatin1Char('0'));
}

} // namespace

class TestStateEvents : public QObject
{
    Q_OBJECT

    std::shared_ptr<MockClock> m_clock;
    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<store::Store> m_store;
    config::Config m_config;
    qint64 m_alice = 0;

    std::unique_ptr<State> loadState()
    {
        QString error;
        auto s = State::load(*m_store, m_config, &error);
        if (!s)
            qWarning() << error;
        return s;
    }

    state::NewNode spec(int n)
    {
        state::NewNode s;
        s.machineKey = key("mkey:", n);
        s.nodeKey = key("nodekey:", n);
        s.hostinfoJson = QJsonDocument(QJsonObject{{"Hostname", QStringLiteral("host%1").arg(n)}}).toJson(QJsonDocument::Compact);
        s.userId = m_alice;
        s.registerMethod = "authkey";
        return s;
    }

    qint64 singleUseKey()
    {
        store::NewPreAuthKey k;
        k.userId = m_alice;
        auto created = m_store->createPreAuthKey(k);
        return created ? created->key.id : 0;
    }

private Q_SLOTS:
    void init()
    {
        m_clock = std::make_shared<MockClock>();
        Clock::install(m_clock);
        m_db = std::make_unique<test::TempDatabase>("sqlite");
        QString error;
        m_store = store::Store::open(m_db->options(), &error);
        QVERIFY2(m_store, qPrintable(error));
        m_config = config::Config();
        m_config.prefixes.v4 = "100.64.0.0/10";
        m_config.prefixes.v6 = "fd7a:115c:a1e0::/48";
        store::User u;
        u.name = "alice";
        m_alice = m_store->createUser(u)->id;
    }
    void cleanup()
    {
        m_store.reset();
        m_db.reset();
        Clock::reset();
    }

    void burstArrivesInOrderWithoutGap()
    {
        auto s = loadState();
        QVERIFY(s);
        const qint64 id = s->createNode(spec(1))->node.id;
        QList<state::Event> seen;
        s->events().subscribe([&](const state::Event& e) { seen << e; });
        const quint64 first = s->events().lastSeq() + 1;
        for (int i = 0; i < 1000; ++i)
            s->setOnline(id, i % 2 == 0); // node.online / node.offline, alternating
        QCOMPARE(seen.size(), 1000);
        for (int i = 0; i < seen.size(); ++i) {
            QCOMPARE(seen[i].seq, first + quint64(i));
            QCOMPARE(seen[i].type, i % 2 == 0 ? QString("node.online") : QString("node.offline"));
            QCOMPARE(seen[i].epoch, s->events().epoch());
            QCOMPARE(seen[i].toJson()["node"].toObject()["id"].toString(), QString::number(id));
        }
        // A second subscriber and the ring see the same sequence.
        bool complete = false;
        const QList<state::Event> kept = s->events().since(first - 1, &complete);
        QVERIFY(complete);
        QCOMPARE(kept.size(), 1000);
        QCOMPARE(kept.last().seq, seen.last().seq);
    }

    void watcherResumesOrIsToldToResync()
    {
        state::EventBus bus(100);
        for (int i = 0; i < 50; ++i)
            bus.publish("node.changed", {{"i", i}});
        bool complete = false;
        // Reconnecting after event 20: gets 21..50, nothing lost, nothing twice.
        QList<state::Event> missed = bus.since(20, &complete);
        QVERIFY(complete);
        QCOMPARE(missed.size(), 30);
        QCOMPARE(missed.first().seq, quint64(21));
        QCOMPARE(missed.first().payload["i"].toInt(), 20);
        for (int i = 0; i < 200; ++i)
            bus.publish("node.changed", {{"i", 50 + i}});
        // 21.. is gone from a ring of 100: the watcher must resync.
        missed = bus.since(20, &complete);
        QVERIFY(!complete);
        QCOMPARE(missed.size(), 100);
        QCOMPARE(missed.first().seq, quint64(151));
        // Up to date: nothing.
        QVERIFY(bus.since(bus.lastSeq(), &complete).isEmpty());
        QVERIFY(complete);
    }

    void eventsPublishedBySubscribersStayInOrder()
    {
        state::EventBus bus;
        QList<quint64> a, b;
        bus.subscribe([&](const state::Event& e) {
            a << e.seq;
            if (e.type == "first")
                bus.publish("second", {}); // e.g. an audit entry after an action
        });
        bus.subscribe([&](const state::Event& e) { b << e.seq; });
        bus.publish("first", {});
        QCOMPARE(a, (QList<quint64>{1, 2}));
        QCOMPARE(b, (QList<quint64>{1, 2}));
    }

    void failedCreationLeavesSingleUseKeyUnspent()
    {
        // A /30 has two usable addresses (network and broadcast are reserved).
        m_config.prefixes.v4 = "100.64.0.0/30";
        m_config.prefixes.v6 = "";
        auto s = loadState();
        QVERIFY(s);
        for (int n = 1; n <= 2; ++n) {
            state::NewNode a = spec(n);
            a.authKeyId = singleUseKey();
            a.spendKey = true;
            auto r = s->createNode(a);
            QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
            QVERIFY(m_store->preAuthKeyById(*a.authKeyId)->used);
        }
        state::NewNode c = spec(3);
        c.authKeyId = singleUseKey();
        c.spendKey = true;
        const auto failed = s->createNode(c);
        QVERIFY(!failed);
        QVERIFY(!m_store->preAuthKeyById(*c.authKeyId)->used); // still usable once space is freed
        QCOMPARE(m_store->listNodes()->size(), 2);
        // Free an address: the same key now works, once.
        QVERIFY(s->deleteNode(s->snapshot()->nodeByKey(key("nodekey:", 1))->node.id, Actor::of("unix:0")));
        QVERIFY(s->createNode(c));
        QVERIFY(m_store->preAuthKeyById(*c.authKeyId)->used);
        state::NewNode again = spec(4);
        again.authKeyId = c.authKeyId;
        again.spendKey = true;
        m_config.prefixes.v4 = "100.64.0.0/10";
        const auto spent = s->createNode(again);
        QVERIFY(!spent);
    }

    void spentKeyRefusedInTheSameTransaction()
    {
        auto s = loadState();
        state::NewNode a = spec(1);
        a.authKeyId = singleUseKey();
        a.spendKey = true;
        QVERIFY(s->createNode(a));
        state::NewNode b = spec(2);
        b.authKeyId = a.authKeyId;
        b.spendKey = true;
        const auto r = s->createNode(b);
        QVERIFY(!r);
        QCOMPARE(r.error().message, QString("authkey already used"));
        QVERIFY(!s->snapshot()->nodeByKey(key("nodekey:", 2)));
        QCOMPARE(m_store->listNodes()->size(), 1);
    }

    void everyAdminVerbLeavesAnAuditEntry()
    {
        m_config.policy.mode = "database";
        auto s = loadState();
        QVERIFY(s);
        const Actor me = Actor::of("unix:1000");
        QList<state::Event> audits;
        s->events().subscribe([&](const state::Event& e) {
            if (e.type == "audit.entry")
                audits << e;
        });
        store::User bob;
        bob.name = "bob";
        const auto created = s->createUser(bob, me);
        QVERIFY(created);
        QVERIFY(s->renameUser(created->id, "robert", me));
        const qint64 id = s->createNode(spec(1))->node.id;
        QVERIFY(s->renameNode(id, "web", me));
        QVERIFY(s->setOwner(id, created->id, me));
        QVERIFY(s->setApprovedRoutes(id, {"10.0.0.0/24"}, me));
        QVERIFY(s->setExpiry(id, Clock::now().addDays(1), me));
        QVERIFY(s->setTags(id, {"tag:web"}, me));
        QVERIFY(s->authorizeNode(id, me)); // already authorized: no entry
        store::NewPreAuthKey k;
        k.userId = m_alice;
        const auto pak = s->createPreAuthKey(k, me);
        QVERIFY(pak);
        QVERIFY(s->expirePreAuthKey(pak->key.id, me));
        QVERIFY(s->deletePreAuthKey(pak->key.id, me));
        const auto api = s->createApiKey(std::nullopt, me);
        QVERIFY(api);
        QVERIFY(s->expireApiKey(api->key.id, me));
        QVERIFY(s->deleteApiKey(api->key.id, me));
        QVERIFY(s->setPolicy(R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]})", me));
        QVERIFY(s->deleteNode(id, me));
        QVERIFY(s->deleteUser(created->id, me));

        const QStringList expected{"user.create", "user.rename", "node.rename", "node.move", "node.approve_routes",
                                   "node.expire", "node.tags", "preauthkey.create", "preauthkey.expire", "preauthkey.delete",
                                   "apikey.create", "apikey.expire", "apikey.delete", "policy.set", "node.delete", "user.delete"};
        store::AuditFilter all;
        all.limit = 1000;
        const auto log = s->auditLog(all);
        QVERIFY(log);
        QStringList actions;
        for (auto it = log->crbegin(); it != log->crend(); ++it) { // stored newest first
            QCOMPARE(it->actor, QString("unix:1000"));
            actions << it->action;
        }
        QCOMPARE(actions, expected);
        QCOMPARE(audits.size(), expected.size());
        QCOMPARE(audits.first().payload["entry"].toObject()["action"].toString(), QString("user.create"));
        // Filters: by action group and target.
        store::AuditFilter nodes;
        nodes.action = "node.";
        QCOMPARE(s->auditLog(nodes)->size(), 6);
        store::AuditFilter target;
        target.target = QStringLiteral("node:%1").arg(id);
        QCOMPARE(s->auditLog(target)->size(), 6);
    }

    void auditRetentionPrunes()
    {
        m_config.audit.retentionMs = 24 * 3600 * 1000LL;
        auto s = loadState();
        s->audit(Actor::of("unix:0"), "user.create", "user:old");
        m_clock->advance(25 * 3600 * 1000LL);
        s->audit(Actor::of("unix:0"), "user.create", "user:new");
        QCOMPARE(s->pruneAudit(), 1);
        const auto left = s->auditLog({});
        QCOMPARE(left->size(), 1);
        QCOMPARE(left->first().target, QString("user:new"));
    }

    void deviceApprovalHoldsNewNodes()
    {
        m_config.node.deviceApproval = true;
        auto s = loadState();
        QVERIFY(s);
        const auto waiting = s->createNode(spec(1));
        QVERIFY(waiting);
        QVERIFY(!waiting->node.authorized);
        QVERIFY(s->snapshot()->unauthorized.contains(waiting->node.id));
        QVERIFY(s->snapshot()->perViewer());
        state::NewNode pre = spec(2);
        pre.preApproved = true;
        const auto in = s->createNode(pre);
        QVERIFY(in->node.authorized);
        // Durable: a restart keeps the node waiting.
        s.reset();
        s = loadState();
        QVERIFY(s->snapshot()->unauthorized.contains(waiting->node.id));
        QList<QString> types;
        s->events().subscribe([&](const state::Event& e) { types << e.type; });
        const auto approved = s->authorizeNode(waiting->node.id, Actor::of("unix:0"));
        QVERIFY(approved);
        QVERIFY(approved->node.authorized);
        QVERIFY(m_store->nodeById(waiting->node.id)->authorized);
        QVERIFY(s->snapshot()->unauthorized.isEmpty());
        QCOMPARE(types, (QList<QString>{"node.changed", "audit.entry"}));
    }
};

QTEST_GUILESS_MAIN(TestStateEvents)
#include "tst_stateevents.moc"
