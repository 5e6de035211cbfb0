// State's route bookkeeping on a real store: auto-approval written to the store (and kept across a
// restart), served routes, exit nodes and the HA election as nodes come and go.
#include "state/State.h"
#include "TestBed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace keel;
using state::Change;
using state::State;
using state::Actor;

namespace {

QString key(const char* prefix, int n)
{
    return QString::fromLatin1(prefix) + QStringLiteral("%1").arg(n, 64, 10, QLatin1Char('0'));
}

QByteArray hostinfo(const QString& hostname, const QStringList& routes)
{
    QJsonObject hi{{"Hostname", hostname}, {"OS", "linux"}};
    if (!routes.isEmpty())
        hi.insert("RoutableIPs", QJsonArray::fromStringList(routes));
    return QJsonDocument(hi).toJson(QJsonDocument::Compact);
}

bool hasChanged(const state::ChangeList& changes, qint64 id)
{
    for (const Change& c : changes)
        if (c.kind == Change::Kind::PeerChanged && c.nodeId == id)
            return true;
    return false;
}

} // namespace

class TestRouteState : public QObject, protected test::TestBed
{
    Q_OBJECT

    state::ChangeList m_changes;

    std::unique_ptr<State> loadState()
    {
        QString error;
        auto s = State::load(*m_store, m_config, &error);
        if (!s)
            qWarning() << error;
        else
            s->setChangeHandler([this](const state::ChangeList& c) { m_changes += c; });
        return s;
    }

    qint64 router(State& s, int n, const QStringList& routes, const QStringList& approve = {})
    {
        state::NewNode spec;
        spec.machineKey = key("mkey:", n);
        spec.nodeKey = key("nodekey:", n);
        spec.hostinfoJson = hostinfo(QStringLiteral("router%1").arg(n), routes);
        spec.userId = m_alice;
        spec.registerMethod = "authkey";
        const auto created = s.createNode(spec);
        if (!created)
            return 0;
        const qint64 id = created->node.id;
        if (!approve.isEmpty()) {
            // What the admin API does: one State verb.
            if (!s.setApprovedRoutes(id, approve, Actor::system()))
                return 0;
        }
        return id;
    }

    void setPolicy(const QByteArray& text)
    {
        m_config.policy.mode = "database";
        QVERIFY(m_store->setPolicy(QString::fromUtf8(text)));
    }

    static void backends()
    {
        QTest::addColumn<QString>("backend");
        for (const QString& b : test::TempDatabase::backends())
            QTest::newRow(qPrintable(b)) << b;
    }

private Q_SLOTS:
    void init()
    {
        // Tests with a backend column run on SQLite and PostgreSQL; the others on SQLite.
        KEEL_OPEN_TEST_BED(backendFromDataTag());
        m_changes.clear();
    }
    void cleanup() { closeBed(); }

