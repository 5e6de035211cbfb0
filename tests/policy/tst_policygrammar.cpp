// Which malformed policies are rejected and which odd ones are accepted, and the forms of SSH
// login users: each case a small hand-written policy, the rule it states named in its comment.
#include "policy/PolicyCompiler.h"
#include "policy/PolicyParser.h"
#include "policy/PolicyTester.h"

#include <QJsonArray>
#include <QTest>

using namespace keel::policy;

namespace {

const QByteArray kHead = R"("tagOwners":{"tag:server":["alice@example.com"]},"groups":{"group:ops":["alice@example.com"]})";

// The policy `{kHead, body}`; on rejection `error` gets the text.
std::optional<Policy> parse(const QByteArray& body, QString* error = nullptr)
{
    PolicyParser parser;
    auto p = parser.parse(QByteArray("{") + kHead + "," + body + "}");
    if (error)
        *error = parser.errorText();
    return p;
}

void expectRejected(const QByteArray& body, const QString& mention)
{
    QString e;
    const auto p = parse(body, &e);
    QVERIFY2(!p, body.constData());
    QVERIFY2(e.contains(mention), qPrintable(QStringLiteral("%1 -> %2 (want %3)").arg(QString::fromUtf8(body), e, mention)));
}

void expectAccepted(const QByteArray& body)
{
    QString e;
    QVERIFY2(parse(body, &e), qPrintable(QString::fromUtf8(body) + QStringLiteral(" -> ") + e));
}

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

Topology tailnet()
{
    Topology t;
    t.users = {{1, QStringLiteral("alice"), QStringLiteral("alice@example.com")}};
    t.nodes = {makeNode(1, "laptop", 1, {}, "100.64.0.1", "fd7a:115c:a1e0::1"),
               makeNode(2, "server", 0, {QStringLiteral("tag:server")}, "100.64.0.2", "fd7a:115c:a1e0::2")};
    return t;
}

QJsonObject sshUsersOf(const QByteArray& users)
{
    const auto p = parse(R"("ssh":[{"action":"accept","src":["alice@example.com"],"dst":["tag:server"],"users":)" + users + "}]");
    if (!p)
        return {};
    const Topology t = tailnet();
    const PolicyCompiler c(*p, t);
    return c.sshPolicyFor(t.nodes[1]).value(QLatin1String("rules")).toArray().at(0).toObject().value(QLatin1String("sshUsers")).toObject();
}

} // namespace

class TestPolicyGrammar : public QObject {
    Q_OBJECT

private slots:
    void valuesOfTheWrongTypeAreRejected();
    void nullIsTheZeroValue();
    void protocolAsNumber();
    void duplicateNamesAreRejected();
    void hujsonCommasAndComments();
    void grantableTailscaleCapabilities();
    void testsEntriesHaveAShape();
    void bracketsEncloseOnlyIpv6();
    void sshUserForms();
    void sshUsersThatAreInvalid();
    void sshTestsFollowTheClientsUserMapping();
    void metadataKeysOnlyInAcls();
    void checkPeriodForms();
    void legacyUsersAndPorts();
};

// Tailscale decodes the policy into typed Go structs: a value of the wrong JSON type is an error
// naming the field, not an empty default.
void TestPolicyGrammar::valuesOfTheWrongTypeAreRejected()
{
    expectRejected(R"("acls":{})", QStringLiteral("acls: expected an array of objects, got an object"));
    expectRejected(R"("acls":[{"action":"accept","src":"*","dst":["*:*"]}])", QStringLiteral("acls[0].src: expected an array of strings, got a string"));
    expectRejected(R"("grants":[{"src":["*"],"dst":["*"],"ip":[80]}])", QStringLiteral("grants[0].ip: expected an array of strings"));
    expectRejected(R"("grants":[{"src":["*"],"dst":["*"],"app":[]}])", QStringLiteral("grants[0].app: expected an object, got an array"));
    expectRejected(R"("ssh":[{"action":"accept","src":["group:ops"],"dst":["tag:server"],"users":"root"}])", QStringLiteral("ssh[0].users: expected an array of strings, got a string"));
    expectRejected(R"("ssh":[{"action":"check","src":["group:ops"],"dst":["tag:server"],"users":["root"],"checkPeriod":3600}])", QStringLiteral("ssh[0].checkPeriod: expected a string, got a number"));
    expectRejected(R"("hosts":{"db":1})", QStringLiteral("hosts[\"db\"]: expected a string, got a number"));
    expectRejected(R"("tests":[{"src":["group:ops"],"accept":["tag:server:22"]}])", QStringLiteral("tests[0].src: expected a string, got an array"));
    expectRejected(R"("randomizeClientPort":"yes")", QStringLiteral("randomizeClientPort: expected a boolean, got a string"));
    expectRejected(R"("autoApprovers":{"routes":{"10.0.0.0/8":"group:ops"}})", QStringLiteral("autoApprovers.routes[\"10.0.0.0/8\"]: expected an array of strings"));
    expectRejected(R"("nodeAttrs":["tag:server"])", QStringLiteral("nodeAttrs[0]: expected an object, got a string"));
}

