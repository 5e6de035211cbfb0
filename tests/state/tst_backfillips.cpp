// `nodes backfillips` (Headscale's semantics): after a prefix is added every node gets an address
// from it, after one is removed its addresses go; a second run changes nothing; peers hear of it.
#include "state/State.h"
#include "TestBed.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace keel;
using state::Actor;
using state::State;

class TestBackfillIps : public QObject, protected test::TestBed
{
    Q_OBJECT

    std::unique_ptr<State> load()
    {
        QString error;
        auto s = State::load(*m_store, m_config, &error);
        if (!s)
            qWarning() << error;
        return s;
    }

    qint64 addNode(State& s, int n)
    {
        state::NewNode spec;
        spec.machineKey = QStringLiteral("mkey:%1").arg(n, 64, 10, QLatin1Char('0'));
        spec.nodeKey = QStringLiteral("nodekey:%1").arg(n, 64, 10, QLatin1Char('0'));
        spec.hostinfoJson = QJsonDocument(QJsonObject{{QStringLiteral("Hostname"), QStringLiteral("n%1").arg(n)}}).toJson(QJsonDocument::Compact);
        spec.userId = m_alice;
        spec.registerMethod = QStringLiteral("authkey");
        const auto created = s.createNode(spec);
        return created ? created->node.id : 0;
    }

private slots:
    void init() { KEEL_OPEN_TEST_BED("sqlite"); }
    void cleanup() { closeBed(); }

    void addsAndRemovesFamiliesAsThePrefixesSay()
    {
        const QString v6 = m_config.prefixes.v6;
        QVERIFY(!m_config.prefixes.v4.isEmpty() && !v6.isEmpty());
        m_config.prefixes.v6.clear();
        qint64 a = 0, b = 0;
        {
            auto s = load();
            QVERIFY(s);
            a = addNode(*s, 1);
            b = addNode(*s, 2);
            QVERIFY(a && b);
            QVERIFY(s->snapshot()->node(a)->node.ipv6.isEmpty());
            // Nothing to do while the nodes match the prefixes.
            QCOMPARE(s->backfillIps(Actor::system())->size(), 0);
        }
        // IPv6 configured: both nodes get an address from it, distinct, in the prefix.
        m_config.prefixes.v6 = v6;
        {
            auto s = load();
            QVERIFY(s);
            const auto changes = s->backfillIps(Actor::of(QStringLiteral("unix:0")));
            QVERIFY(changes);
            QCOMPARE(changes->size(), 2);
            QVERIFY(changes->first().contains(QLatin1String("assigned IPv6")));
            const QString a6 = s->snapshot()->node(a)->node.ipv6;
            const QString b6 = s->snapshot()->node(b)->node.ipv6;
            QVERIFY(!a6.isEmpty() && !b6.isEmpty() && a6 != b6);
            QVERIFY(QHostAddress(a6).isInSubnet(QHostAddress::parseSubnet(v6)));
            // Stored, not only published.
            QCOMPARE(m_store->nodeById(a)->ipv6, a6);
            QCOMPARE(s->backfillIps(Actor::system())->size(), 0);
            // Audited.
            bool audited = false;
            const auto log = s->auditLog({});
            QVERIFY(log);
            for (const auto& e : *log)
                audited = audited || (e.action == QLatin1String("node.backfillips") && e.actor == QLatin1String("unix:0"));
            QVERIFY(audited);
            // A new node does not get an address already handed out.
            const qint64 c = addNode(*s, 3);
            QVERIFY(c);
            const QString c6 = s->snapshot()->node(c)->node.ipv6;
            QVERIFY(c6 != a6 && c6 != b6);
        }
        // IPv4 no longer configured: the IPv4 addresses go.
        m_config.prefixes.v4.clear();
        {
            auto s = load();
            QVERIFY(s);
            const auto changes = s->backfillIps(Actor::system());
            QVERIFY(changes);
            QCOMPARE(changes->size(), 3);
            QVERIFY(changes->first().contains(QLatin1String("removed IPv4")));
            QVERIFY(s->snapshot()->node(a)->node.ipv4.isEmpty());
            QVERIFY(!s->snapshot()->node(a)->node.ipv6.isEmpty());
            QVERIFY(m_store->nodeById(a)->ipv4.isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestBackfillIps)
#include "tst_backfillips.moc"
