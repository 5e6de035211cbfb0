// The mapper's JSON against what real clients parse: the netmap examples from Tailscale's control
// plane and the recorded Headscale answers, plus the framing.
#include "control/RegistrationRequest.h"
#include "mapper/Mapper.h"
#include "mapper/MapperPolicy.h"
#include "mapper/MapSessionFraming.h"
#include "policy/PolicyParser.h"
#include "state/PrimaryRoutes.h"
#include "state/State.h"
#include "TestPaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace keel;

namespace {

QString key(const char* prefix, int n)
{
    return QString::fromLatin1(prefix) + QStringLiteral("%1").arg(n, 64, 10, QLatin1Char('0'));
}

std::shared_ptr<state::Snapshot> snapshotWith(int nodes)
{
    auto s = std::make_shared<state::Snapshot>();
    store::User alice;
    alice.id = 1;
    alice.name = "alice";
    alice.email = "alice@example.com";
    alice.createdAt = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    s->users.insert(1, alice);
    s->users.insert(state::State::kTaggedDevicesId, state::State::taggedDevicesUser());
    for (int i = 1; i <= nodes; ++i) {
        auto n = std::make_shared<state::LiveNode>();
        n->node.id = i;
        n->node.machineKey = key("mkey:", i);
        n->node.nodeKey = key("nodekey:", i);
        n->node.discoKey = key("discokey:", i);
        n->node.ipv4 = QStringLiteral("100.64.0.%1").arg(i);
        n->node.ipv6 = QStringLiteral("fd7a:115c:a1e0::%1").arg(i);
        n->node.givenName = QStringLiteral("node%1").arg(i);
        n->node.hostinfoJson = QStringLiteral(R"({"Hostname":"node%1","OS":"linux","NetInfo":{"PreferredDERP":999}})").arg(i).toUtf8();
        n->node.userId = 1;
        n->node.createdAt = alice.createdAt;
        n->node.endpoints = {QStringLiteral("192.0.2.%1:41641").arg(i)};
        n->online = true;
        n->capVersion = 115;
        s->nodes.insert(i, n);
        s->byNodeKey.insert(n->node.nodeKey, i);
    }
    return s;
}

control::MapperOptions options()
{
    config::Config c;
    c.serverUrl = "https://ctrl.example.com";
    c.prefixes.v4 = "100.64.0.0/10";
    c.dns.baseDomain = "ts.example.com";
    return control::MapperOptions::fromConfig(c);
}

} // namespace

