// The incremental compile (PolicyCompiler(previous, topology)) against a full compile: random
// policies over random tailnets, then random sequences of joins, leaves, retags, owner changes and
// route changes; after every step every node's filter, peers and unreduced rules must be exactly
// those of a full compile of the same topology.
#include "policy/PolicyCompiler.h"
#include "policy/PolicyParser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <memory>

using namespace keel::policy;

namespace {

const QStringList kTags{QStringLiteral("tag:web"), QStringLiteral("tag:db"), QStringLiteral("tag:ci"), QStringLiteral("tag:gw")};

struct Generator {
    QRandomGenerator rng;
    qint64 nextId = 1;

    explicit Generator(quint32 seed)
        : rng(seed)
    {
    }
    int pick(int n) { return int(rng.bounded(n)); }
    bool chance(int percent) { return pick(100) < percent; }

    QString alias()
    {
        static const QStringList pool{QStringLiteral("u1@"), QStringLiteral("u2@"), QStringLiteral("u3@example.com"), QStringLiteral("u4@"),
                                      QStringLiteral("group:a"), QStringLiteral("group:b"), QStringLiteral("tag:web"), QStringLiteral("tag:db"),
                                      QStringLiteral("tag:ci"), QStringLiteral("tag:gw"), QStringLiteral("autogroup:member"),
                                      QStringLiteral("autogroup:tagged"), QStringLiteral("*"), QStringLiteral("h-one"), QStringLiteral("h-net"),
                                      QStringLiteral("100.64.0.0/26"), QStringLiteral("10.1.0.7")};
        return pool[pick(int(pool.size()))];
    }
    QString ports()
    {
        static const QStringList pool{QStringLiteral("*"), QStringLiteral("22"), QStringLiteral("80,443"), QStringLiteral("8000-8100")};
        return pool[pick(int(pool.size()))];
    }

    QJsonObject policy()
    {
        QJsonArray acls;
        const int rules = 4 + pick(10);
        for (int r = 0; r < rules; ++r) {
            QJsonArray src{alias()};
            if (chance(30))
                src.append(alias());
            QJsonArray dst;
            const int dsts = 1 + pick(2);
            for (int d = 0; d < dsts; ++d)
                dst.append(alias() + QLatin1Char(':') + ports());
            if (chance(8)) {
                // autogroup:self takes only user-like sources.
                src = QJsonArray{chance(50) ? QStringLiteral("autogroup:member") : QStringLiteral("group:a")};
                dst = QJsonArray{QStringLiteral("autogroup:self:") + ports()};
            }
            QJsonObject acl{{QStringLiteral("action"), QStringLiteral("accept")}, {QStringLiteral("src"), src}, {QStringLiteral("dst"), dst}};
            if (chance(15))
                acl.insert(QStringLiteral("proto"), QStringLiteral("udp"));
            acls.append(acl);
        }
        QJsonArray grants;
        if (chance(50))
            grants.append(QJsonObject{{QStringLiteral("src"), QJsonArray{alias()}},
                                      {QStringLiteral("dst"), QJsonArray{alias()}},
                                      {QStringLiteral("app"), QJsonObject{{QStringLiteral("tailscale.com/cap/drive"), QJsonArray{QJsonObject{}}}}}});
        if (chance(40))
            grants.append(QJsonObject{{QStringLiteral("src"), QJsonArray{alias()}},
                                      {QStringLiteral("dst"), QJsonArray{alias()}},
                                      {QStringLiteral("ip"), QJsonArray{QStringLiteral("tcp:5432")}}});
        QJsonObject owners;
        for (const QString& t : kTags)
            owners.insert(t, QJsonArray{QStringLiteral("u1@")});
        QJsonObject doc{{QStringLiteral("groups"), QJsonObject{{QStringLiteral("group:a"), QJsonArray{QStringLiteral("u1@"), QStringLiteral("u2@")}},
                                                                {QStringLiteral("group:b"), QJsonArray{QStringLiteral("u3@example.com"), QStringLiteral("u4@")}}}},
                        {QStringLiteral("hosts"), QJsonObject{{QStringLiteral("h-one"), QStringLiteral("100.64.0.5")}, {QStringLiteral("h-net"), QStringLiteral("10.1.0.0/16")}}},
                        {QStringLiteral("tagOwners"), owners},
                        {QStringLiteral("acls"), acls}};
        if (!grants.isEmpty())
            doc.insert(QStringLiteral("grants"), grants);
        return doc;
    }

