// SSH localpart and user:*@domain, sshTests, via grants, registration approvals (tag ownership,
// autoApprovers) and explain: the engine features beyond plain ACL compilation.
#include "policy/PolicyApprovals.h"
#include "policy/PolicyCompiler.h"
#include "policy/PolicyExplainer.h"
#include "policy/PolicyParser.h"
#include "policy/PolicyTester.h"

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

// alice and carol on example.com (the tailnet's domain), bob on example.org (invited).
Topology tailnet()
{
    Topology t;
    t.users = {{1, QStringLiteral("alice"), QStringLiteral("alice@example.com")},
               {2, QStringLiteral("bob"), QStringLiteral("bob@example.org")},
               {3, QStringLiteral("carol"), QStringLiteral("carol@example.com")}};
    t.nodes = {makeNode(1, "alice-laptop", 1, {}, "100.64.0.1", "fd7a:115c:a1e0::1"),
               makeNode(2, "bob-laptop", 2, {}, "100.64.0.2", "fd7a:115c:a1e0::2"),
               makeNode(3, "carol-laptop", 3, {}, "100.64.0.3", "fd7a:115c:a1e0::3"),
               makeNode(4, "server", 0, {QStringLiteral("tag:server")}, "100.64.0.4", "fd7a:115c:a1e0::4"),
               makeNode(5, "router-a", 0, {QStringLiteral("tag:router-a")}, "100.64.0.5", "fd7a:115c:a1e0::5"),
               makeNode(6, "router-b", 0, {QStringLiteral("tag:router-b")}, "100.64.0.6", "fd7a:115c:a1e0::6")};
    for (int i : {4, 5}) {
        t.nodes[i].routableIps = {pfx("10.44.0.0/16")};
        t.nodes[i].approvedRoutes = {pfx("10.44.0.0/16")};
    }
    return t;
}

const QByteArray kOwners = R"("tagOwners":{"tag:server":["alice@example.com"],"tag:router-a":["group:ops"],"tag:router-b":["tag:server"]},"groups":{"group:ops":["carol@example.com"]})";

std::optional<Policy> parse(const QByteArray& body, QString* error = nullptr, const QStringList& domains = {QStringLiteral("example.com")})
{
    PolicyParser parser;
    parser.setTailnetDomains(domains);
    auto p = parser.parse(QByteArray("{") + kOwners + "," + body + "}");
    if (error)
        *error = parser.errorText();
    return p;
}

QJsonArray sshRules(const PolicyCompiler& c, const TopologyNode& n) { return c.sshPolicyFor(n).value(QLatin1String("rules")).toArray(); }

} // namespace

class TestPolicyFeatures : public QObject {
    Q_OBJECT

private slots:
    void localpartEmitsPerUserRules();
    void localpartSourceGetsSelfAccess();
    void userDomainWildcardSource();
    void domainsMustBeAssociated();
    void nonCanonicalLocalpartIsLiteral();
    void sshTestsPassAndFail();
    void sshTestsRejectBadDestinations();
    void nodeAddressesListedOneByOne();
    void viaGrantOnlyOnItsRouter();
    void tagOwnership();
    void autoApprovedRoutes();
    void explainNamesTheRule();
    void roleTargetsInNodeAttrs();
    void yamlPolicy();
    void yamlErrorsHavePositions();
    void legacyNamespaceAliases();
    void ambiguousUserReference();
    void appGrantHasOneCapGrantPerDestination();
    void sshCheckPeriodOfThePair();
    void viaTagsOfAViewer();
};

