// Routes benchmark: what routes cost the control plane at scale. N nodes, R routers in pairs that
// share one prefix each (HA), one exit node per 100 routers, and a per-user policy so AllowedIPs
// are reduced per viewer. Prints: the per-publish route derivation (served routes + election, what
// State does on every change), a full map with and without routers, and a failover (the two
// routers of one prefix re-sent to every viewer). Usage: bench-routes [nodes] [routers]
#include "mapper/Mapper.h"
#include "policy/PolicyParser.h"
#include "state/PrimaryRoutes.h"
#include "state/State.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSysInfo>
#include <QTextStream>
#include <QThread>

using namespace keel;

namespace {

std::shared_ptr<state::Snapshot> tailnet(int nodes, int routers, int users)
{
    auto s = std::make_shared<state::Snapshot>();
    for (int u = 1; u <= users; ++u) {
        store::User user;
        user.id = u;
        user.name = QStringLiteral("user%1").arg(u);
        s->users.insert(u, user);
    }
    for (int i = 1; i <= nodes; ++i) {
        auto n = std::make_shared<state::LiveNode>();
        n->node.id = i;
        n->node.nodeKey = QStringLiteral("nodekey:%1").arg(i, 64, 10, QLatin1Char('0'));
        n->node.givenName = QStringLiteral("node%1").arg(i);
        n->node.ipv4 = QStringLiteral("100.%1.%2.%3").arg(64 + i / 65536).arg((i / 256) % 256).arg(i % 256);
        n->node.ipv6 = QStringLiteral("fd7a:115c:a1e0::%1").arg(i, 0, 16);
        n->node.userId = 1 + i % users;
        n->node.hostinfoJson = R"({"OS":"linux"})";
        n->online = true;
        if (i <= routers) {
            const int prefix = (i - 1) / 2; // two routers per prefix
            n->node.announcedRoutes = {QStringLiteral("10.%1.%2.0/24").arg(prefix / 256).arg(prefix % 256)};
            if (i % 100 == 0)
                n->node.announcedRoutes << QStringLiteral("0.0.0.0/0") << QStringLiteral("::/0");
            n->node.approvedRoutes = n->node.announcedRoutes;
        }
        s->nodes.insert(i, n);
        s->byNodeKey.insert(n->node.nodeKey, i);
    }
    return s;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int nodes = argc > 1 ? QString::fromLatin1(argv[1]).toInt() : 10000;
    const int routers = argc > 2 ? QString::fromLatin1(argv[2]).toInt() : 200;
    const int users = 200;
    QTextStream out(stdout);
    out << "bench-routes " << nodes << " nodes, " << routers << " routers, " << users << " users, "
        << QSysInfo::prettyProductName() << ", " << QThread::idealThreadCount() << " cores\n";

    policy::PolicyParser parser;
    QList<policy::TopologyUser> tusers;
    for (int u = 1; u <= users; ++u)
        tusers.append({u, QStringLiteral("user%1").arg(u), {}});
    parser.setUsers(tusers);
    // Every user reaches its own nodes and the 10.0.0.0/16 half of the routes: AllowedIPs of
    // routers differ per viewer.
    const auto parsed = parser.parse(R"({"acls":[{"action":"accept","src":["autogroup:member"],"dst":["autogroup:self:*","10.0.0.0/16:*"]},
                                               {"action":"accept","src":["*"],"dst":["*:22"]}]})");
    if (!parsed) {
        out << "policy refused: " << parser.errorText() << "\n";
        return 1;
    }
    auto s = tailnet(nodes, routers, users);
    s->policy = std::make_shared<const policy::Policy>(*parsed);

    QElapsedTimer t;
    t.start();
    state::PrimaryRoutes::derive(*s, nullptr);
    out << "  route derivation from scratch (every router parsed, election): " << double(t.nsecsElapsed()) / 1e6 << " ms\n";
    // What State does on every publish: one node changed (an endpoint update), routes derived again.
    const int rounds = 100;
    QList<std::shared_ptr<state::Snapshot>> nexts;
    for (int i = 0; i < rounds; ++i) {
        auto next = std::make_shared<state::Snapshot>(*s);
        auto changed = std::make_shared<state::LiveNode>(*next->node(routers + 1 + i));
        changed->node.endpoints = {QStringLiteral("192.0.2.1:41641")};
        next->nodes.insert(changed->node.id, changed);
        nexts.append(next);
    }
    t.restart();
    for (const auto& next : std::as_const(nexts))
        state::PrimaryRoutes::derive(*next, s.get());
    out << "  route derivation per publish (one node changed): " << double(t.nsecsElapsed()) / rounds / 1e6 << " ms\n";
    nexts.clear();
    s->version = 1;
    state::SnapshotPtr snap = s;

    control::Mapper mapper(control::MapperOptions{});
    t.restart();
    mapper.fullMap(snap, nodes, nullptr);
    out << "  first full map (includes the policy compile): " << t.elapsed() << " ms\n";
    const int viewers = 200;
    t.restart();
    for (int v = 1; v <= viewers; ++v)
        mapper.fullMap(snap, nodes - v, nullptr);
    const double withRoutes = double(t.nsecsElapsed()) / viewers / 1e6;
    out << "  full map per viewer, " << routers << " routers reduced per viewer: " << withRoutes << " ms\n";

    // The same tailnet without routes, for comparison.
    auto plain = tailnet(nodes, 0, users);
    plain->policy = s->policy;
    plain->version = 1;
    control::Mapper mapper2(control::MapperOptions{});
    state::SnapshotPtr plainSnap = plain;
    mapper2.fullMap(plainSnap, nodes, nullptr);
    t.restart();
    for (int v = 1; v <= viewers; ++v)
        mapper2.fullMap(plainSnap, nodes - v, nullptr);
    out << "  full map per viewer, no routers: " << double(t.nsecsElapsed()) / viewers / 1e6 << " ms\n";

    // Failover: router 1 goes away, router 2 takes 10.0.0.0/24; both are re-sent to every viewer.
    auto next = std::make_shared<state::Snapshot>(*snap);
    auto gone = std::make_shared<state::LiveNode>(*next->node(1));
    gone->online = false;
    next->nodes.insert(1, gone);
    t.restart();
    state::PrimaryRoutes::derive(*next, snap.get());
    next->version = 2;
    state::SnapshotPtr after = next;
    qint64 bytes = 0;
    for (int v = 3; v <= nodes; ++v) {
        bytes += mapper.peerJson(after, v, *after->node(1)).size();
        bytes += mapper.peerJson(after, v, *after->node(2)).size();
    }
    out << "  failover (re-elect + both routers as every viewer sees them, policy recompiled): " << t.elapsed()
        << " ms, primary of 10.0.0.0/24 now node " << after->primaries.value(QStringLiteral("10.0.0.0/24")) << " (" << bytes << " fields)\n";
    return 0;
}
