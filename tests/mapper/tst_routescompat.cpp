// Peer AllowedIPs and PrimaryRoutes as Tailscale's control plane delivered them, for every viewer
// of the routes corpus (../shared/testdata/policy-compat/routes_results), against the mapper's
// per-viewer route reduction. As Headscale's TestRoutesCompatPeerAllowedIPs does, the HA winners
// are taken from the captures (the SaaS election is not Headscale's); everything else (the
// policy's autoApprovers, exit routes, ReduceRoutes, co-router visibility) is ours.
#include "mapper/Mapper.h"
#include "policy/PolicyParser.h"
#include "state/PrimaryRoutes.h"
#include "state/RouteApproval.h"
#include "state/State.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <functional>

using namespace keel;

namespace {

QStringList sortedStrings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        out << state::PrimaryRoutes::canonical(x.toString());
    out.sort();
    return out;
}

struct Built
{
    state::SnapshotPtr snapshot;
    QHash<QString, qint64> ids; // node name -> id
    QString error;
};

Built build(const QJsonObject& c)
{
    Built b;
    auto s = std::make_shared<state::Snapshot>();
    const QJsonObject topo = c.value("topology").toObject();
    QList<policy::TopologyUser> users;
    for (const QJsonValue& v : topo.value("users").toArray()) {
        const QJsonObject u = v.toObject();
        store::User user;
        user.id = u.value("id").toInteger();
        user.name = u.value("name").toString();
        user.email = u.value("email").toString();
        s->users.insert(user.id, user);
        users.append({user.id, user.name, user.email});
    }
    policy::PolicyParser parser;
    if (!users.isEmpty() && users.first().email.contains('@'))
        parser.setTailnetDomains({users.first().email.mid(users.first().email.lastIndexOf('@') + 1)});
    parser.setUsers(users);
    const QJsonValue fp = c.value("input").toObject().value("full_policy");
    auto parsed = parser.parse(fp.isString() ? fp.toString().toUtf8() : QJsonDocument(fp.toObject()).toJson());
    if (!parsed) {
        b.error = parser.errorText();
        return b;
    }
    s->policy = std::make_shared<const policy::Policy>(std::move(*parsed));
    const QJsonObject nodes = topo.value("nodes").toObject();
    qint64 nextId = 1;
    for (auto it = nodes.begin(); it != nodes.end(); ++it) {
        const QJsonObject n = it.value().toObject();
        auto live = std::make_shared<state::LiveNode>();
        store::Node& node = live->node;
        node.id = nextId++;
        node.givenName = it.key();
        node.hostname = n.value("hostname").toString();
        node.ipv4 = n.value("ipv4").toString();
        node.ipv6 = n.value("ipv6").toString();
        for (const QJsonValue& t : n.value("tags").toArray())
            node.tags << t.toString();
        const QString owner = n.value("user").toString();
        for (const auto& u : std::as_const(users))
            if (u.name == owner)
                node.userId = u.id;
        if (node.tags.isEmpty() && owner.isEmpty() && !users.isEmpty())
            node.userId = users.first().id;
        for (const QJsonValue& r : n.value("routable_ips").toArray())
            node.announcedRoutes << r.toString();
        for (const QJsonValue& r : n.value("approved_routes").toArray())
            node.approvedRoutes << r.toString();
        // The captured topology lists manual approvals; the control plane adds the policy's.
        if (auto approved = state::RouteApproval::withAutoApprovals(s->policy.get(), s->users, node))
            node.approvedRoutes = *approved;
        live->online = true;
        s->nodes.insert(node.id, live);
        s->byNodeKey.insert(QString::number(node.id), node.id);
        b.ids.insert(it.key(), node.id);
        const QStringList subnet = state::PrimaryRoutes::servedSubnetRoutes(node);
        const QStringList exits = state::PrimaryRoutes::servedExitRoutes(node);
        if (!subnet.isEmpty() || !exits.isEmpty())
            s->servedRoutes.insert(node.id, subnet + exits);
        if (!exits.isEmpty())
            s->exitNodes.insert(node.id);
    }
    // Who won each prefix on Tailscale's side: the router most viewers saw it as PrimaryRoutes of
    // (with via grants, a viewer steered to another router sees that one instead; ties go to the
    // lower id).
    QHash<QString, QMap<qint64, int>> votes;
    const QJsonObject captures = c.value("captures").toObject();
    for (const QJsonValue& capture : captures)
        for (const QJsonValue& p : capture.toObject().value("peers").toArray()) {
            const qint64 id = b.ids.value(p.toObject().value("Name").toString().section('.', 0, 0));
            for (const QJsonValue& r : p.toObject().value("PrimaryRoutes").toArray())
                ++votes[state::PrimaryRoutes::canonical(r.toString())][id];
        }
    for (auto it = votes.cbegin(); it != votes.cend(); ++it) {
        qint64 best = 0;
        for (auto v = it->cbegin(); v != it->cend(); ++v)
            if (!best || v.value() > it->value(best))
                best = v.key();
        s->primaries.insert(it.key(), best);
    }
    s->primariesByNode = state::PrimaryRoutes::byNode(s->primaries);
    s->version = 1;
    b.snapshot = s;
    return b;
}

} // namespace

