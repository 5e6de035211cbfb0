// The shape of the CapGrant entries app grants produce (tailcfg.FilterRule.CapGrant), each case a
// small hand-written policy whose expected output follows from the rule named in its comment.
#include "policy/PolicyCompiler.h"
#include "policy/PolicyParser.h"

#include <QJsonArray>
#include <QTest>

using namespace keel::policy;

namespace {

TopologyNode makeNode(qint64 id, const char* name, qint64 user, const QStringList& tags, const char* v4, const char* v6)
{
    TopologyNode n;
    n.id = id;
    n.name = QString::fromLatin1(name);
    n.userId = tags.isEmpty() ? user : 0;
    n.tags = tags;
    n.ipv4 = IpAddress::parse(QString::fromLatin1(v4));
    n.ipv6 = IpAddress::parse(QString::fromLatin1(v6));
    return n;
}

IpPrefix pfx(const char* s) { return *IpPrefix::parse(QString::fromLatin1(s)); }

// alice and bob with a laptop each, a tagged server, a router serving 10.44.0.0/16 (approved).
Topology tailnet()
{
    Topology t;
    t.users = {{1, QStringLiteral("alice"), QStringLiteral("alice@example.com")},
               {2, QStringLiteral("bob"), QStringLiteral("bob@example.com")}};
    t.nodes = {makeNode(1, "alice-laptop", 1, {}, "100.64.0.1", "fd7a:115c:a1e0::1"),
               makeNode(2, "bob-laptop", 2, {}, "100.64.0.2", "fd7a:115c:a1e0::2"),
               makeNode(3, "server", 0, {QStringLiteral("tag:server")}, "100.64.0.3", "fd7a:115c:a1e0::3"),
               makeNode(4, "router", 0, {QStringLiteral("tag:router")}, "100.64.0.4", "fd7a:115c:a1e0::4")};
    t.nodes[3].routableIps = {pfx("10.44.0.0/16")};
    t.nodes[3].approvedRoutes = {pfx("10.44.0.0/16")};
    return t;
}

Policy parse(const QByteArray& grants)
{
    PolicyParser parser;
    const auto p = parser.parse(QByteArray(R"({"tagOwners":{"tag:server":["alice@example.com"],"tag:router":["alice@example.com"]},
                                             "groups":{"group:nobody":[]},"grants":)") + grants + "}");
    if (!p)
        qFatal("policy rejected: %s", qPrintable(parser.errorText()));
    return *p;
}

QList<IpPrefix> ownPrefixes(const TopologyNode& n) { return {IpPrefix::host(*n.ipv4), IpPrefix::host(*n.ipv6)}; }

} // namespace

class TestPolicyCapGrant : public QObject {
    Q_OBJECT

private slots:
    void wildcardDestinationIsTheTailnet();
    void routerKeepsTheDestinationItServes();
    void viaAppGrantReachesNoFilter();
    void unresolvedSourcesKeepTheCapabilityRule();
    void companionGoesToTheSources();
    void whoIsMatchesTheNodesOwnAddress();
    void ipAndAppInOneGrant();
};

// `*` as an app destination is every tailnet address (CGNAT without the ChromeOS VM block, and
// the Tailscale ULA; Headscale's policy/v2 Asterix.Resolve), not 0.0.0.0/0: a subnet router
// therefore holds it for its own addresses only, never for its routes.
void TestPolicyCapGrant::wildcardDestinationIsTheTailnet()
{
    const Policy p = parse(R"([{"src":["*"],"dst":["*"],"app":{"example.com/cap/x":[{}]}}])");
    const Topology t = tailnet();
    const PolicyCompiler c(p, t);
    const QList<FilterRule> global = c.globalRules();
    QCOMPARE(global.size(), 1);
    const QList<IpPrefix> dsts = global[0].capGrants.value(0).dsts;
    QVERIFY(dsts.contains(pfx("fd7a:115c:a1e0::/48")));
    QVERIFY(dsts.contains(pfx("100.64.0.0/11")));
    QVERIFY(!dsts.contains(pfx("100.64.0.0/10"))); // the ChromeOS VM block 100.115.92.0/23 is cut out
    QVERIFY(!dsts.contains(pfx("0.0.0.0/0")) && !dsts.contains(pfx("::/0")));
    for (const TopologyNode& n : t.nodes) {
        const QList<FilterRule> f = c.filterFor(n);
        QCOMPARE(f.size(), 1);
        QCOMPARE(f[0].capGrants.size(), 1);
        QCOMPARE(f[0].capGrants[0].dsts, ownPrefixes(n));
    }
}