void TestPolicyFeatures::localpartEmitsPerUserRules()
{
    const auto p = parse(R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["localpart:*@example.com","ubuntu"]}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const QJsonArray rules = sshRules(c, t.nodes[3]);
    // alice: common + localpart; bob (example.org): common only; carol: common + localpart.
    QCOMPARE(rules.size(), 5);
    QCOMPARE(rules[0].toObject().value(QLatin1String("sshUsers")).toObject(), (QJsonObject{{QStringLiteral("root"), QString()}, {QStringLiteral("ubuntu"), QStringLiteral("ubuntu")}}));
    QCOMPARE(rules[1].toObject().value(QLatin1String("sshUsers")).toObject(), (QJsonObject{{QStringLiteral("alice"), QStringLiteral("alice")}}));
    QCOMPARE(rules[1].toObject().value(QLatin1String("principals")).toArray().size(), 2);
    QCOMPARE(rules[2].toObject().value(QLatin1String("principals")).toArray().first().toObject().value(QLatin1String("nodeIP")).toString(), QStringLiteral("100.64.0.2"));
    QCOMPARE(rules[4].toObject().value(QLatin1String("sshUsers")).toObject(), (QJsonObject{{QStringLiteral("carol"), QStringLiteral("carol")}}));
}

void TestPolicyFeatures::localpartSourceGetsSelfAccess()
{
    const auto p = parse(R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["localpart:*@example.com"]}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    // alice's laptop is a source but not a destination: it still gets her own rules.
    const QJsonArray rules = sshRules(c, t.nodes[0]);
    QCOMPARE(rules.size(), 2);
    QCOMPARE(rules[1].toObject().value(QLatin1String("sshUsers")).toObject(), (QJsonObject{{QStringLiteral("alice"), QStringLiteral("alice")}}));
    QVERIFY(sshRules(c, t.nodes[4]).isEmpty());
}

void TestPolicyFeatures::userDomainWildcardSource()
{
    const auto p = parse(R"("ssh":[{"action":"accept","src":["user:*@example.com"],"dst":["tag:server"],"users":["root"]}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const QJsonArray rules = sshRules(c, t.nodes[3]);
    QCOMPARE(rules.size(), 1);
    QStringList ips;
    for (const QJsonValue& v : rules[0].toObject().value(QLatin1String("principals")).toArray())
        ips << v.toObject().value(QLatin1String("nodeIP")).toString();
    QVERIFY(ips.contains(QStringLiteral("100.64.0.1")) && ips.contains(QStringLiteral("100.64.0.3")));
    QVERIFY(!ips.contains(QStringLiteral("100.64.0.2"))); // bob is on example.org
}

void TestPolicyFeatures::domainsMustBeAssociated()
{
    QString e;
    QVERIFY(!parse(R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["localpart:*@example.org"]}])", &e));
    QVERIFY2(e.contains(QLatin1String("not associated")), qPrintable(e));
    QVERIFY(!parse(R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["localpart:*@EXAMPLE.COM"]}])", &e));
    QVERIFY(!parse(R"("ssh":[{"action":"accept","src":["user:*@other.net"],"dst":["tag:server"],"users":["root"]}])", &e));
    QVERIFY(!parse(R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["localpart:*@*"]}])", &e));
    // Without associated domains configured nothing is checked (Headscale's behaviour).
    QVERIFY(parse(R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["localpart:*@example.org"]}])", &e, {}));
}

void TestPolicyFeatures::nonCanonicalLocalpartIsLiteral()
{
    const auto p = parse(R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["localpart:foo@example.com"]}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const QJsonArray rules = sshRules(c, t.nodes[3]);
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules[0].toObject().value(QLatin1String("sshUsers")).toObject().value(QLatin1String("localpart:foo@example.com")).toString(), QStringLiteral("localpart:foo@example.com"));
}

void TestPolicyFeatures::sshTestsPassAndFail()
{
    const QByteArray ssh = R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["autogroup:nonroot"]},
                                     {"action":"check","src":["alice@example.com"],"dst":["tag:server"],"users":["root"]}])";
    const Topology t = tailnet();
    auto run = [&](const QByteArray& tests) {
        const auto p = parse(ssh + ",\"sshTests\":" + tests);
        if (!p)
            return QStringList{QStringLiteral("parse failed")};
        const PolicyCompiler c(*p, t);
        return PolicyTester(*p, t, c).run();
    };
    QCOMPARE(run(R"([{"src":"bob@example.org","dst":["tag:server"],"accept":["deploy"],"deny":["root"]}])"), QStringList{});
    QCOMPARE(run(R"([{"src":"alice@example.com","dst":["tag:server"],"check":["root"]}])"), QStringList{});
    const QStringList fail = run(R"([{"src":"bob@example.org","dst":["tag:server"],"accept":["root"]}])");
    QCOMPARE(fail.size(), 1);
    QVERIFY2(fail.first().contains(QLatin1String("expected ALLOWED, got DENIED")), qPrintable(fail.first()));
    // check asserted, but only an accept rule lets bob in as "deploy".
    const QStringList viaAccept = run(R"([{"src":"bob@example.org","dst":["tag:server"],"check":["deploy"]}])");
    QCOMPARE(viaAccept.size(), 1);
    QVERIFY2(viaAccept.first().contains(QLatin1String("ALLOWED via accept")), qPrintable(viaAccept.first()));
}