class TestRoutesCompat : public QObject
{
    Q_OBJECT

    // Compares every viewer/peer pair of the cases in `dirName` (those `wanted` selects).
    static void compareCorpus(const QString& dirName, const std::function<bool(const QJsonObject&)>& wanted, int minFiles,
                              int minCompared)
    {
        const QDir dir(test::testdataPath(dirName));
        const QStringList files = dir.entryList({"*.json"}, QDir::Files, QDir::Name);
        QVERIFY2(files.size() >= minFiles, qPrintable(dir.path()));
        int compared = 0, mismatched = 0, filesWithPeers = 0;
        QStringList report;
        for (const QString& name : files) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject c = QJsonDocument::fromJson(f.readAll()).object();
            if (!wanted(c))
                continue;
            const QJsonObject input = c.value("input").toObject();
            if (c.value("error").toBool() || input.value("api_response_code").toInt(200) != 200)
                continue;
            const QJsonObject captures = c.value("captures").toObject();
            const Built b = build(c);
            if (!b.snapshot) {
                report << name + ": policy refused: " + b.error.left(200);
                ++mismatched;
                continue;
            }
            control::Mapper mapper(control::MapperOptions{});
            bool any = false;
            for (auto it = captures.begin(); it != captures.end(); ++it) {
                const qint64 viewer = b.ids.value(it.key());
                for (const QJsonValue& pv : it.value().toObject().value("peers").toArray()) {
                    const QJsonObject want = pv.toObject();
                    const QString peerName = want.value("Name").toString().section('.', 0, 0);
                    const state::LiveNode* peer = b.snapshot->node(b.ids.value(peerName));
                    if (!viewer || !peer)
                        continue;
                    any = true;
                    ++compared;
                    const QJsonObject got = mapper.peerJson(b.snapshot, viewer, *peer);
                    const QStringList wantAllowed = sortedStrings(want.value("AllowedIPs"));
                    const QStringList gotAllowed = sortedStrings(got.value("AllowedIPs"));
                    const QStringList wantPrimary = sortedStrings(want.value("PrimaryRoutes"));
                    const QStringList gotPrimary = sortedStrings(got.value("PrimaryRoutes"));
                    if (wantAllowed != gotAllowed || wantPrimary != gotPrimary) {
                        ++mismatched;
                        report << QStringLiteral("%1: %2 sees %3: AllowedIPs want [%4] got [%5], PrimaryRoutes want [%6] got [%7]")
                                      .arg(name, it.key(), peerName, wantAllowed.join(' '), gotAllowed.join(' '),
                                           wantPrimary.join(' '), gotPrimary.join(' '));
                    }
                }
            }
            filesWithPeers += any ? 1 : 0;
        }
        qInfo("%s: %d files with peers, %d viewer/peer pairs compared, %d mismatched", qPrintable(dirName), filesWithPeers,
              compared, mismatched);
        for (const QString& line : std::as_const(report).mid(0, 40))
            qWarning().noquote() << line;
        QVERIFY(compared >= minCompared);
        QCOMPARE(mismatched, 0);
    }

private Q_SLOTS:
    void peerRoutesMatchTheCaptures()
    {
        compareCorpus(QStringLiteral("policy-compat/routes_results"), [](const QJsonObject&) { return true; }, 90, 500);
    }

    // Grants with `via` steer a viewer to the routers carrying the via tags (Tailscale's grants
    // docs, "via"): the grant corpus's cases with via, every viewer and peer.
    void viaGrantsSteerPeerRoutes()
    {
        compareCorpus(QStringLiteral("policy-compat/grant_results"), [](const QJsonObject& c) {
            const QJsonValue fp = c.value("input").toObject().value("full_policy");
            const QByteArray text = fp.isString() ? fp.toString().toUtf8() : QJsonDocument(fp.toObject()).toJson();
            return text.contains("\"via\"");
        }, 100, 300);
    }
};

QTEST_GUILESS_MAIN(TestRoutesCompat)
#include "tst_routescompat.moc"