    TopologyNode node()
    {
        TopologyNode n;
        n.id = nextId++;
        n.name = QStringLiteral("n%1").arg(n.id);
        retag(n);
        // Addresses from the id: unique, and some fall inside the policy's literal prefixes.
        n.ipv4 = IpAddress{false, {0, (100u << 24) | (64u << 16) | quint32(n.id)}};
        n.ipv6 = IpAddress{true, {0xfd7a115ca1e00000ULL, quint64(n.id)}};
        if (chance(8))
            n.ipv6.reset();
        return n;
    }
    void retag(TopologyNode& n)
    {
        n.tags.clear();
        n.userId = 0;
        if (chance(40)) {
            n.tags.append(kTags[pick(int(kTags.size()))]);
            if (chance(25))
                n.tags.append(kTags[pick(int(kTags.size()))]);
            n.tags.removeDuplicates();
        } else {
            n.userId = 1 + pick(5);
        }
    }
    void routes(TopologyNode& n)
    {
        const IpPrefix p = *IpPrefix::parse(QStringLiteral("10.1.%1.0/24").arg(pick(4)));
        n.routableIps = {p};
        n.approvedRoutes = {p};
        if (chance(30)) {
            n.routableIps.append(*IpPrefix::parse(QStringLiteral("0.0.0.0/0")));
            n.approvedRoutes.append(*IpPrefix::parse(QStringLiteral("0.0.0.0/0")));
        }
    }
};

QByteArray dump(const QList<FilterRule>& rules) { return QJsonDocument(toJson(rules)).toJson(QJsonDocument::Compact); }

// Every observable result of `a` equals `b`'s, node by node (structures compared; JSON only to
// show a difference).
QString difference(const PolicyCompiler& a, const PolicyCompiler& b, const Topology& t)
{
    if (a.globalRules() != b.globalRules())
        return QStringLiteral("global rules differ");
    for (int i = 0; i < t.nodes.size(); ++i) {
        const TopologyNode& n = t.nodes[i];
        const QList<FilterRule> fa = a.filterFor(n);
        const QList<FilterRule> fb = b.filterFor(n);
        if (fa != fb)
            return QStringLiteral("filter of %1 differs:\n%2\n%3").arg(n.name, QString::fromUtf8(dump(fa)), QString::fromUtf8(dump(fb)));
        if (a.peersOf(i) != b.peersOf(i))
            return QStringLiteral("peers of %1 differ").arg(n.name);
    }
    // The unreduced rules add only the per-node part to the global rules: a few nodes suffice.
    for (int i = 0; i < t.nodes.size(); i += 7)
        if (a.unreducedRules(t.nodes[i]) != b.unreducedRules(t.nodes[i]))
            return QStringLiteral("unreduced rules of %1 differ").arg(t.nodes[i].name);
    return {};
}

} // namespace

class TestPolicyIncremental : public QObject
{
    Q_OBJECT

private slots:
    void sameAsFullCompile_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed = 1; seed <= 32; ++seed)
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
    }

    void sameAsFullCompile()
    {
        QFETCH(quint32, seed);
        Generator gen(seed);
        PolicyParser parser;
        const auto policy = parser.parse(gen.policy());
        QVERIFY2(policy, qPrintable(parser.errorText()));

        auto topo = std::make_unique<Topology>();
        for (int u = 1; u <= 5; ++u)
            topo->users.append({u, QStringLiteral("u%1").arg(u), QStringLiteral("u%1@example.com").arg(u)});
        for (int i = 0; i < 40; ++i) {
            TopologyNode n = gen.node();
            if (i < 3)
                gen.routes(n); // a few route servers that stay as they are
            topo->nodes.append(n);
        }
        auto compiler = std::make_unique<PolicyCompiler>(*policy, *topo);
        int incremental = 0;
        const int steps = 50;
        for (int step = 0; step < steps; ++step) {
            auto next = std::make_unique<Topology>(*topo);
            const int changes = gen.chance(85) ? 1 : 2 + gen.pick(3);
            QStringList what;
            for (int c = 0; c < changes; ++c) {
                const int op = gen.pick(100);
                const int victim = 3 + gen.pick(int(next->nodes.size()) - 3);
                if (op < 35 || next->nodes.size() < 10) {
                    // Join, usually at the end (new ids are higher), sometimes in the middle.
                    const int at = gen.chance(75) ? int(next->nodes.size()) : 3 + gen.pick(int(next->nodes.size()) - 3);
                    next->nodes.insert(at, gen.node());
                    what << QStringLiteral("join");
                } else if (op < 65) {
                    next->nodes.removeAt(victim);
                    what << QStringLiteral("leave");
                } else if (op < 90) {
                    gen.retag(next->nodes[victim]);
                    what << QStringLiteral("retag");
                } else if (op < 95) {
                    gen.routes(next->nodes[victim]); // needs a full compile
                    what << QStringLiteral("routes");
                } else {
                    next->nodes[victim].name += QLatin1Char('x');
                    what << QStringLiteral("rename");
                }
            }
            // Half the time the previous index was used before the change (the mapper's case).
            if (gen.chance(50))
                compiler->peersOf(0);
            auto updated = std::make_unique<PolicyCompiler>(*compiler, *next);
            const PolicyCompiler full(*policy, *next);
            incremental += updated->incremental() ? 1 : 0;
            const QString diff = difference(*updated, full, *next);
            QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("step %1 (%2): %3").arg(step).arg(what.join(QLatin1Char(','))).arg(diff)));
            compiler = std::move(updated); // holds a reference to *next: keep both
            topo = std::move(next);
        }
        // Most steps are single joins, leaves and retags: the incremental path must be the one taken.
        QVERIFY2(incremental > steps / 2, qPrintable(QStringLiteral("only %1 of %2 steps were incremental").arg(incremental).arg(steps)));
    }

    void fallsBackWhenUsersChange()
    {
        PolicyParser parser;
        const auto policy = parser.parse(QByteArray(R"({"acls":[{"action":"accept","src":["u1@"],"dst":["*:*"]}]})"));
        QVERIFY(policy);
        Topology a;
        a.users = {{1, QStringLiteral("u1"), QStringLiteral("u1@example.com")}};
        Generator gen(7);
        a.nodes = {gen.node(), gen.node()};
        a.nodes[0].tags.clear();
        a.nodes[0].userId = 1;
        const PolicyCompiler first(*policy, a);
        Topology b = a;
        b.users.first().name = QStringLiteral("renamed");
        const PolicyCompiler second(first, b);
        QVERIFY(!second.incremental());
        QVERIFY(second.filterFor(b.nodes[1]).isEmpty() || second.filterFor(b.nodes[1]).first().srcIps.isEmpty() == false);
        QVERIFY(second.globalRules() == PolicyCompiler(*policy, b).globalRules());
    }
};

QTEST_GUILESS_MAIN(TestPolicyIncremental)
#include "tst_policyincremental.moc"