class TestMapper : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goTimeMatchesGo()
    {
        QCOMPARE(control::Mapper::goTime(QDateTime()), QString("0001-01-01T00:00:00Z"));
        QCOMPARE(control::Mapper::goTime(QDateTime(QDate(2025, 3, 1), QTime(12, 0, 5, 123), Qt::UTC)),
                 QString("2025-03-01T12:00:05.123Z"));
        bool ok = false;
        auto t = control::RegistrationRequest::parseGoTime("2026-11-22T03:48:02.919184223Z", &ok);
        QVERIFY(ok && t);
        QCOMPARE(t->time().msec(), 919);
        QVERIFY(!control::RegistrationRequest::parseGoTime("0001-01-01T00:00:00Z", &ok) && ok);
        control::RegistrationRequest::parseGoTime("yesterday", &ok);
        QVERIFY(!ok);
    }

    void nodeShapeFollowsTheNetmapExamples()
    {
        QFile f(test::testdataPath("tailscale-netmap-examples/acl-a01-netmaps.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject nm = QJsonDocument::fromJson(f.readAll()).object()["netmaps"].toObject()["bulbasaur"].toObject();
        const QJsonObject realPeer = nm["Peers"].toArray()[0].toObject();
        const QJsonObject realSelf = nm["SelfNode"].toObject();

        auto s = snapshotWith(2);
        control::Mapper mapper(options());
        const QJsonObject self = mapper.nodeJson(s, *s->node(1), true);
        const QJsonObject peer = mapper.nodeJson(s, *s->node(2), false);
        // Every field the client needs from a peer, as Tailscale's own control plane sent it.
        for (const char* k : {"ID", "StableID", "Name", "User", "Key", "DiscoKey", "Addresses", "AllowedIPs",
                              "Endpoints", "HomeDERP", "Hostinfo", "Created", "Cap", "Online"}) {
            QVERIFY2(realPeer.contains(k), k);
            QVERIFY2(peer.contains(k), k);
            QCOMPARE(peer[k].type(), realPeer[k].type());
        }
        for (const char* k : {"ID", "Name", "Key", "Addresses", "AllowedIPs", "MachineAuthorized", "CapMap", "User"}) {
            QVERIFY2(self.contains(k), k);
            QCOMPARE(self[k].type(), realSelf[k].type());
        }
        QVERIFY(realPeer["Name"].toString().endsWith("."));
        QVERIFY(peer["Name"].toString().endsWith("."));
        const QRegularExpression prefix("^[0-9a-f.:]+/(32|128)$");
        for (const QJsonValue& a : peer["Addresses"].toArray())
            QVERIFY(prefix.match(a.toString()).hasMatch());
        QCOMPARE(peer["DERP"].toString(), QString("127.3.3.40:999"));
        QVERIFY(!peer.contains("CapMap"));
        // Keys never empty strings (control.md 0.1).
        for (const char* k : {"Key", "Machine", "DiscoKey"})
            QVERIFY(!peer[k].toString().isEmpty());
    }

    void noDiscoKeyMeansNoField()
    {
        auto s = snapshotWith(1);
        auto n = std::make_shared<state::LiveNode>(*s->node(1));
        n->node.discoKey.clear();
        n->node.hostinfoJson.clear();
        n->capVersion = 0;
        control::Mapper mapper(options());
        const QJsonObject j = mapper.nodeJson(s, *n, false);
        QVERIFY(!j.contains("DiscoKey"));
        QVERIFY(!j.contains("HomeDERP"));
        QVERIFY(!j.contains("DERP"));
        QVERIFY(!j.contains("Cap"));
        QVERIFY(j["Hostinfo"].isObject());
    }

    void routesAndExpiry()
    {
        auto s = snapshotWith(2);
        auto n = std::make_shared<state::LiveNode>(*s->node(2));
        n->node.announcedRoutes = {"10.0.0.0/24", "0.0.0.0/0", "::/0", "192.168.0.0/16"};
        n->node.approvedRoutes = {"10.0.0.0/24", "0.0.0.0/0", "::/0"};
        n->node.expiry = QDateTime(QDate(2000, 1, 1), QTime(0, 0), Qt::UTC);
        s->nodes.insert(2, n);
        // What State derives: node 2 is primary for its approved subnet route and an exit node.
        s->primaries = {{"10.0.0.0/24", 2}};
        s->primariesByNode = state::PrimaryRoutes::byNode(s->primaries);
        s->exitNodes = {2};
        control::Mapper mapper(options());
        const QJsonObject j = mapper.nodeJson(s, *n, false);
        QCOMPARE(j["AllowedIPs"].toArray(),
                 (QJsonArray{"0.0.0.0/0", "10.0.0.0/24", "100.64.0.2/32", "::/0", "fd7a:115c:a1e0::2/128"}));
        QCOMPARE(j["PrimaryRoutes"].toArray(), QJsonArray{"10.0.0.0/24"});
        QCOMPARE(j["Expired"].toBool(), true);
        QCOMPARE(j["MachineAuthorized"].toBool(), false);
        QCOMPARE(j["KeyExpiry"].toString(), QString("2000-01-01T00:00:00.000Z"));
    }

    void primaryChangeRebuildsTheSharedPeer()
    {
        // The same LiveNodes, a new election: the cached peer JSON must follow the primaries.
        auto s = snapshotWith(3);
        for (qint64 id : {2, 3}) {
            auto n = std::make_shared<state::LiveNode>(*s->node(id));
            n->node.announcedRoutes = {"10.0.0.0/24"};
            n->node.approvedRoutes = {"10.0.0.0/24"};
            s->nodes.insert(id, n);
        }
        s->primaries = {{"10.0.0.0/24", 2}};
        s->primariesByNode = state::PrimaryRoutes::byNode(s->primaries);
        control::Mapper mapper(options());
        QCOMPARE(mapper.peerJson(s, 1, *s->node(2))["PrimaryRoutes"].toArray(), QJsonArray{"10.0.0.0/24"});
        QVERIFY(!mapper.peerJson(s, 1, *s->node(3)).contains("PrimaryRoutes"));
        auto next = std::make_shared<state::Snapshot>(*s);
        next->version = s->version + 1;
        next->primaries = {{"10.0.0.0/24", 3}};
        next->primariesByNode = state::PrimaryRoutes::byNode(next->primaries);
        const QJsonObject two = mapper.peerJson(next, 1, *next->node(2));
        QVERIFY(!two.contains("PrimaryRoutes"));
        QCOMPARE(two["AllowedIPs"].toArray(), (QJsonArray{"100.64.0.2/32", "fd7a:115c:a1e0::2/128"}));
        QCOMPARE(mapper.peerJson(next, 1, *next->node(3))["PrimaryRoutes"].toArray(), QJsonArray{"10.0.0.0/24"});
    }

    void routesReducedPerViewerWithCoRouterVisibility()
    {
        // Node 2 is primary for 10.0.0.0/24 and an exit node. Node 1 may only reach node 2 itself,
        // node 3 (which also serves the prefix) nothing at all, node 4 reaches the subnet.
        auto s = snapshotWith(4);
        auto r = std::make_shared<state::LiveNode>(*s->node(2));
        r->node.announcedRoutes = {"10.0.0.0/24", "0.0.0.0/0", "::/0"};
        r->node.approvedRoutes = r->node.announcedRoutes;
        s->nodes.insert(2, r);
        auto co = std::make_shared<state::LiveNode>(*s->node(3));
        co->node.announcedRoutes = {"10.0.0.0/24"};
        co->node.approvedRoutes = {"10.0.0.0/24"};
        s->nodes.insert(3, co);
        s->primaries = {{"10.0.0.0/24", 2}};
        s->primariesByNode = state::PrimaryRoutes::byNode(s->primaries);
        s->exitNodes = {2};
        s->servedRoutes = {{2, {"10.0.0.0/24", "0.0.0.0/0", "::/0"}}, {3, {"10.0.0.0/24"}}};
        policy::PolicyParser parser;
        auto parsed = parser.parse(QByteArray(R"({"hosts":{"n1":"100.64.0.1/32","n2":"100.64.0.2/32","n3":"100.64.0.3/32","n4":"100.64.0.4/32"},
            "acls":[{"action":"accept","src":["n1"],"dst":["n2:*"]},
                    {"action":"accept","src":["n4"],"dst":["10.0.0.0/24:*","n2:*"]},
                    {"action":"accept","src":["n2"],"dst":["n3:22"]}]})"));
        QVERIFY2(parsed, qPrintable(parser.errorText()));
        s->policy = std::make_shared<const policy::Policy>(*parsed);
        s->version = 3;
        control::Mapper mapper(options());
        const auto allowed = [&](qint64 viewer) {
            QStringList out;
            for (const QJsonValue& v : mapper.peerJson(s, viewer, *s->node(2))["AllowedIPs"].toArray())
                out << v.toString();
            return out;
        };
        // An exit route reaches a viewer when one of its rules has a destination of that family
        // (Headscale reduces route by route): these host aliases are IPv4 only, so ::/0 is not.
        QCOMPARE(allowed(1), (QStringList{"0.0.0.0/0", "100.64.0.2/32", "fd7a:115c:a1e0::2/128"}));
        QCOMPARE(allowed(4), (QStringList{"0.0.0.0/0", "10.0.0.0/24", "100.64.0.2/32", "fd7a:115c:a1e0::2/128"}));
        QCOMPARE(mapper.peerJson(s, 4, *s->node(2))["PrimaryRoutes"].toArray(), QJsonArray{"10.0.0.0/24"});
        // Node 3 is a co-router: it sees who is primary for its prefix although no rule says so.
        QVERIFY(allowed(3).contains("10.0.0.0/24"));
        // The router's self view (Headscale): its own primaries reduced by its rules, which here
        // never touch 10.0.0.0/24 from its side, and its exit routes unreduced.
        const QJsonObject self = mapper.nodeJson(s, *s->node(2), true);
        QCOMPARE(self["AllowedIPs"].toArray(), (QJsonArray{"0.0.0.0/0", "100.64.0.2/32", "::/0", "fd7a:115c:a1e0::2/128"}));
        QVERIFY(!self.contains("PrimaryRoutes"));
    }

    void fullMapForTaggedNodeHasTaggedProfile()
    {
        auto s = snapshotWith(2);
        auto n = std::make_shared<state::LiveNode>(*s->node(2));
        n->node.tags = {"tag:server"};
        n->node.userId.reset();
        s->nodes.insert(2, n);
        control::Mapper mapper(options());
        QSet<qint64> peers;
        const QJsonObject m = mapper.fullMap(s, 1, &peers);
        QCOMPARE(peers, QSet<qint64>{2});
        const QJsonArray profiles = m["UserProfiles"].toArray();
        QCOMPARE(profiles.size(), 2);
        QCOMPARE(profiles[0].toObject()["LoginName"].toString(), QString("alice@example.com"));
        QCOMPARE(profiles[1].toObject()["ID"].toInteger(), state::State::kTaggedDevicesId);
        QCOMPARE(profiles[1].toObject()["LoginName"].toString(), QString("tagged-devices"));
        QCOMPARE(m["Peers"].toArray()[0].toObject()["Tags"].toArray(), QJsonArray{"tag:server"});
    }

    void privacySwitches()
    {
        auto s = snapshotWith(1);
        control::MapperOptions o = options();
        o.disableLogTail = false;
        o.disableCaptivePortalDetection = false;
        o.taildrop = false;
        control::Mapper mapper(o);
        const QJsonObject m = mapper.fullMap(s, 1);
        QVERIFY(!m.contains("Debug"));
        const QJsonObject caps = m["Node"].toObject()["CapMap"].toObject();
        QVERIFY(!caps.contains("disable-captive-portal-detection"));
        QVERIFY(!caps.contains("https://tailscale.com/cap/file-sharing"));
        QVERIFY(!m.contains("Peers")); // no peers: omitted, never []
    }

    void policyRestrictsPeersAndFilter()
    {
        auto s = snapshotWith(3);
        auto n3 = std::make_shared<state::LiveNode>(*s->node(3));
        n3->node.tags = {"tag:db"};
        n3->node.userId.reset();
        s->nodes.insert(3, n3);
        auto p = std::make_shared<policy::Policy>();
        policy::PolicyParser parser;
        auto parsed = parser.parse(QByteArray(R"({"tagOwners":{"tag:db":["alice@example.com"]},
            "acls":[{"action":"accept","src":["alice@example.com"],"dst":["tag:db:5432"]}]})"));
        QVERIFY2(parsed, qPrintable(parser.errorText()));
        s->policy = std::make_shared<const policy::Policy>(*parsed);
        s->version = 7;
        control::Mapper mapper(options());
        QCOMPARE(mapper.visiblePeers(s, 1), QList<qint64>{3});
        QCOMPARE(mapper.visiblePeers(s, 3), (QList<qint64>{1, 2}));
        QVERIFY(!mapper.isVisible(s, 1, 2));
        const QJsonArray dbFilter = mapper.packetFilter(s, 3);
        QCOMPARE(dbFilter.size(), 1);
        QCOMPARE(dbFilter[0].toObject()["DstPorts"].toArray()[0].toObject()["Ports"].toObject()["First"].toInt(), 5432);
        QVERIFY(mapper.packetFilter(s, 1).isEmpty()); // nothing may reach alice's nodes
    }

    void mapperPolicyReusesThePreviousCompile()
    {
        // Successive snapshots under one policy: an endpoint change reuses the compile whole, a
        // node joining or being retagged updates it incrementally, a new policy compiles in full;
        // every time the results are those of a compile from scratch.
        auto s = snapshotWith(6);
        policy::PolicyParser parser;
        auto parsed = parser.parse(QByteArray(R"({"tagOwners":{"tag:db":["alice@example.com"]},
            "acls":[{"action":"accept","src":["alice@example.com"],"dst":["tag:db:5432"]},
                    {"action":"accept","src":["tag:db"],"dst":["tag:db:*"]}]})"));
        QVERIFY2(parsed, qPrintable(parser.errorText()));
        s->policy = std::make_shared<const policy::Policy>(*parsed);
        const auto retag = [](state::Snapshot& snap, qint64 id) {
            auto n = std::make_shared<state::LiveNode>(*snap.node(id));
            n->node.tags = {"tag:db"};
            n->node.userId.reset();
            snap.nodes.insert(id, n);
        };
        retag(*s, 3);
        const auto sameAsFresh = [](control::MapperPolicy& p, const state::SnapshotPtr& snap) {
            control::MapperPolicy fresh(snap);
            for (qint64 id : snap->nodes.keys()) {
                if (p.peersOf(id) != fresh.peersOf(id) || p.filterFor(id) != fresh.filterFor(id))
                    return false;
            }
            return true;
        };
        control::MapperPolicy first(s);
        QCOMPARE(first.reuse(), control::MapperPolicy::Reuse::None);
        QCOMPARE(first.peersOf(1), (QSet<qint64>{3}));

        auto moved = std::make_shared<state::Snapshot>(*s);
        auto n2 = std::make_shared<state::LiveNode>(*s->node(2));
        n2->node.endpoints = {QStringLiteral("198.51.100.7:41641")};
        moved->nodes.insert(2, n2);
        control::MapperPolicy second(moved, &first);
        QCOMPARE(second.reuse(), control::MapperPolicy::Reuse::Whole);
        QVERIFY(sameAsFresh(second, moved));

        auto retagged = std::make_shared<state::Snapshot>(*moved);
        retag(*retagged, 5);
        control::MapperPolicy third(retagged, &second);
        QCOMPARE(third.reuse(), control::MapperPolicy::Reuse::Incremental);
        QCOMPARE(third.peersOf(1), (QSet<qint64>{3, 5}));
        QVERIFY(sameAsFresh(third, retagged));

        auto joined = std::make_shared<state::Snapshot>(*snapshotWith(7));
        joined->policy = s->policy;
        joined->nodes.insert(2, n2);
        retag(*joined, 3);
        retag(*joined, 5);
        retag(*joined, 7);
        control::MapperPolicy fourth(joined, &third);
        QCOMPARE(fourth.reuse(), control::MapperPolicy::Reuse::Incremental);
        QCOMPARE(fourth.peersOf(7), (QSet<qint64>{1, 2, 3, 4, 5, 6}));
        QVERIFY(sameAsFresh(fourth, joined));

        auto newPolicy = std::make_shared<state::Snapshot>(*joined);
        newPolicy->policy = std::make_shared<const policy::Policy>(*parsed);
        control::MapperPolicy fifth(newPolicy, &fourth);
        QCOMPARE(fifth.reuse(), control::MapperPolicy::Reuse::None);
        QVERIFY(sameAsFresh(fifth, newPolicy));
    }

    void explainNamesTheRule()
    {
        auto s = snapshotWith(3);
        control::Mapper mapper(options());
        // No policy: everything is allowed, once both names are nodes.
        auto open = mapper.explain(s, QStringLiteral("node1"), QStringLiteral("100.64.0.2"), 22, 6);
        QVERIFY(open);
        QVERIFY(open->value(QStringLiteral("allowed")).toBool());
        QVERIFY(!mapper.explain(s, QStringLiteral("node1"), QStringLiteral("nobody"), 22, 6));

        auto next = std::make_shared<state::Snapshot>(*s);
        auto n3 = std::make_shared<state::LiveNode>(*s->node(3));
        n3->node.tags = {"tag:db"};
        n3->node.userId.reset();
        next->nodes.insert(3, n3);
        policy::PolicyParser parser;
        auto parsed = parser.parse(QByteArray(R"({"tagOwners":{"tag:db":["alice@example.com"]},
            "acls":[{"action":"accept","src":["alice@example.com"],"dst":["tag:db:5432"]}]})"));
        QVERIFY2(parsed, qPrintable(parser.errorText()));
        next->policy = std::make_shared<const policy::Policy>(*parsed);
        next->version = 11;
        auto yes = mapper.explain(next, QStringLiteral("node1"), QStringLiteral("node3"), 5432, 6);
        QVERIFY(yes);
        QVERIFY(yes->value(QStringLiteral("allowed")).toBool());
        QVERIFY(yes->value(QStringLiteral("peers")).toBool());
        QCOMPARE(yes->value(QStringLiteral("rules")).toArray().first().toString(), QStringLiteral("acls[0]"));
        auto no = mapper.explain(next, QStringLiteral("node1"), QStringLiteral("node3"), 22, 6);
        QVERIFY(no);
        QVERIFY(!no->value(QStringLiteral("allowed")).toBool());
        QVERIFY(!no->value(QStringLiteral("reason")).toString().isEmpty());
        auto reverse = mapper.explain(next, QStringLiteral("node3"), QStringLiteral("node1"), 5432, 6);
        QVERIFY(reverse && !reverse->value(QStringLiteral("allowed")).toBool());
    }

    void autoApprovedRoutesCountForFiltersAndPeers()
    {
        // Node 3 (tag:router) advertises 10.0.0.0/24 without a manual approval; the policy's
        // autoApprovers cover it, so alice's nodes see the router and it gets the subnet rule.
        auto s = snapshotWith(3);
        auto n3 = std::make_shared<state::LiveNode>(*s->node(3));
        n3->node.tags = {"tag:router"};
        n3->node.userId.reset();
        n3->node.announcedRoutes = {"10.0.0.0/24"};
        s->nodes.insert(3, n3);
        policy::PolicyParser parser;
        const QByteArray text = R"({"tagOwners":{"tag:router":["alice@example.com"]},
            "autoApprovers":{"routes":{"10.0.0.0/24":["tag:router"]}},
            "acls":[{"action":"accept","src":["alice@example.com"],"dst":["10.0.0.0/24:*"]}]})";
        auto parsed = parser.parse(text);
        QVERIFY2(parsed, qPrintable(parser.errorText()));
        s->policy = std::make_shared<const policy::Policy>(*parsed);
        s->version = 8;
        control::Mapper mapper(options());
        QVERIFY(mapper.visiblePeers(s, 1).contains(3));
        const QJsonArray routerFilter = mapper.packetFilter(s, 3);
        QCOMPARE(routerFilter.size(), 1);
        QCOMPARE(routerFilter[0].toObject()["DstPorts"].toArray()[0].toObject()["IP"].toString(), QStringLiteral("10.0.0.0/24"));

        // Without the autoApprover the route is not approved: no rule reaches the router. (A new
        // snapshot, as State publishes one: snapshots are never changed in place.)
        auto withoutApprover = parser.parse(QByteArray(R"({"tagOwners":{"tag:router":["alice@example.com"]},
            "acls":[{"action":"accept","src":["alice@example.com"],"dst":["10.0.0.0/24:*"]}]})"));
        QVERIFY(withoutApprover);
        auto next = std::make_shared<state::Snapshot>(*s);
        next->policy = std::make_shared<const policy::Policy>(*withoutApprover);
        next->version = 9;
        s = next;
        const QJsonArray unapproved = mapper.packetFilter(s, 3);
        QVERIFY2(unapproved.isEmpty(), QJsonDocument(unapproved).toJson().constData());
        QVERIFY(!mapper.visiblePeers(s, 1).contains(3));
    }

    void peerChangeFields()
    {
        auto s = snapshotWith(1);
        control::Mapper mapper(options());
        using C = state::Change;
        const QJsonObject p = mapper.peerChange(*s->node(1), C::Online | C::Endpoints | C::Derp | C::KeyExpiry);
        QCOMPARE(p["NodeID"].toInt(), 1);
        QCOMPARE(p["Online"].toBool(), true);
        QCOMPARE(p["DERPRegion"].toInt(), 999);
        QCOMPARE(p["Endpoints"].toArray(), QJsonArray{"192.0.2.1:41641"});
        QCOMPARE(p["KeyExpiry"].toString(), QString("0001-01-01T00:00:00Z")); // zero clears
        QVERIFY(!p.contains("Key"));
    }

    void framingRoundTrip()
    {
        const QByteArray json = R"({"KeepAlive":true})";
        for (bool zstd : {false, true}) {
            QByteArray wire = control::MapSessionFraming::frame(json, zstd) + control::MapSessionFraming::frame(json, zstd);
            if (zstd)
                QCOMPARE(wire.mid(4, 4), QByteArray("\x28\xb5\x2f\xfd", 4)); // a zstd frame
            else
                QCOMPARE(wire.left(4), QByteArray("\x12\x00\x00\x00", 4)); // little-endian length
            QString error;
            QByteArray partial = wire.left(6);
            QVERIFY(!control::MapSessionFraming::takeMessage(partial, zstd, &error));
            QVERIFY(error.isEmpty());
            QCOMPARE(*control::MapSessionFraming::takeMessage(wire, zstd, &error), json);
            QCOMPARE(*control::MapSessionFraming::takeMessage(wire, zstd, &error), json);
            QVERIFY(wire.isEmpty());
        }
        QByteArray garbage("\x04\x00\x00\x00junk", 8);
        QString error;
        QVERIFY(!control::MapSessionFraming::takeMessage(garbage, true, &error));
        QVERIFY(!error.isEmpty());
        QByteArray huge("\xff\xff\xff\xff", 4);
        QVERIFY(!control::MapSessionFraming::takeMessage(huge, false, &error));
    }

    void registerRequestParsing()
    {
        QString error;
        QVERIFY(!control::RegistrationRequest::parse("not json", &error));
        QVERIFY(!control::RegistrationRequest::parse("[]", &error));
        QVERIFY(!control::RegistrationRequest::parse(R"({"NodeKey":""})", &error));
        QVERIFY(error.contains("NodeKey"));
        QVERIFY(!control::RegistrationRequest::parse(
            QStringLiteral(R"({"NodeKey":"%1"})").arg(key("nodekey:", 0)).toUtf8(), &error)); // zero key
        QVERIFY(!control::RegistrationRequest::parse(
            QStringLiteral(R"({"NodeKey":"%1","Expiry":"soon"})").arg(key("nodekey:", 1)).toUtf8(), &error));
        QVERIFY(!control::RegistrationRequest::parse(
            QStringLiteral(R"({"NodeKey":"%1","Hostinfo":"x"})").arg(key("nodekey:", 1)).toUtf8(), &error));
        auto ok = control::RegistrationRequest::parse(
            QStringLiteral(R"({"NodeKey":"%1","OldNodeKey":"%2","Auth":{"AuthKey":" k "},"Hostinfo":{"RequestTags":["tag:a"]}})")
                .arg(key("nodekey:", 1), key("nodekey:", 0))
                .toUtf8(),
            &error);
        QVERIFY2(ok, qPrintable(error));
        QVERIFY(ok->oldNodeKey.isEmpty());
        QCOMPARE(ok->authKey, QString("k"));
        QCOMPARE(ok->requestTags, QStringList{"tag:a"});
    }
};

QTEST_GUILESS_MAIN(TestMapper)
#include "tst_mapper.moc"
