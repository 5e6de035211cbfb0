#include "policy/Alias.h"
#include "policy/HuJson.h"
#include "policy/IpSet.h"
#include "policy/PolicyCompiler.h"
#include "policy/PolicyParser.h"
#include "policy/PortSpec.h"

#include <QJsonArray>
#include <QTest>

using namespace keel::policy;

class TestPolicy : public QObject {
    Q_OBJECT

private slots:
    void hujsonAcceptsCommentsAndTrailingCommas();
    void hujsonReportsLineAndColumn_data();
    void hujsonReportsLineAndColumn();
    void aliasKinds_data();
    void aliasKinds();
    void ports_data();
    void ports();
    void protocols();
    void ipSetRendering();
    void ipAddressText_data();
    void ipAddressText();
    void validationErrors_data();
    void validationErrors();
    void compileSimpleAcl();
    void autogroupSelf();
};

void TestPolicy::hujsonAcceptsCommentsAndTrailingCommas()
{
    const QByteArray text = "{\n // a comment\n \"acls\": [ /* inline */ {\"action\": \"accept\", \"src\": [\"*\",], \"dst\": [\"*:*\"],},],\n \"x//y\": \"a,}\",\n}";
    HuJson::Error e;
    const QJsonDocument doc = HuJson::parse(text, &e);
    QVERIFY2(!doc.isNull(), qPrintable(e.message));
    QCOMPARE(doc.object().value(QLatin1String("acls")).toArray().size(), 1);
    QCOMPARE(doc.object().value(QLatin1String("x//y")).toString(), QStringLiteral("a,}"));
}

void TestPolicy::hujsonReportsLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::newRow("missing comma") << QByteArray("{\n  \"a\": 1 \"b\": 2\n}") << 2 << -1;
    QTest::newRow("unterminated comment") << QByteArray("{\n\n  /* open") << 3 << 3;
    QTest::newRow("unterminated string") << QByteArray("{\"a\n\": 1}") << 1 << 2;
}

void TestPolicy::hujsonReportsLineAndColumn()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(int, column);
    HuJson::Error e;
    QVERIFY(HuJson::parse(text, &e).isNull());
    QCOMPARE(e.line, line);
    if (column > 0)
        QCOMPARE(e.column, column); // Qt's JSON parser reports where it noticed, so not always exact
    QVERIFY(e.message.startsWith(QStringLiteral("line %1, column %2").arg(line).arg(e.column)));
}

void TestPolicy::aliasKinds_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("kind");
    QTest::newRow("user") << "alice@" << int(Alias::Kind::User);
    QTest::newRow("email") << "alice@example.com" << int(Alias::Kind::User);
    QTest::newRow("group") << "group:eng" << int(Alias::Kind::Group);
    QTest::newRow("tag") << "tag:web" << int(Alias::Kind::Tag);
    QTest::newRow("host") << "nas" << int(Alias::Kind::Host);
    QTest::newRow("ip") << "100.64.0.1" << int(Alias::Kind::Prefix);
    QTest::newRow("cidr") << "10.0.0.0/8" << int(Alias::Kind::Prefix);
    QTest::newRow("ipv6") << "fd7a:115c:a1e0::1" << int(Alias::Kind::Prefix);
    QTest::newRow("star") << " * " << int(Alias::Kind::Wildcard);
    QTest::newRow("self") << "autogroup:self" << int(Alias::Kind::AutoSelf);
    QTest::newRow("internet") << "autogroup:internet" << int(Alias::Kind::AutoInternet);
    QTest::newRow("bad autogroup") << "autogroup:nonexistent" << -1;
    QTest::newRow("bad format") << "foo:bar" << -1;
}

void TestPolicy::aliasKinds()
{
    QFETCH(QString, text);
    QFETCH(int, kind);
    QString e;
    const auto a = Alias::parse(text, &e);
    if (kind < 0) {
        QVERIFY(!a);
        QVERIFY(!e.isEmpty());
    } else {
        QVERIFY2(a, qPrintable(e));
        QCOMPARE(int(a->kind), kind);
    }
}

void TestPolicy::ports_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // "first-last,..." or "error:<substring>"
    QTest::newRow("star") << "*" << "0-65535";
    QTest::newRow("single") << "22" << "22-22";
    QTest::newRow("list+range") << "80,443,8000-8100" << "80-80,443-443,8000-8100";
    QTest::newRow("zero") << "0" << "error:first port must be >0";
    QTest::newRow("name") << "ssh" << "error:invalid first integer";
    QTest::newRow("too big") << "70000" << "error:out of range";
    QTest::newRow("reversed") << "90-80" << "error:first port is greater";
}

