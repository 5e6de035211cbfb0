// Stored approvals of Tailscale SSH checks (schema v7), on both backends: one row per (source,
// destination) pair replaced by a new approval, removed by a refusal, by pruning and with either
// node (foreign keys). Postgres rows need scripts/test-postgres.sh (tests/kit/TempDatabase.h).
#include "TempDatabase.h"

#include "common/Clock.h"
#include "common/MockClock.h"
#include "store/Store.h"

#include <QtTest>

using namespace keel::store;
using keel::test::TempDatabase;

#define CHECK_OK(r) QVERIFY2((r).ok(), qPrintable((r).ok() ? QString() : (r).error().message))

namespace {

Node node(const QString& name, qint64 userId, int n)
{
    Node x;
    x.machineKey = QStringLiteral("mkey:%1").arg(n, 64, 16, QLatin1Char('0'));
    x.nodeKey = QStringLiteral("nodekey:%1").arg(n, 64, 16, QLatin1Char('0'));
    x.discoKey = QStringLiteral("discokey:%1").arg(n, 64, 16, QLatin1Char('0'));
    x.ipv4 = QStringLiteral("100.64.0.%1").arg(n);
    x.hostname = name;
    x.givenName = name;
    x.userId = userId;
    x.registerMethod = QStringLiteral("authkey");
    return x;
}

} // namespace

class TestStoreSsh : public QObject
{
    Q_OBJECT

private slots:
    void init() { keel::Clock::install(std::make_shared<keel::MockClock>(QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC))); }
    void cleanup() { keel::Clock::reset(); }

    void approvals_data()
    {
        QTest::addColumn<QString>("backend");
        for (const QString& b : TempDatabase::backends())
            QTest::newRow(qPrintable(b)) << b;
    }

    void approvals()
    {
        QFETCH(QString, backend);
        TempDatabase db(backend);
        KEEL_REQUIRE_DATABASE(db);
        QString error;
        auto store = Store::open(db.options(), &error);
        QVERIFY2(store, qPrintable(error));
        Store& s = *store;
        QCOMPARE(s.schemaVersion(), 7);
        auto u = s.createUser(User{.name = QStringLiteral("alice")});
        CHECK_OK(u);
        auto a = s.createNode(node(QStringLiteral("laptop"), u->id, 1));
        auto b = s.createNode(node(QStringLiteral("server"), u->id, 2));
        auto c = s.createNode(node(QStringLiteral("phone"), u->id, 3));
        CHECK_OK(a);
        CHECK_OK(b);
        CHECK_OK(c);

        const QDateTime t0 = keel::Clock::now();
        SshApproval first{a->id, b->id, QStringLiteral("root"), t0, t0.addSecs(3600), QStringLiteral("apikey:abc")};
        CHECK_OK(s.putSshApproval(first));
        CHECK_OK(s.putSshApproval(SshApproval{c->id, b->id, QStringLiteral("ubuntu"), t0, t0.addSecs(60), QStringLiteral("cli")}));
        // The same pair again replaces its row.
        SshApproval second{a->id, b->id, QStringLiteral("admin"), t0.addSecs(10), t0.addSecs(7210), QStringLiteral("oidc:alice")};
        CHECK_OK(s.putSshApproval(second));
        auto list = s.listSshApprovals();
        CHECK_OK(list);
        QCOMPARE(list->size(), 2);
        const SshApproval& got = list->at(0);
        QCOMPARE(got.srcNodeId, a->id);
        QCOMPARE(got.dstNodeId, b->id);
        QCOMPARE(got.localUser, QStringLiteral("admin"));
        QCOMPARE(got.approvedAt, second.approvedAt);
        QCOMPARE(got.expiresAt, second.expiresAt);
        QCOMPARE(got.approvedBy, QStringLiteral("oidc:alice"));

        // Bad input is refused; a node that does not exist breaks the foreign key.
        QCOMPARE(s.putSshApproval(SshApproval{}).error().kind, Error::Invalid);
        QVERIFY(!s.putSshApproval(SshApproval{a->id, 9999, {}, t0, t0, {}}).ok());

        // A refusal removes the pair's row, once.
        auto removed = s.deleteSshApproval(c->id, b->id);
        CHECK_OK(removed);
        QVERIFY(*removed);
        removed = s.deleteSshApproval(c->id, b->id);
        CHECK_OK(removed);
        QVERIFY(!*removed);

        // Pruned by approval time.
        auto pruned = s.pruneSshApprovals(t0.addSecs(5));
        CHECK_OK(pruned);
        QCOMPARE(*pruned, 0);
        // Gone with either of its nodes.
        CHECK_OK(s.deleteNode(a->id));
        list = s.listSshApprovals();
        CHECK_OK(list);
        QVERIFY(list->isEmpty());
        CHECK_OK(s.putSshApproval(SshApproval{c->id, b->id, QStringLiteral("root"), t0, t0.addSecs(60), {}}));
        pruned = s.pruneSshApprovals(t0.addSecs(1));
        CHECK_OK(pruned);
        QCOMPARE(*pruned, 1);
    }
};

QTEST_GUILESS_MAIN(TestStoreSsh)
#include "tst_storessh.moc"
