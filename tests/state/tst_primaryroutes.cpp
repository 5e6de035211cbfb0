// The HA election (control.md 7.4) and the per-node route arithmetic, without a store.
#include "state/PrimaryRoutes.h"

#include <QTest>

using namespace keel;
using state::PrimaryRoutes;
using Candidate = PrimaryRoutes::Candidate;

class TestPrimaryRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lowestHealthyIdWins()
    {
        const QList<Candidate> online{{7, true, {"10.0.0.0/24"}}, {3, true, {"10.0.0.0/24", "10.1.0.0/16"}}, {5, true, {"10.0.0.0/24"}}};
        const auto a = PrimaryRoutes::elect(online, {});
        QCOMPARE(a.value("10.0.0.0/24"), 3);
        QCOMPARE(a.value("10.1.0.0/16"), 3);
        QCOMPARE(a.size(), 2);
    }

    void currentPrimaryKeptWhileHealthy()
    {
        // Anti-flap: node 3 came back, but 7 is serving and healthy, so 7 keeps the prefix.
        const QList<Candidate> online{{3, true, {"10.0.0.0/24"}}, {7, true, {"10.0.0.0/24"}}};
        const auto a = PrimaryRoutes::elect(online, {{"10.0.0.0/24", 7}});
        QCOMPARE(a.value("10.0.0.0/24"), 7);
    }

    void unhealthyPrimaryReplaced()
    {
        const QList<Candidate> online{{3, true, {"10.0.0.0/24"}}, {5, true, {"10.0.0.0/24"}}, {7, false, {"10.0.0.0/24"}}};
        QCOMPARE(PrimaryRoutes::elect(online, {{"10.0.0.0/24", 7}}).value("10.0.0.0/24"), 3);
        // An unhealthy lower id is skipped.
        const QList<Candidate> online2{{3, false, {"10.0.0.0/24"}}, {5, true, {"10.0.0.0/24"}}};
        QCOMPARE(PrimaryRoutes::elect(online2, {}).value("10.0.0.0/24"), 5);
    }

    void allUnhealthyKeepsCurrentElseUnassigned()
    {
        const QList<Candidate> online{{3, false, {"10.0.0.0/24"}}, {7, false, {"10.0.0.0/24"}}};
        QCOMPARE(PrimaryRoutes::elect(online, {{"10.0.0.0/24", 7}}).value("10.0.0.0/24"), 7);
        // The previous primary is gone (offline, so not a candidate): nobody, rather than a dead router.
        const auto a = PrimaryRoutes::elect(online, {{"10.0.0.0/24", 9}});
        QVERIFY(!a.contains("10.0.0.0/24"));
        QVERIFY(PrimaryRoutes::elect(online, {}).isEmpty());
    }

    void primaryGoneFailsOver()
    {
        const QList<Candidate> online{{9, true, {"10.0.0.0/24"}}, {4, true, {"10.0.0.0/24"}}};
        QCOMPARE(PrimaryRoutes::elect(online, {{"10.0.0.0/24", 2}}).value("10.0.0.0/24"), 4);
        QVERIFY(PrimaryRoutes::elect({}, {{"10.0.0.0/24", 2}}).isEmpty());
    }

    void exactPrefixOnly()
    {
        // A /16 and a /24 inside it are different prefixes: each has its own primary.
        const QList<Candidate> online{{1, true, {"10.0.0.0/16"}}, {2, true, {"10.0.0.0/24"}}};
        const auto a = PrimaryRoutes::elect(online, {});
        QCOMPARE(a.value("10.0.0.0/16"), 1);
        QCOMPARE(a.value("10.0.0.0/24"), 2);
        QCOMPARE(PrimaryRoutes::byNode(a).value(2), QStringList{"10.0.0.0/24"});
    }

    void byNodeIsSorted()
    {
        const auto by = PrimaryRoutes::byNode({{"192.168.0.0/24", 1}, {"10.0.0.0/8", 1}, {"fd00::/8", 2}});
        QCOMPARE(by.value(1), (QStringList{"10.0.0.0/8", "192.168.0.0/24"}));
        QCOMPARE(by.value(2), QStringList{"fd00::/8"});
    }

    void servedRoutesAreAnnouncedAndApproved()
    {
        store::Node n;
        n.announcedRoutes = {"10.0.0.0/24", "192.168.1.0/24", "0.0.0.0/0", "::/0", "FD00:0::/8"};
        n.approvedRoutes = {"10.0.0.0/24", "172.16.0.0/12", "0.0.0.0/0", "fd00::/8"};
        QCOMPARE(PrimaryRoutes::servedSubnetRoutes(n), (QStringList{"10.0.0.0/24", "fd00::/8"}));
        // Only one exit route approved: no exit node (clients need both).
        QVERIFY(PrimaryRoutes::servedExitRoutes(n).isEmpty());
        n.approvedRoutes << "::/0";
        QCOMPARE(PrimaryRoutes::servedExitRoutes(n), (QStringList{"0.0.0.0/0", "::/0"}));
        n.announcedRoutes.removeAll("::/0");
        QVERIFY(PrimaryRoutes::servedExitRoutes(n).isEmpty());
    }

    void canonicalRejectsGarbage()
    {
        QCOMPARE(PrimaryRoutes::canonical("10.0.0.0/24"), QString("10.0.0.0/24"));
        QCOMPARE(PrimaryRoutes::canonical("10.0.0.7/24"), QString("10.0.0.0/24"));
        for (const char* bad : {"", "10.0.0.0", "10.0.0.0/33", "nonsense/8", "/", "::/129", "1.2.3/8"})
            QVERIFY2(PrimaryRoutes::canonical(QString::fromLatin1(bad)).isEmpty(), bad);
        store::Node n;
        n.announcedRoutes = {"garbage", "10.0.0.0/24"};
        n.approvedRoutes = {"garbage", "10.0.0.0/24"};
        QCOMPARE(PrimaryRoutes::servedSubnetRoutes(n), QStringList{"10.0.0.0/24"});
    }
};

QTEST_GUILESS_MAIN(TestPrimaryRoutes)
#include "tst_primaryroutes.moc"