// Per-node reduction (Headscale's policyutil reduceCapGrantRule, matching Tailscale's captures):
// a Dst holding one of the node's addresses narrows to that address; a Dst overlapping one of its
// approved subnet routes is kept as written, so the router holds the capability for that prefix.
void TestPolicyCapGrant::routerKeepsTheDestinationItServes()
{
    const Policy p = parse(R"([{"src":["alice@example.com"],"dst":["10.44.1.0/24"],"app":{"example.com/cap/x":[{"v":1}]}}])");
    const Topology t = tailnet();
    const PolicyCompiler c(p, t);
    const QList<FilterRule> f = c.filterFor(t.nodes[3]);
    QCOMPARE(f.size(), 1);
    QCOMPARE(f[0].capGrants.size(), 1);
    QCOMPARE(f[0].capGrants[0].dsts, QList<IpPrefix>{pfx("10.44.1.0/24")});
    QCOMPARE(f[0].srcIps, (QStringList{QStringLiteral("100.64.0.1"), QStringLiteral("fd7a:115c:a1e0::1")}));
    for (int i : {0, 1, 2})
        QVERIFY(c.filterFor(t.nodes[i]).isEmpty());
}

// A grant with `via` compiles only its `ip` part, onto the via routers: its app capabilities
// appear in no filter (Tailscale's captures; Headscale's compileOneViaGrant), though the routers
// serving the destination are still peers of the sources.
void TestPolicyCapGrant::viaAppGrantReachesNoFilter()
{
    const Policy p = parse(R"([{"src":["alice@example.com"],"dst":["10.44.0.0/16","tag:server"],"via":["tag:router"],
                               "app":{"example.com/cap/x":[{}],"tailscale.com/cap/relay":[{}]}}])");
    const Topology t = tailnet();
    const PolicyCompiler c(p, t);
    for (const TopologyNode& n : t.nodes)
        QVERIFY2(c.filterFor(n).isEmpty(), qPrintable(n.name));
    QVERIFY(c.peersOf(0).contains(3));
}

// Sources that name aliases but resolve to no address still yield the capability rule, with empty
// SrcIPs (Tailscale emits it; Headscale's compileOtherDests). An `ip` rule needs a source, and a
// literally empty `src` yields nothing.
void TestPolicyCapGrant::unresolvedSourcesKeepTheCapabilityRule()
{
    const Topology t = tailnet();
    {
        const Policy p = parse(R"([{"src":["group:nobody"],"dst":["tag:server"],"ip":["tcp:80"],"app":{"example.com/cap/x":[{}]}}])");
        const PolicyCompiler c(p, t);
        const QList<FilterRule> f = c.filterFor(t.nodes[2]);
        QCOMPARE(f.size(), 1);
        QVERIFY(f[0].srcIps.isEmpty());
        QVERIFY(f[0].dstPorts.isEmpty());
        QCOMPARE(f[0].capGrants.value(0).dsts, ownPrefixes(t.nodes[2]));
        QVERIFY(c.peersOf(2).isEmpty());
    }
    {
        const Policy p = parse(R"([{"src":[],"dst":["tag:server"],"app":{"example.com/cap/x":[{}]}}])");
        const PolicyCompiler c(p, t);
        QVERIFY(c.filterFor(t.nodes[2]).isEmpty());
    }
}