    void autoApprovalIsStoredAndOnlyAdds_data() { backends(); }
    void autoApprovalIsStoredAndOnlyAdds()
    {
        setPolicy(R"({"autoApprovers":{"routes":{"10.0.0.0/8":["alice@"]},"exitNode":["alice@"]},
                      "acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]})");
        auto s = loadState();
        QVERIFY(s);
        const qint64 id = router(*s, 1, {"10.1.0.0/16", "192.168.0.0/24"});
        QVERIFY(id);
        QCOMPARE(m_store->nodeById(id)->approvedRoutes, QStringList{"10.1.0.0/16"});
        QCOMPARE(s->snapshot()->servedRoutes.value(id), QStringList{"10.1.0.0/16"});

        // A MapRequest announcing more: the new approvable route is added, in the store first.
        state::NodeReport r;
        r.hostinfoJson = hostinfo("router1", {"10.2.0.0/16", "0.0.0.0/0", "::/0"});
        QVERIFY(s->applyReport(id, r));
        QCOMPARE(m_store->nodeById(id)->approvedRoutes, (QStringList{"0.0.0.0/0", "10.1.0.0/16", "10.2.0.0/16", "::/0"}));
        QVERIFY(s->snapshot()->exitNodes.contains(id));

        // Withdrawn routes stay approved (only an admin removes approvals) but are not served.
        r.hostinfoJson = hostinfo("router1", {});
        QVERIFY(s->applyReport(id, r));
        QCOMPARE(m_store->nodeById(id)->approvedRoutes.size(), 4);
        QVERIFY(!s->snapshot()->servedRoutes.contains(id));
        QVERIFY(!s->snapshot()->exitNodes.contains(id));

        // A restart with a policy without autoApprovers keeps what was approved.
        s.reset();
        QVERIFY(m_store->setPolicy(R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]})"));
        s = loadState();
        QCOMPARE(s->snapshot()->node(id)->node.approvedRoutes.size(), 4);
    }

    void policyChangeApprovesAnnouncedRoutes_data() { backends(); }
    void policyChangeApprovesAnnouncedRoutes()
    {
        auto s = loadState();
        const qint64 tagged = router(*s, 1, {"10.0.0.0/24"});
        const qint64 other = router(*s, 2, {"172.16.0.0/24"});
        QVERIFY(m_store->nodeById(tagged)->approvedRoutes.isEmpty());
        setPolicy(R"({"autoApprovers":{"routes":{"10.0.0.0/24":["alice@"]}}})");
        m_changes.clear();
        QString error;
        QVERIFY2(s->reloadPolicy(&error), qPrintable(error));
        QCOMPARE(m_store->nodeById(tagged)->approvedRoutes, QStringList{"10.0.0.0/24"});
        QVERIFY(m_store->nodeById(other)->approvedRoutes.isEmpty());
        QVERIFY(hasChanged(m_changes, tagged));
        QCOMPARE(s->snapshot()->node(tagged)->node.approvedRoutes, QStringList{"10.0.0.0/24"});
    }

    void adminRemovalStaysUntilTagsOrPolicyChange_data() { backends(); }
    void adminRemovalStaysUntilTagsOrPolicyChange()
    {
        setPolicy(R"({"tagOwners":{"tag:router":["alice@"]},"autoApprovers":{"routes":{"10.0.0.0/8":["tag:router"]}}})");
        auto s = loadState();
        QVERIFY(s);
        const qint64 id = router(*s, 1, {"10.0.0.0/24"});
        QVERIFY(m_store->nodeById(id)->approvedRoutes.isEmpty()); // alice's node: not an approver
        // Tagged by an admin: now an approver, the announced route is approved.
        QVERIFY(s->setTags(id, {"tag:router"}, Actor::system()));
        QCOMPARE(m_store->nodeById(id)->approvedRoutes, QStringList{"10.0.0.0/24"});
        // The admin takes the approval away: it stays away.
        QVERIFY(s->setApprovedRoutes(id, {}, Actor::system()));
        QVERIFY(s->snapshot()->node(id)->node.approvedRoutes.isEmpty());
        QVERIFY(s->snapshot()->primaries.isEmpty());
    }

    void electionFollowsOnlineWithAntiFlap()
    {
        auto s = loadState();
        const QStringList route{"10.0.0.0/24"};
        const qint64 a = router(*s, 1, route, route);
        const qint64 b = router(*s, 2, route, route);
        QVERIFY(s->snapshot()->primaries.isEmpty()); // nobody online yet
        s->setOnline(a, true);
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), a);
        s->setOnline(b, true);
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), a);

        m_changes.clear();
        s->setOnline(a, false);
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), b);
        // Both routers' peers must learn it: A lost the route, B gained it.
        QVERIFY(hasChanged(m_changes, a));
        QVERIFY(hasChanged(m_changes, b));

        m_changes.clear();
        s->setOnline(a, true);
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), b); // anti-flap: B keeps it
        QVERIFY(!hasChanged(m_changes, b));

        QVERIFY(s->deleteNode(b));
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), a);
        QCOMPARE(s->snapshot()->primaryRoutesOf(a), route);
    }

    void approvalChangesReElect_data() { backends(); }
    void approvalChangesReElect()
    {
        auto s = loadState();
        const qint64 a = router(*s, 1, {"10.0.0.0/24", "10.9.0.0/16"}, {"10.0.0.0/24"});
        s->setOnline(a, true);
        QCOMPARE(s->snapshot()->primaryRoutesOf(a), QStringList{"10.0.0.0/24"});
        QVERIFY(s->setApprovedRoutes(a, {"10.0.0.0/24", "10.9.0.0/16"}, Actor::system()));
        QCOMPARE(s->snapshot()->primaryRoutesOf(a), (QStringList{"10.0.0.0/24", "10.9.0.0/16"}));
        QVERIFY(s->setApprovedRoutes(a, {}, Actor::system()));
        QVERIFY(s->snapshot()->primaries.isEmpty());
    }

    void unhealthyRouterLosesItsPrefixes()
    {
        auto s = loadState();
        const QStringList route{"10.0.0.0/24"};
        const qint64 a = router(*s, 1, route, route);
        const qint64 b = router(*s, 2, route, route);
        s->setOnline(a, true);
        s->setOnline(b, true);
        QVERIFY(s->setRouterHealth({{a, false}}));
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), b);
        QVERIFY(!s->setRouterHealth({{a, false}})); // nothing new
        // Healthy again: B stays (anti-flap); a reconnect also clears the verdict.
        QVERIFY(s->setRouterHealth({{a, true}}));
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), b);
        QVERIFY(s->setRouterHealth({{b, false}, {a, false}}));
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), b); // all unhealthy: keep current
        s->clearUnhealthy(a);
        QVERIFY(!s->snapshot()->unhealthy.contains(a));
        QCOMPARE(s->snapshot()->primaries.value("10.0.0.0/24"), a);
    }
};

QTEST_GUILESS_MAIN(TestRouteState)
#include "tst_routestate.moc"