void TestPolicy::ports()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QString e;
    const auto r = PortSpec::parsePorts(text, &e);
    if (expected.startsWith(QLatin1String("error:"))) {
        QVERIFY(!r);
        QVERIFY2(e.contains(expected.mid(6)), qPrintable(e));
        return;
    }
    QVERIFY2(r, qPrintable(e));
    QStringList got;
    for (const PortRange& p : *r)
        got << QStringLiteral("%1-%2").arg(p.first).arg(p.last);
    QCOMPARE(got.join(QLatin1Char(',')), expected);
}

void TestPolicy::protocols()
{
    QString e;
    QCOMPARE(*PortSpec::parseProtocol(QStringLiteral("TCP"), &e), QList<int>{6});
    QCOMPARE(*PortSpec::parseProtocol(QStringLiteral("icmp"), &e), QList<int>{1});
    QCOMPARE(*PortSpec::parseProtocol(QStringLiteral("47"), &e), QList<int>{47});
    QVERIFY(PortSpec::parseProtocol(QString(), &e)->isEmpty());
    QVERIFY(!PortSpec::parseProtocol(QStringLiteral("0"), &e));
    QVERIFY(!PortSpec::parseProtocol(QStringLiteral("*"), &e));
    QVERIFY(!PortSpec::parseProtocol(QStringLiteral("bogus"), &e));
}

void TestPolicy::ipSetRendering()
{
    IpSet cgnat = tailscaleCgnatSet();
    QCOMPARE(cgnat.toStrings(), (QStringList{QStringLiteral("100.64.0.0-100.115.91.255"), QStringLiteral("100.115.94.0-100.127.255.255")}));
    IpSet s;
    s.add(*IpAddress::parse(QStringLiteral("10.0.0.1")));
    s.add(*IpPrefix::parse(QStringLiteral("10.1.0.0/16")));
    s.add(*IpAddress::parse(QStringLiteral("fd7a:115c:a1e0::1")));
    QCOMPARE(s.toStrings(), (QStringList{QStringLiteral("10.0.0.1"), QStringLiteral("10.1.0.0/16"), QStringLiteral("fd7a:115c:a1e0::1")}));
    QVERIFY(s.contains(*IpAddress::parse(QStringLiteral("10.1.2.3"))));
    QVERIFY(!s.contains(*IpAddress::parse(QStringLiteral("10.2.0.0"))));
    QVERIFY(!IpAddress::parse(QStringLiteral("10.1")));
    QVERIFY(!IpPrefix::parse(QStringLiteral("10.0.0.0/33")));
    QVERIFY(theInternetSet().contains(*IpAddress::parse(QStringLiteral("8.8.8.8"))));
    QVERIFY(!theInternetSet().contains(*IpAddress::parse(QStringLiteral("192.168.1.1"))));
}

void TestPolicy::ipAddressText_data()
{
    // input, canonical output ("" = must be rejected), as Go's net/netip parses and prints.
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("v4") << "100.64.0.1" << "100.64.0.1";
    QTest::newRow("v4 zeros") << "0.0.0.0" << "0.0.0.0";
    QTest::newRow("v4 max") << "255.255.255.255" << "255.255.255.255";
    QTest::newRow("v4 leading zero") << "10.01.0.1" << "";
    QTest::newRow("v4 shorthand") << "10.1" << "";
    QTest::newRow("v4 too big") << "256.0.0.1" << "";
    QTest::newRow("v4 five parts") << "1.2.3.4.5" << "";
    QTest::newRow("v4 trailing dot") << "1.2.3.4." << "";
    QTest::newRow("v4 sign") << "+1.2.3.4" << "";
    QTest::newRow("v6 tailscale") << "fd7a:115c:a1e0::1" << "fd7a:115c:a1e0::1";
    QTest::newRow("v6 upper, leading zeros") << "FD7A:115C:A1E0:0000:0000:0000:0000:0001" << "fd7a:115c:a1e0::1";
    QTest::newRow("v6 all zero") << "::" << "::";
    QTest::newRow("v6 loopback") << "::1" << "::1";
    QTest::newRow("v6 trailing ::") << "2001:db8::" << "2001:db8::";
    QTest::newRow("v6 longest run wins") << "2001:0:0:1:0:0:0:1" << "2001:0:0:1::1";
    QTest::newRow("v6 first run on tie") << "2001:db8:0:0:1:0:0:1" << "2001:db8::1:0:0:1";
    QTest::newRow("v6 single zero group kept") << "2001:db8:0:1:1:1:1:1" << "2001:db8:0:1:1:1:1:1";
    QTest::newRow("v6 mapped v4") << "::ffff:10.1.2.3" << "::ffff:10.1.2.3";
    QTest::newRow("v6 embedded v4") << "64:ff9b::192.0.2.1" << "64:ff9b::c000:201";
    QTest::newRow("v6 two ellipses") << "1::2::3" << "";
    QTest::newRow("v6 nine groups") << "1:2:3:4:5:6:7:8:9" << "";
    QTest::newRow("v6 seven groups") << "1:2:3:4:5:6:7" << "";
    QTest::newRow("v6 :: for nothing") << "1:2:3:4::5:6:7:8" << "";
    QTest::newRow("v6 five hex digits") << "12345::" << "";
    QTest::newRow("v6 zone") << "fe80::1%eth0" << "";
    QTest::newRow("v6 trailing colon") << "1:2:3:4:5:6:7:" << "";
    QTest::newRow("v6 leading colon") << ":1:2:3:4:5:6:7" << "";
    QTest::newRow("v6 bad v4 tail") << "::ffff:1.2.3" << "";
    QTest::newRow("empty") << "" << "";
    QTest::newRow("prefix is not an address") << "10.0.0.0/8" << "";
    QTest::newRow("name") << "example.com" << "";
}