void TestPolicyFeatures::sshTestsRejectBadDestinations()
{
    const Topology t = tailnet();
    for (const char* dst : {"tag:server:22", "100.64.0.0/24", "autogroup:internet", "fd7a:115c:a1e0::4", "tag:nope"}) {
        const auto p = parse(QByteArray(R"("ssh":[{"action":"accept","src":["autogroup:member"],"dst":["tag:server"],"users":["root"]}],"sshTests":[{"src":"alice@example.com","dst":[")") + dst + R"("],"accept":["root"]}])");
        QVERIFY(p);
        const PolicyCompiler c(*p, t);
        QVERIFY2(!PolicyTester(*p, t, c).run().isEmpty(), dst);
    }
}

void TestPolicyFeatures::nodeAddressesListedOneByOne()
{
    // alice .1 and bob .2 are adjacent: Tailscale still lists them one by one, never "a-b".
    const auto p = parse(R"("acls":[{"action":"accept","src":["alice@example.com","bob@example.org","10.0.0.0/8"],"dst":["tag:server:22"]}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const QList<FilterRule> f = c.filterFor(t.nodes[3]);
    QCOMPARE(f.size(), 1);
    QStringList src = f[0].srcIps;
    src.sort();
    QCOMPARE(src, (QStringList{QStringLiteral("10.0.0.0/8"), QStringLiteral("100.64.0.1"), QStringLiteral("100.64.0.2"), QStringLiteral("fd7a:115c:a1e0::1"), QStringLiteral("fd7a:115c:a1e0::2")}));
}

void TestPolicyFeatures::viaGrantOnlyOnItsRouter()
{
    const auto p = parse(R"("grants":[{"src":["alice@example.com"],"dst":["10.44.0.0/16"],"ip":["*"],"via":["tag:router-a"]}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const QList<FilterRule> a = c.filterFor(t.nodes[4]);
    QCOMPARE(a.size(), 1);
    QCOMPARE(a[0].dstPorts.first().ip, QStringLiteral("10.44.0.0/16"));
    QVERIFY(c.filterFor(t.nodes[5]).isEmpty()); // router-b serves the same route but is not the via
    QCOMPARE(c.peersOf(0), QList<int>{4});
    QVERIFY(!c.peersOf(5).contains(0));
}

void TestPolicyFeatures::tagOwnership()
{
    const auto p = parse(R"("acls":[])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyApprovals a(*p, t);
    QVERIFY(a.canAssignTags(1, {QStringLiteral("tag:server")}));
    QVERIFY(a.canAssignTags(1, {QStringLiteral("tag:router-b")})); // owned through tag:server
    QVERIFY(a.canAssignTags(3, {QStringLiteral("tag:router-a")})); // through group:ops
    QCOMPARE(a.refusedTags(2, {QStringLiteral("tag:server"), QStringLiteral("tag:router-a")}), (QStringList{QStringLiteral("tag:server"), QStringLiteral("tag:router-a")}));
    QCOMPARE(a.refusedTags(1, {QStringLiteral("tag:server"), QStringLiteral("tag:undeclared")}), QStringList{QStringLiteral("tag:undeclared")});
}

void TestPolicyFeatures::autoApprovedRoutes()
{
    const auto p = parse(R"("acls":[],"autoApprovers":{"routes":{"10.0.0.0/8":["tag:router-a","group:ops"]},"exitNode":["alice@example.com"]})");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyApprovals a(*p, t);
    const QList<IpPrefix> asked = {pfx("10.1.0.0/16"), pfx("192.168.0.0/24"), pfx("0.0.0.0/0")};
    QCOMPARE(a.autoApprovedRoutes(t.nodes[4], asked), QList<IpPrefix>{pfx("10.1.0.0/16")});
    QCOMPARE(a.autoApprovedRoutes(t.nodes[2], asked), QList<IpPrefix>{pfx("10.1.0.0/16")}); // carol via group:ops
    QCOMPARE(a.autoApprovedRoutes(t.nodes[0], asked), QList<IpPrefix>{pfx("0.0.0.0/0")});   // alice: exit only
    QVERIFY(a.autoApprovedRoutes(t.nodes[5], asked).isEmpty());
    QVERIFY(a.autoApprovedRoutes(t.nodes[4], {pfx("10.0.0.0/7")}).isEmpty()); // wider than the approved prefix
}

void TestPolicyFeatures::explainNamesTheRule()
{
    const auto p = parse(R"("acls":[{"action":"accept","src":["bob@example.org"],"dst":["tag:server:443"]},
                                    {"action":"accept","src":["alice@example.com"],"dst":["tag:server:22,443"],"proto":"tcp"}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const PolicyExplainer x(t, c);
    const auto yes = x.explain(QStringLiteral("alice-laptop"), QStringLiteral("100.64.0.4"), 22);
    QVERIFY(yes);
    QVERIFY(yes->allowed);
    QVERIFY(yes->peers);
    QCOMPARE(yes->rules, QStringList{QStringLiteral("acls[1]")});
    const auto no = x.explain(QStringLiteral("bob-laptop"), QStringLiteral("server"), 22);
    QVERIFY(no && !no->allowed && no->peers);
    QVERIFY(no->reason.contains(QLatin1String("may not reach")));
    const auto udp = x.explain(QStringLiteral("alice-laptop"), QStringLiteral("server"), 443, 17);
    QVERIFY(udp && !udp->allowed); // acls[1] is TCP only and acls[0] is bob's
    QVERIFY(!x.explain(QStringLiteral("nobody"), QStringLiteral("server"), 22));
}

void TestPolicyFeatures::roleTargetsInNodeAttrs()
{
    const auto p = parse(R"("acls":[],"nodeAttrs":[{"target":["autogroup:admin"],"attr":["a"]},{"target":["autogroup:owner"],"attr":["o"]},
                                                   {"target":["autogroup:member"],"ipPool":["100.81.0.0/16"]}])");
    QVERIFY(p);
    QCOMPARE(p->nodeAttrs[2].ipPool.size(), 1);
    QVERIFY(!p->warnings.isEmpty()); // ipPool is kept but not used yet: said so
    Topology t = tailnet();
    t.users[0].owner = true; // alice
    t.users[1].admin = true; // bob
    const PolicyCompiler c(*p, t);
    QVERIFY(c.capMapFor(t.nodes[0]).contains(QLatin1String("a")) && c.capMapFor(t.nodes[0]).contains(QLatin1String("o")));
    QVERIFY(c.capMapFor(t.nodes[1]).contains(QLatin1String("a")) && !c.capMapFor(t.nodes[1]).contains(QLatin1String("o")));
    QVERIFY(!c.capMapFor(t.nodes[2]).contains(QLatin1String("a")));
    QVERIFY(!c.capMapFor(t.nodes[3]).contains(QLatin1String("a"))); // tagged nodes have no user role
}

void TestPolicyFeatures::yamlPolicy()
{
    const QByteArray yaml = R"(
# Headscale 0.22-era YAML policy
groups:
  group:dev:
    - alice@example.com
tagOwners:
  tag:server: [group:dev]
acls:
  - action: accept
    src: [group:dev]
    dst: ["tag:server:22,443"]
    proto: tcp
randomizeClientPort: true
)";
    PolicyParser parser;
    const auto p = parser.parseFile(yaml, QStringLiteral("/etc/keel/acl.yaml"));
    QVERIFY2(p, qPrintable(parser.errorText()));
    QVERIFY(p->randomizeClientPort);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const QList<FilterRule> f = c.filterFor(t.nodes[3]);
    QCOMPARE(f.size(), 1);
    QCOMPARE(f[0].srcIps, (QStringList{QStringLiteral("100.64.0.1"), QStringLiteral("fd7a:115c:a1e0::1")}));
    QCOMPARE(f[0].dstPorts.size(), 4);
    QCOMPARE(f[0].ipProto, QList<int>{6});
    // The same text read as HuJSON is not a policy.
    QVERIFY(!parser.parseFile(yaml, QStringLiteral("acl.hujson")));
}

void TestPolicyFeatures::yamlErrorsHavePositions()
{
    PolicyParser parser;
    QVERIFY(!parser.parseYaml("acls:\n  - action: accept\n    src: [a\n"));
    QVERIFY2(parser.errorText().startsWith(QLatin1String("parsing YAML: line ")), qPrintable(parser.errorText()));
    QVERIFY(!parser.parseYaml("- just\n- a list\n"));
    // Unknown keys are rejected in YAML as in HuJSON.
    QVERIFY(!parser.parseYaml("acl:\n  - action: accept\n"));
    QVERIFY2(parser.errorText().contains(QLatin1String("unknown field: \"acl\"")), qPrintable(parser.errorText()));
}

void TestPolicyFeatures::legacyNamespaceAliases()
{
    const QByteArray legacy = R"({"groups":{"group:ops":["carol"]},
        "acls":[{"action":"accept","src":["alice","group:ops"],"dst":["bob:*","carol:22"]}]})";
    PolicyParser strict;
    QVERIFY(!strict.parse(legacy)); // without the user list a bare name is an undefined host
    QVERIFY2(strict.errorText().contains(QLatin1String("host not defined")) || strict.errorText().contains(QLatin1String("username must contain @")), qPrintable(strict.errorText()));

    PolicyParser parser;
    parser.setKnownUsers({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")});
    const auto p = parser.parse(legacy);
    QVERIFY2(p, qPrintable(parser.errorText()));
    QCOMPARE(p->warnings.size(), 3);
    QVERIFY2(p->warnings.first().contains(QLatin1String("write \"carol@\"")), qPrintable(p->warnings.first()));
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const QList<FilterRule> bob = c.filterFor(t.nodes[1]);
    QCOMPARE(bob.size(), 1);
    QCOMPARE(bob[0].srcIps.size(), 4); // alice and carol, both families
    QCOMPARE(c.filterFor(t.nodes[2]).size(), 1);

    // A host of the same name wins over the user.
    const auto h = parser.parse(R"({"hosts":{"bob":"10.0.0.1"},"acls":[{"action":"accept","src":["alice"],"dst":["bob:*"]}]})");
    QVERIFY(h);
    QCOMPARE(h->acls[0].dst[0].alias.kind, Alias::Kind::Host);
}

void TestPolicyFeatures::ambiguousUserReference()
{
    // Two users are named "dana": "dana@" is ambiguous, their full emails are not.
    QList<TopologyUser> users = tailnet().users;
    users.append({4, QStringLiteral("dana"), QStringLiteral("dana@example.com")});
    users.append({5, QStringLiteral("dana"), QStringLiteral("dana@example.net")});
    PolicyParser parser;
    parser.setUsers(users);
    QVERIFY(!parser.parse(QByteArray(R"({"acls":[{"action":"accept","src":["dana@"],"dst":["*:*"]}]})")));
    QVERIFY2(parser.errorText().contains(QLatin1String("multiple users found: token \"dana@\" found: [dana@example.com dana@example.net]")), qPrintable(parser.errorText()));
    QVERIFY(parser.parse(QByteArray(R"({"acls":[{"action":"accept","src":["dana@example.net","alice@"],"dst":["*:*"]}]})")));
}


// Tailscale's control plane gives an app grant one CapGrant per destination alias (Headscale's
// policy/v2 compileOtherDests, matched to captures): a node two destinations match holds two.
void TestPolicyFeatures::appGrantHasOneCapGrantPerDestination()
{
    const auto p = parse(R"("grants":[{"src":["alice@example.com"],"dst":["tag:server","100.64.0.4/32"],
                                       "app":{"example.com/cap/x":[{"a":1}]}}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    const QList<FilterRule> f = c.filterFor(t.nodes[3]);
    QCOMPARE(f.size(), 1);
    QCOMPARE(f[0].capGrants.size(), 2);
    QCOMPARE(f[0].capGrants[0].dsts, (QList<IpPrefix>{pfx("100.64.0.4/32"), pfx("fd7a:115c:a1e0::4/128")}));
    QCOMPARE(f[0].capGrants[1].dsts, QList<IpPrefix>{pfx("100.64.0.4/32")});
    QVERIFY(c.filterFor(t.nodes[0]).isEmpty());
}

// Tailscale SSH docs: checkPeriod defaults to 12h, "always" checks every time; the first check
// rule covering the pair decides; autogroup:self covers only the owner's own untagged devices.
void TestPolicyFeatures::sshCheckPeriodOfThePair()
{
    const auto p = parse(R"("ssh":[{"action":"accept","src":["bob@example.org"],"dst":["tag:server"],"users":["root"]},
                                   {"action":"check","src":["alice@example.com"],"dst":["tag:server"],"users":["root"],"checkPeriod":"2h30m"},
                                   {"action":"check","src":["autogroup:member"],"dst":["tag:server"],"users":["root"]},
                                   {"action":"check","src":["autogroup:member"],"dst":["autogroup:self"],"users":["root"],"checkPeriod":"always"}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    QCOMPARE(c.sshCheckPeriodSeconds(t.nodes[0], t.nodes[3]), std::optional<qint64>(9000));     // alice: her rule
    QCOMPARE(c.sshCheckPeriodSeconds(t.nodes[1], t.nodes[3]), std::optional<qint64>(12 * 3600)); // bob: the member rule
    QCOMPARE(c.sshCheckPeriodSeconds(t.nodes[0], t.nodes[0]), std::optional<qint64>(0));          // own device: always
    QCOMPARE(c.sshCheckPeriodSeconds(t.nodes[0], t.nodes[1]), std::nullopt);                      // another user's device
    QCOMPARE(c.sshCheckPeriodSeconds(t.nodes[3], t.nodes[3]), std::nullopt);                      // tagged source
}

// Grants with via (Tailscale's grants docs): the via tags steer the grant's sources to a route a
// destination overlaps; autogroup:internet covers the exit routes.
void TestPolicyFeatures::viaTagsOfAViewer()
{
    const auto p = parse(R"("grants":[{"src":["alice@example.com"],"dst":["10.0.0.0/8"],"ip":["*"],"via":["tag:router-a"]},
                                      {"src":["autogroup:member"],"dst":["autogroup:internet"],"ip":["*"],"via":["tag:router-b"]},
                                      {"src":["*"],"dst":["10.44.0.0/16"],"ip":["*"]}])");
    QVERIFY(p);
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    QVERIFY(c.hasVia());
    QCOMPARE(c.viaTagsFor(t.nodes[0], pfx("10.44.0.0/16")), QStringList{QStringLiteral("tag:router-a")});
    QVERIFY(c.viaTagsFor(t.nodes[1], pfx("10.44.0.0/16")).isEmpty());        // bob has no via grant to it
    QVERIFY(c.viaTagsFor(t.nodes[0], pfx("192.168.0.0/24")).isEmpty());      // outside the destination
    QCOMPARE(c.viaTagsFor(t.nodes[1], pfx("0.0.0.0/0")), QStringList{QStringLiteral("tag:router-b")});
    QVERIFY(c.viaTagsFor(t.nodes[3], pfx("0.0.0.0/0")).isEmpty());           // tagged: not a member
}

QTEST_GUILESS_MAIN(TestPolicyFeatures)
#include "tst_policyfeatures.moc"