// Taildrive's grant gives the sources a reverse drive-sharer grant (tailcfg PeerCapabilityTaildrive
// Sharer; Headscale's companionCapGrantRules): SrcIPs are the destinations, Dsts the sources as
// they resolve, `*` being the tailnet ranges, so a router gets its own addresses, not its routes.
void TestPolicyCapGrant::companionGoesToTheSources()
{
    const Policy p = parse(R"([{"src":["*"],"dst":["tag:server"],"app":{"tailscale.com/cap/drive":[{"shares":["*"],"access":"ro"}]}}])");
    const Topology t = tailnet();
    const PolicyCompiler c(p, t);
    const QList<FilterRule> f = c.filterFor(t.nodes[3]);
    QCOMPARE(f.size(), 1);
    QCOMPARE(f[0].srcIps, (QStringList{QStringLiteral("100.64.0.3"), QStringLiteral("fd7a:115c:a1e0::3")}));
    QCOMPARE(f[0].capGrants.value(0).capMap, (QJsonObject{{QStringLiteral("tailscale.com/cap/drive-sharer"), QJsonValue::Null}}));
    QCOMPARE(f[0].capGrants.value(0).dsts, ownPrefixes(t.nodes[3]));
}

// The client's WhoIs (ipnlocal peerCapsLocked) asks the filter for the capabilities a peer address
// has towards this node's own address of the same family: a grant whose Dsts are a routed subnet
// gives the router's WhoIs nothing.
void TestPolicyCapGrant::whoIsMatchesTheNodesOwnAddress()
{
    const Topology t = tailnet();
    const Policy p = parse(R"([{"src":["alice@example.com"],"dst":["tag:server","10.44.0.0/16"],"app":{"example.com/cap/x":[{"v":2}]}}])");
    const PolicyCompiler c(p, t);
    const QMap<QString, QJsonObject> server = c.peerCapsFor(t.nodes[2]);
    QCOMPARE(server.keys(), (QStringList{QStringLiteral("100.64.0.1"), QStringLiteral("fd7a:115c:a1e0::1")}));
    QCOMPARE(server.value(QStringLiteral("100.64.0.1")).value(QStringLiteral("example.com/cap/x")).toArray(), (QJsonArray{QJsonObject{{QStringLiteral("v"), 2}}}));
    QVERIFY(!c.filterFor(t.nodes[3]).isEmpty());
    QVERIFY(c.peerCapsFor(t.nodes[3]).isEmpty());
}

// `ip` and `app` in one grant: the ip part becomes DstPorts rules, the app part one CapGrant rule
// with the same sources; the two never merge (tailcfg: a FilterRule has DstPorts or CapGrant).
void TestPolicyCapGrant::ipAndAppInOneGrant()
{
    const Policy p = parse(R"([{"src":["bob@example.com"],"dst":["tag:server"],"ip":["tcp:443"],"app":{"example.com/cap/x":[{}]}},
                               {"src":["bob@example.com"],"dst":["tag:server"],"app":{"example.com/cap/x":[{"more":true}]}}])");
    const Topology t = tailnet();
    const PolicyCompiler c(p, t);
    const QList<FilterRule> f = c.filterFor(t.nodes[2]);
    QCOMPARE(f.size(), 3);
    QCOMPARE(f[0].dstPorts.size(), 2);
    QVERIFY(f[0].capGrants.isEmpty());
    QCOMPARE(f[1].capGrants.size(), 1);
    QVERIFY(f[1].dstPorts.isEmpty());
    QCOMPARE(f[2].capGrants.value(0).capMap.value(QStringLiteral("example.com/cap/x")).toArray(), (QJsonArray{QJsonObject{{QStringLiteral("more"), true}}}));
    // WhoIs concatenates the values of one capability from both grants.
    QCOMPARE(c.peerCapsFor(t.nodes[2]).value(QStringLiteral("100.64.0.2")).value(QStringLiteral("example.com/cap/x")).toArray().size(), 2);
}

QTEST_GUILESS_MAIN(TestPolicyCapGrant)
#include "tst_policycapgrant.moc"