void TestPolicy::ipAddressText()
{
    QFETCH(QString, input);
    QFETCH(QString, canonical);
    const auto a = IpAddress::parse(input);
    if (canonical.isEmpty()) {
        QVERIFY2(!a, qPrintable(a ? a->toString() : QString()));
        return;
    }
    QVERIFY(a);
    QCOMPARE(a->toString(), canonical);
    QCOMPARE(IpAddress::parse(canonical), a); // the printed form reads back to the same value
}

void TestPolicy::validationErrors_data()
{
    QTest::addColumn<QByteArray>("policy");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown field") << QByteArray(R"({"postures": {}})") << "unknown field: \"postures\"";
    QTest::newRow("deny") << QByteArray(R"({"acls":[{"action":"deny","src":["*"],"dst":["*:*"]}]})") << "action=\"deny\" is not supported";
    QTest::newRow("undefined tag src") << QByteArray(R"({"acls":[{"action":"accept","src":["tag:x"],"dst":["*:*"]}]})") << "src=tag not found: \"tag:x\"";
    QTest::newRow("self src") << QByteArray(R"({"acls":[{"action":"accept","src":["autogroup:self"],"dst":["*:*"]}]})") << "\"autogroup:self\" not valid on the src side";
    QTest::newRow("port name") << QByteArray(R"({"tagOwners":{"tag:server":[]},"acls":[{"action":"accept","src":["*"],"dst":["tag:server:ssh"]}]})") << "dst=\"tag:server\": port range \"ssh\": invalid first integer";
    QTest::newRow("self with tag src") << QByteArray(R"({"tagOwners":{"tag:a":[]},"acls":[{"action":"accept","src":["tag:a"],"dst":["autogroup:self:*"]}]})") << "autogroup:self can only be used with users, groups, or supported autogroups";
    QTest::newRow("group member") << QByteArray(R"({"groups":{"group:a":["bob"]}})") << "username must contain @";
    QTest::newRow("ssh wildcard dst") << QByteArray(R"({"ssh":[{"action":"accept","src":["autogroup:member"],"dst":["*"],"users":["root"]}]})") << "wildcard (*) is not supported as SSH destination";
    QTest::newRow("check period") << QByteArray(R"({"tagOwners":{"tag:s":[]},"ssh":[{"action":"check","src":["autogroup:member"],"dst":["tag:s"],"users":["root"],"checkPeriod":"200h"}]})") << "above the max (168h)";
    QTest::newRow("grant empty") << QByteArray(R"({"grants":[{"src":["*"],"dst":["*"]}]})") << "ip and app can not both be empty";
    QTest::newRow("admin outside nodeAttrs") << QByteArray(R"({"acls":[{"action":"accept","src":["autogroup:admin"],"dst":["*:*"]}]})") << "\"autogroup:admin\" is only supported as a nodeAttrs target";
    QTest::newRow("app to internet") << QByteArray(R"({"grants":[{"src":["*"],"dst":["autogroup:internet"],"app":{"example.com/cap/x":[{}]}}]})") << "cannot use app grants with autogroup:internet";
    QTest::newRow("bad ipPool") << QByteArray(R"({"nodeAttrs":[{"target":["*"],"ipPool":["100.81.0.1/16"]}]})") << "nodeAttrs[0].ipPool: invalid prefix";
    // ipPool lies inside 100.64.0.0/10 and off Tailscale's own ranges (kb/1304/ip-pool; Headscale
    // policy/v2 validateNodeAttrIPPool).
    QTest::newRow("ipPool outside CGNAT") << QByteArray(R"({"nodeAttrs":[{"target":["*"],"ipPool":["10.0.0.0/16"]}]})") << "ipPool must be within 100.64.0.0/10";
    QTest::newRow("ipPool wider than CGNAT") << QByteArray(R"({"nodeAttrs":[{"target":["*"],"ipPool":["100.0.0.0/8"]}]})") << "ipPool must be within 100.64.0.0/10";
    QTest::newRow("ipPool IPv6") << QByteArray(R"({"nodeAttrs":[{"target":["*"],"ipPool":["fd7a:115c:a1e0::/64"]}]})") << "ipPool must be within 100.64.0.0/10";
    QTest::newRow("ipPool on MagicDNS") << QByteArray(R"({"nodeAttrs":[{"target":["*"],"ipPool":["100.100.0.0/16"]}]})") << "must not overlap reserved Tailscale ranges";
    QTest::newRow("ipPool on Quad100") << QByteArray(R"({"nodeAttrs":[{"target":["*"],"ipPool":["100.115.92.0/24"]}]})") << "must not overlap reserved Tailscale ranges";
}