// JSON null decodes to the zero value in Go: accepted anywhere a value is optional.
void TestPolicyGrammar::nullIsTheZeroValue()
{
    expectAccepted(R"("acls":null)");
    expectAccepted(R"("ssh":[{"action":"accept","src":["group:ops"],"dst":["tag:server"],"users":["root"],"acceptEnv":null}])");
    expectAccepted(R"("ssh":[{"action":"check","src":["group:ops"],"dst":["tag:server"],"users":["root"],"checkPeriod":null}])");
}

// A protocol is a name or its IANA number, as a string or a JSON number (Headscale's Protocol
// decoding takes both and canonicalises to the name).
void TestPolicyGrammar::protocolAsNumber()
{
    const auto p = parse(R"("acls":[{"action":"accept","src":["group:ops"],"proto":17,"dst":["tag:server:53"]}])");
    QVERIFY(p);
    QCOMPARE(p->acls.value(0).protocols, QList<int>{17});
    expectRejected(R"("acls":[{"action":"accept","src":["group:ops"],"proto":6.5,"dst":["tag:server:53"]}])", QStringLiteral("acls[0].proto"));
}

// Duplicate member names are an error in Go's JSON v2 (jsontext rejects exact repeats; a struct
// field given twice under case-insensitive matching is one too), so a second "acls" can never
// silently replace the first.
void TestPolicyGrammar::duplicateNamesAreRejected()
{
    PolicyParser parser;
    QVERIFY(!parser.parse(QByteArray("{\n  \"acls\": [],\n  \"acls\": []\n}")));
    QVERIFY2(parser.errorText().contains(QLatin1String("line 3, column 3: duplicate object member name \"acls\"")), qPrintable(parser.errorText()));
    expectRejected(R"("hosts":{"db":"10.0.0.1","db":"10.0.0.2"})", QStringLiteral("duplicate object member name \"db\""));
    expectRejected(R"("acls":[],"ACLs":[])", QStringLiteral("duplicate field: \"acls\""));
    expectRejected(R"("grants":[{"src":["*"],"SRC":["*"],"dst":["*"],"ip":["*"]}])", QStringLiteral("duplicate field: \"src\" is given more than once (names match case-insensitively) in grants[0]"));
    // The same name in different objects is no duplicate; names differing in case are for maps.
    expectAccepted(R"("hosts":{"db":"10.0.0.1","DB":"10.0.0.2"},"grants":[{"src":["*"],"dst":["*"],"ip":["*"]},{"src":["*"],"dst":["*"],"ip":["*"]}])");
}

// HuJSON (tailscale/hujson): // and /* */ comments, and one trailing comma after the last value of
// an array or object. A comma with no value before it is still an error.
void TestPolicyGrammar::hujsonCommasAndComments()
{
    expectAccepted("\"grants\":[/* all */ {\"src\":[\"*\",],\"dst\":[\"*\"],\"ip\":[\"*\"], // trailing\n},]");
    expectRejected(R"("grants":[,])", QStringLiteral("unexpected comma"));
    expectRejected(R"("grants":[{"src":["*"],,"dst":["*"],"ip":["*"]}])", QStringLiteral("unexpected comma"));
    expectRejected(R"("grants":[{"src":["*"],"dst":["*"],"ip":["*"]},,])", QStringLiteral("unexpected comma"));
}

