// oidcgroup:<name>: groups the identity provider named at a user's last login, usable wherever the
// policy takes users (ACL src/dst, grants, SSH sources, tagOwners), never confused with group:.
#include "policy/PolicyApprovals.h"
#include "policy/PolicyCompiler.h"
#include "policy/PolicyExplainer.h"
#include "policy/PolicyParser.h"

#include <QJsonArray>
#include <QTest>

using namespace keel::policy;

namespace {

TopologyNode node(qint64 id, const char* name, qint64 user, const QStringList& tags, const char* v4)
{
    TopologyNode n;
    n.id = id;
    n.name = QString::fromLatin1(name);
    n.userId = tags.isEmpty() ? user : 0;
    n.tags = tags;
    n.ipv4 = IpAddress::parse(QString::fromLatin1(v4));
    return n;
}

// alice is in the provider's "eng" and "/ops" groups, bob in "sales", carol never used OIDC.
Topology tailnet()
{
    Topology t;
    TopologyUser alice{1, QStringLiteral("alice"), QStringLiteral("alice@example.com")};
    alice.providerGroups = {QStringLiteral("eng"), QStringLiteral("/ops")};
    TopologyUser bob{2, QStringLiteral("bob"), QStringLiteral("bob@example.com")};
    bob.providerGroups = {QStringLiteral("sales")};
    t.users = {alice, bob, {3, QStringLiteral("carol"), QStringLiteral("carol@example.com")}};
    t.nodes = {node(1, "alice-pc", 1, {}, "100.64.0.1"), node(2, "bob-pc", 2, {}, "100.64.0.2"),
               node(3, "carol-pc", 3, {}, "100.64.0.3"), node(4, "server", 0, {QStringLiteral("tag:server")}, "100.64.0.4")};
    return t;
}

std::optional<Policy> parse(const QByteArray& text, QString* error = nullptr)
{
    PolicyParser parser;
    auto p = parser.parse(text);
    if (error)
        *error = parser.errorText();
    return p;
}

QStringList sourcesFor(const PolicyCompiler& c, const TopologyNode& n)
{
    QStringList out;
    for (const FilterRule& r : c.filterFor(n))
        out += r.srcIps;
    return out;
}

} // namespace

class TestProviderGroups : public QObject
{
    Q_OBJECT

private slots:
    void aclSourceAndDestination()
    {
        const auto p = parse(R"({"tagOwners": {"tag:server": ["oidcgroup:/ops"]},
            "acls": [{"action": "accept", "src": ["oidcgroup:eng"], "dst": ["tag:server:22"]},
                     {"action": "accept", "src": ["carol@example.com"], "dst": ["oidcgroup:sales:80"]}]})");
        QVERIFY(p);
        const Topology t = tailnet();
        const PolicyCompiler c(*p, t);
        QVERIFY(sourcesFor(c, t.nodes[3]).contains(QStringLiteral("100.64.0.1")));
        QVERIFY(!sourcesFor(c, t.nodes[3]).contains(QStringLiteral("100.64.0.2")));
        QVERIFY(sourcesFor(c, t.nodes[1]).contains(QStringLiteral("100.64.0.3"))); // bob's node is in oidcgroup:sales
        QVERIFY(sourcesFor(c, t.nodes[0]).isEmpty());
        const PolicyExplainer e(t, c);
        const auto a = e.explain(QStringLiteral("alice-pc"), QStringLiteral("server"), 22);
        QVERIFY(a && a->allowed);
        QCOMPARE(a->srcProviderGroups, (QStringList{QStringLiteral("eng"), QStringLiteral("/ops")}));
        QVERIFY(a->reason.contains(QStringLiteral("provider groups eng, /ops")));
        QVERIFY(!e.explain(QStringLiteral("bob-pc"), QStringLiteral("server"), 22)->allowed);
        // tagOwners: alice (in /ops) may tag a node tag:server, bob may not.
        const PolicyApprovals approvals(*p, t);
        QVERIFY(approvals.canAssignTags(1, {QStringLiteral("tag:server")}));
        QVERIFY(!approvals.canAssignTags(2, {QStringLiteral("tag:server")}));
    }

    void grantsAndSsh()
    {
        const auto p = parse(R"({"tagOwners": {"tag:server": []},
            "grants": [{"src": ["oidcgroup:sales"], "dst": ["tag:server"], "ip": ["tcp:443"]}],
            "ssh": [{"action": "accept", "src": ["oidcgroup:eng"], "dst": ["tag:server"], "users": ["root"]}]})");
        QVERIFY(p);
        const Topology t = tailnet();
        const PolicyCompiler c(*p, t);
        const QStringList src = sourcesFor(c, t.nodes[3]);
        QVERIFY(src.contains(QStringLiteral("100.64.0.2")));
        QVERIFY(!src.contains(QStringLiteral("100.64.0.1")));
        QStringList principals;
        for (const QJsonValue& r : c.sshPolicyFor(t.nodes[3]).value(QLatin1String("rules")).toArray())
            for (const QJsonValue& pr : r.toObject().value(QLatin1String("principals")).toArray())
                principals << pr.toObject().value(QLatin1String("nodeIP")).toString();
        QCOMPARE(principals, QStringList{QStringLiteral("100.64.0.1")});
    }

    void neverConfusedWithPolicyGroups()
    {
        // A policy group of the same name is the policy's own list; the provider's group does not
        // join it, and an undefined group: stays an error even when a provider group has that name.
        const auto p = parse(R"({"groups": {"group:eng": ["carol@example.com"]},
            "acls": [{"action": "accept", "src": ["group:eng"], "dst": ["*:22"]}]})");
        QVERIFY(p);
        const Topology t = tailnet();
        const PolicyCompiler c(*p, t);
        QCOMPARE(sourcesFor(c, t.nodes[1]), QStringList{QStringLiteral("100.64.0.3")});
        QString error;
        QVERIFY(!parse(R"({"acls": [{"action": "accept", "src": ["group:sales"], "dst": ["*:22"]}]})", &error));
        QVERIFY2(error.contains(QStringLiteral("group not defined")), qPrintable(error));
        QVERIFY(!parse(R"({"acls": [{"action": "accept", "src": ["oidcgroup:"], "dst": ["*:22"]}]})", &error));
        QVERIFY2(error.contains(QStringLiteral("oidcgroup:<name>")), qPrintable(error));
        // A group nobody is in is fine (it fills at someone's login) and matches nothing.
        const auto empty = parse(R"({"acls": [{"action": "accept", "src": ["oidcgroup:nobody"], "dst": ["*:22"]}]})");
        QVERIFY(empty);
        QVERIFY(sourcesFor(PolicyCompiler(*empty, t), t.nodes[0]).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProviderGroups)
#include "tst_providergroups.moc"