void TestPolicy::validationErrors()
{
    QFETCH(QByteArray, policy);
    QFETCH(QString, message);
    PolicyParser parser;
    QVERIFY(!parser.parse(policy));
    QVERIFY2(parser.errorText().contains(message), qPrintable(parser.errorText()));
}

namespace {

Topology smallTailnet()
{
    Topology t;
    t.users = {{1, QStringLiteral("alice"), QStringLiteral("alice@example.com")}, {2, QStringLiteral("bob"), QStringLiteral("bob@example.com")}};
    auto node = [](qint64 id, const char* name, qint64 user, QStringList tags, const char* v4, const char* v6) {
        TopologyNode n;
        n.id = id;
        n.name = QString::fromLatin1(name);
        n.userId = user;
        n.tags = tags;
        n.ipv4 = IpAddress::parse(QString::fromLatin1(v4));
        n.ipv6 = IpAddress::parse(QString::fromLatin1(v6));
        return n;
    };
    t.nodes = {node(1, "alice-laptop", 1, {}, "100.64.0.1", "fd7a:115c:a1e0::1"),
               node(2, "bob-laptop", 2, {}, "100.64.0.2", "fd7a:115c:a1e0::2"),
               node(3, "web1", 0, {QStringLiteral("tag:web")}, "100.64.0.3", "fd7a:115c:a1e0::3")};
    return t;
}

} // namespace

void TestPolicy::compileSimpleAcl()
{
    PolicyParser parser;
    const auto p = parser.parse(QByteArray(R"({"tagOwners":{"tag:web":[]},"acls":[{"action":"accept","src":["alice@"],"dst":["tag:web:80,443"],"proto":"tcp"}]})"));
    QVERIFY2(p, qPrintable(parser.errorText()));
    const Topology t = smallTailnet();
    PolicyCompiler c(*p, t);
    QVERIFY(c.filterFor(t.nodes[0]).isEmpty());
    const QList<FilterRule> web = c.filterFor(t.nodes[2]);
    QCOMPARE(web.size(), 1);
    QCOMPARE(web[0].srcIps, (QStringList{QStringLiteral("100.64.0.1"), QStringLiteral("fd7a:115c:a1e0::1")}));
    QCOMPARE(web[0].dstPorts.size(), 4);
    QCOMPARE(web[0].ipProto, QList<int>{6});
    // Visibility is symmetric: alice and web1 see each other, bob sees nobody.
    QCOMPARE(c.peersOf(0), QList<int>{2});
    QCOMPARE(c.peersOf(2), QList<int>{0});
    QVERIFY(c.peersOf(1).isEmpty());
}

void TestPolicy::autogroupSelf()
{
    PolicyParser parser;
    const auto p = parser.parse(QByteArray(R"({"acls":[{"action":"accept","src":["autogroup:member"],"dst":["autogroup:self:*"]}]})"));
    QVERIFY2(p, qPrintable(parser.errorText()));
    const Topology t = smallTailnet();
    PolicyCompiler c(*p, t);
    const QList<FilterRule> alice = c.filterFor(t.nodes[0]);
    QCOMPARE(alice.size(), 1);
    QCOMPARE(alice[0].srcIps, (QStringList{QStringLiteral("100.64.0.1"), QStringLiteral("fd7a:115c:a1e0::1")}));
    QVERIFY(c.filterFor(t.nodes[2]).isEmpty()); // tagged nodes never get self rules
    QVERIFY(c.peersOf(0).isEmpty());            // alice and bob are not peers
}

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_policy.moc"