// Of the tailscale.com capability domain, a policy may grant only what clients read as grantable
// (tailcfg/peercap: drive, relay, webui, kubernetes, tsidp; setec's secrets, per Headscale's
// allowlist). The companions drive-sharer and relay-target are generated, never written.
void TestPolicyGrammar::grantableTailscaleCapabilities()
{
    for (const char* cap : {"tailscale.com/cap/drive", "tailscale.com/cap/relay", "tailscale.com/cap/webui",
                            "tailscale.com/cap/kubernetes", "tailscale.com/cap/tsidp", "tailscale.com/cap/secrets", "example.com/cap/x"})
        expectAccepted(QByteArray(R"("grants":[{"src":["*"],"dst":["*"],"app":{")") + cap + R"(":[{}]}}])");
    for (const char* cap : {"tailscale.com/cap/drive-sharer", "tailscale.com/cap/relay-target", "tailscale.com/cap/ingress"})
        expectRejected(QByteArray(R"("grants":[{"src":["*"],"dst":["*"],"app":{")") + cap + R"(":[{}]}}])", QStringLiteral("is not allowed"));
    expectRejected(R"("grants":[{"src":["*"],"dst":["*"],"app":{"https://example.com/cap/x":[{}]}}])", QStringLiteral("{domain}/{path}"));
}

// A `tests` entry is one connection attempt asserted allowed or denied (Headscale's validateTests,
// the shape SaaS enforces): it asserts something, over TCP, UDP, SCTP or the default protocol.
void TestPolicyGrammar::testsEntriesHaveAShape()
{
    const QByteArray acl = R"("acls":[{"action":"accept","src":["group:ops"],"dst":["tag:server:*"]}],)";
    expectRejected(acl + R"("tests":[{"src":"alice@example.com"}])", QStringLiteral("tests[0]: a test must have at least one of"));
    expectRejected(acl + R"("tests":[{"src":"alice@example.com","proto":"icmp","deny":["tag:server:0"]}])", QStringLiteral("a test's protocol must be tcp, udp, sctp, or empty"));
    expectAccepted(acl + R"("tests":[{"src":"alice@example.com","proto":"6","accept":["tag:server:22"]}])");
    expectAccepted(acl + R"("tests":[{"src":"alice@example.com","proto":"udp","accept":["tag:server:53"]}])");
}

// In "[addr]:port" the brackets are RFC 3986's IPv6 literal syntax; anything else inside is an
// error (Headscale's splitDestinationAndPort).
void TestPolicyGrammar::bracketsEncloseOnlyIpv6()
{
    expectAccepted(R"("acls":[{"action":"accept","src":["group:ops"],"dst":["[fd7a:115c:a1e0::2]:22"]}])");
    expectRejected(R"("acls":[{"action":"accept","src":["group:ops"],"dst":["[100.64.0.2]:22"]}])", QStringLiteral("brackets may only enclose an IPv6 address"));
    expectRejected(R"("acls":[{"action":"accept","src":["group:ops"],"dst":["[tag:server]:22"]}])", QStringLiteral("brackets may only enclose an IPv6 address"));
}

// tailcfg.SSHRule.SSHUsers maps a requested login to a local user: "root" is always present
// (itself when allowed, "" when not), autogroup:nonroot is "*" -> "=" (the same name), any other
// string is a literal name mapped to itself, trimmed, case kept, listed once.
void TestPolicyGrammar::sshUserForms()
{
    QCOMPARE(sshUsersOf(R"(["ubuntu"])"), (QJsonObject{{QStringLiteral("root"), QString()}, {QStringLiteral("ubuntu"), QStringLiteral("ubuntu")}}));
    QCOMPARE(sshUsersOf(R"(["root","autogroup:nonroot"])"), (QJsonObject{{QStringLiteral("root"), QStringLiteral("root")}, {QStringLiteral("*"), QStringLiteral("=")}}));
    QCOMPARE(sshUsersOf(R"([" Dev ","Dev","autogroup:member","group:x"])"),
             (QJsonObject{{QStringLiteral("root"), QString()}, {QStringLiteral("Dev"), QStringLiteral("Dev")},
                          {QStringLiteral("autogroup:member"), QStringLiteral("autogroup:member")}, {QStringLiteral("group:x"), QStringLiteral("group:x")}}));
    // A localpart entry that is not localpart:*@<domain> is a literal name too.
    QCOMPARE(sshUsersOf(R"(["localpart:bob@example.com"])"),
             (QJsonObject{{QStringLiteral("root"), QString()}, {QStringLiteral("localpart:bob@example.com"), QStringLiteral("localpart:bob@example.com")}}));
}

// Only "" and "*" are not login users (and a rule must list at least one).
void TestPolicyGrammar::sshUsersThatAreInvalid()
{
    const QByteArray rule = R"("ssh":[{"action":"accept","src":["group:ops"],"dst":["tag:server"],"users":)";
    expectRejected(rule + R"([]}])", QStringLiteral("users must be specified"));
    expectRejected(rule + R"(["root",""]}])", QStringLiteral("is not valid"));
    expectRejected(rule + R"(["   "]}])", QStringLiteral("is not valid"));
    expectRejected(rule + R"(["*"]}])", QStringLiteral("is not valid"));
    expectRejected(rule + R"(null}])", QStringLiteral("users must be specified"));
}

// The client's mapLocalUser (ssh/tailssh): the exact name first, else "*"; "=" never maps to root,
// and "" refuses. sshTests evaluate the compiled rules the same way.
void TestPolicyGrammar::sshTestsFollowTheClientsUserMapping()
{
    const QByteArray rule = R"("ssh":[{"action":"accept","src":["alice@example.com"],"dst":["tag:server"],"users":["autogroup:nonroot"]}],)";
    const Topology t = tailnet();
    auto run = [&](const QByteArray& tests) {
        const auto p = parse(rule + tests);
        if (!p)
            return QStringList{QStringLiteral("rejected")};
        const PolicyCompiler c(*p, t);
        return PolicyTester(*p, t, c).run();
    };
    QVERIFY(run(R"("sshTests":[{"src":"alice@example.com","dst":["tag:server"],"accept":["ubuntu","Admin"],"deny":["root"]}])").isEmpty());
    QVERIFY(!run(R"("sshTests":[{"src":"alice@example.com","dst":["tag:server"],"accept":["root"]}])").isEmpty());
}

// Unknown members are rejected (Go's RejectUnknownMembers); only an ACL entry may carry "#..."
// keys (spec C.1, Headscale's ACL decoding). srcPosture names a posture of the "postures" section,
// which Keel does not support: every name is undefined, which Tailscale rejects.
void TestPolicyGrammar::metadataKeysOnlyInAcls()
{
    expectAccepted(R"("acls":[{"#note":"x","action":"accept","src":["group:ops"],"dst":["tag:server:22"]}])");
    expectRejected(R"("grants":[{"#note":"x","src":["*"],"dst":["*"],"ip":["*"]}])", QStringLiteral("unknown field: \"#note\" in grants[0]"));
    expectRejected(R"("ssh":[{"#note":"x","action":"accept","src":["group:ops"],"dst":["tag:server"],"users":["root"]}])", QStringLiteral("unknown field: \"#note\""));
    expectAccepted(R"("grants":[{"src":["*"],"dst":["*"],"ip":["*"],"srcPosture":[]}])");
    expectRejected(R"("grants":[{"src":["*"],"dst":["*"],"ip":["*"],"srcPosture":["posture:latest"]}])", QStringLiteral("posture \"posture:latest\" is not defined"));
}

// checkPeriod is "always" or a Go duration (time.ParseDuration: decimal numbers with units ns, us,
// µs/μs, ms, s, m, h, a sign, "0" alone unitless), parsed as written, from 0 up to 168h inclusive,
// and only on a "check" rule (Tailscale SSH docs; Headscale SSHCheckPeriod).
void TestPolicyGrammar::checkPeriodForms()
{
    auto rule = [](const char* action, const char* period) {
        return QByteArray(R"("ssh":[{"action":")") + action + R"(","src":["group:ops"],"dst":["tag:server"],"users":["root"],"checkPeriod":")" + period + R"("}])";
    };
    for (const char* ok : {"always", "1h30m", "90m", ".5h", "1.5h", "0", "0s", "168h", "30s", "+2h", "1\u03bcs", "1\u00b5s"})
        expectAccepted(rule("check", ok));
    for (const char* bad : {"1", "1d", " 1h", "1h ", "Always", "-1m", "168h0m1s", "200h", ""})
        expectRejected(rule("check", bad), QStringLiteral("checkPeriod"));
    expectRejected(rule("accept", "1h"), QStringLiteral("checkPeriod is only valid with action \"check\""));
}

// An ACL entry may still use the legacy names "users" for src and "ports" for dst (Tailscale's ACL
// syntax, kb/1337): such a rule compiles as its src/dst spelling does.
void TestPolicyGrammar::legacyUsersAndPorts()
{
    const auto legacy = parse(R"("acls":[{"action":"accept","users":["group:ops"],"ports":["tag:server:22"]}])");
    const auto modern = parse(R"("acls":[{"action":"accept","src":["group:ops"],"dst":["tag:server:22"]}])");
    QVERIFY(legacy && modern);
    const Topology t = tailnet();
    const PolicyCompiler a(*legacy, t);
    const PolicyCompiler b(*modern, t);
    QVERIFY(!a.filterFor(t.nodes[1]).isEmpty());
    QCOMPARE(toJson(a.filterFor(t.nodes[1])), toJson(b.filterFor(t.nodes[1])));
    expectRejected(R"("acls":[{"action":"accept","users":"group:ops","ports":["tag:server:22"]}])", QStringLiteral("acls[0].users: expected an array of strings"));
}

QTEST_GUILESS_MAIN(TestPolicyGrammar)
#include "tst_policygrammar.moc"
