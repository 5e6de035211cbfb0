// Policy compile benchmark: 1,000 ACL rules over 10,000 nodes. Prints the global compile time,
// the per-node filter time, and the cost of one node joining: a full recompile with one more node
// plus that node's filter and peers, then the same (and a leave, a retag) done incrementally from
// the previous compile. Usage: bench-policy [nodes] [rules] [self]
#include "policy/PolicyCompiler.h"
#include "policy/PolicyParser.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QSysInfo>
#include <QTextStream>

#include <ctime>

using namespace keel::policy;

namespace {

// CPU time of this thread: the machine is shared, and wall time would count other processes' turns.
class CpuTimer {
public:
    CpuTimer() { restart(); }
    void restart() { m_start = now(); }
    qint64 elapsed() const { return (now() - m_start) / 1000000; }
    qint64 nsecsElapsed() const { return now() - m_start; }

private:
    static qint64 now()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }
    qint64 m_start = 0;
};

TopologyNode makeNode(int i, int users, int tags)
{
    TopologyNode n;
    n.id = i + 1;
    n.name = QStringLiteral("node%1").arg(i);
    if (i % 3 == 0)
        n.tags = {QStringLiteral("tag:t%1").arg(i % tags)};
    else
        n.userId = 1 + i % users;
    const quint32 v4 = (100u << 24) | (64u << 16) | quint32(i + 1);
    n.ipv4 = IpAddress{false, {0, v4}};
    n.ipv6 = IpAddress{true, {0xfd7a115ca1e00000ULL, quint64(i + 1)}};
    return n;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int nodes = argc > 1 ? QString::fromLatin1(argv[1]).toInt() : 10000;
    const int rules = argc > 2 ? QString::fromLatin1(argv[2]).toInt() : 1000;
    const int users = 200;
    const int tags = 50;
    QTextStream out(stdout);

    QJsonObject owners;
    for (int t = 0; t < tags; ++t)
        owners.insert(QStringLiteral("tag:t%1").arg(t), QJsonArray{});
    QJsonArray acls;
    for (int r = 0; r < rules; ++r) {
        const QString src = (r % 2) ? QStringLiteral("user%1@").arg(1 + r % users) : QStringLiteral("tag:t%1").arg(r % tags);
        const QString dst = QStringLiteral("tag:t%1:%2").arg((r * 7) % tags).arg(1000 + r);
        acls.append(QJsonObject{{QStringLiteral("action"), QStringLiteral("accept")}, {QStringLiteral("src"), QJsonArray{src}}, {QStringLiteral("dst"), QJsonArray{dst}}});
    }
    // "self" as third argument adds autogroup:member -> autogroup:self:*, the per-node path.
    const bool self = argc > 3 && QString::fromLatin1(argv[3]) == QLatin1String("self");
    if (self)
        acls.append(QJsonObject{{QStringLiteral("action"), QStringLiteral("accept")},
                                {QStringLiteral("src"), QJsonArray{QStringLiteral("autogroup:member")}},
                                {QStringLiteral("dst"), QJsonArray{QStringLiteral("autogroup:self:*")}}});
    PolicyParser parser;
    const auto policy = parser.parse(QJsonObject{{QStringLiteral("tagOwners"), owners}, {QStringLiteral("acls"), acls}});
    if (!policy) {
        out << parser.errorText() << "\n";
        return 1;
    }
    Topology topo;
    for (int u = 1; u <= users; ++u)
        topo.users.append({u, QStringLiteral("user%1").arg(u), QStringLiteral("user%1@example.com").arg(u)});
    for (int i = 0; i < nodes; ++i)
        topo.nodes.append(makeNode(i, users, tags));

    CpuTimer t;
    PolicyCompiler compiler(*policy, topo);
    const qint64 compileMs = t.elapsed();

    // The index behind peersOf and filterFor (which nodes each rule touches), built once.
    t.restart();
    compiler.peersOf(0);
    const qint64 indexMs = t.elapsed();

    t.restart();
    qint64 total = 0;
    const int sample = std::min(nodes, 200);
    for (int i = 0; i < sample; ++i)
        total += compiler.filterFor(topo.nodes[i * (nodes / sample)]).size();
    const double perNodeMs = double(t.nsecsElapsed()) / 1e6 / sample;

    // Peer lists: what a node's netmap needs on every change.
    t.restart();
    qint64 peerCount = 0;
    const int peerSample = std::min(nodes, 20);
    for (int i = 0; i < peerSample; ++i)
        peerCount += compiler.peersOf(i * (nodes / peerSample)).size();
    const double peersMs = double(t.nsecsElapsed()) / 1e6 / peerSample;

    t.restart();
    Topology joined = topo;
    joined.nodes.append(makeNode(nodes, users, tags));
    PolicyCompiler after(*policy, joined);
    const auto filter = after.filterFor(joined.nodes.last());
    const auto joinedPeers = after.peersOf(int(joined.nodes.size()) - 1);
    const qint64 joinMs = t.elapsed();

    // The same join, leave and retag computed incrementally from the compile above (its index
    // built, as in the server): only the grants the node's aliases touch are compiled again.
    auto incremental = [&](const char* what, const Topology& next, int node) {
        CpuTimer it;
        PolicyCompiler updated(compiler, next);
        const auto f = updated.filterFor(next.nodes[node]);
        const auto p = updated.peersOf(node);
        const double ms = double(it.nsecsElapsed()) / 1e6;
        out << what << (updated.incremental() ? " (incremental)" : " (FULL compile)") << ": " << QString::number(ms, 'f', 2) << " ms ("
            << f.size() << " rules, " << p.size() << " peers)\n";
    };
    // A tagged node (i % 3 == 0: tag rules are the widest here) and a user's node.
    const int taggedJoin = nodes % 3 == 0 ? nodes : nodes + 2;
    Topology joinedTagged = topo;
    joinedTagged.nodes.append(makeNode(taggedJoin, users, tags));
    Topology joinedUser = topo;
    joinedUser.nodes.append(makeNode(taggedJoin + 1, users, tags));
    Topology left = topo;
    left.nodes.removeAt(nodes / 2);
    Topology retagged = topo;
    retagged.nodes[3].tags = {QStringLiteral("tag:t%1").arg(7)};

    out << "machine: " << QSysInfo::prettyProductName() << ", " << QSysInfo::currentCpuArchitecture() << "\n";
    out << "policy: " << rules << " ACL rules" << (self ? " + autogroup:self" : "") << ", " << nodes << " nodes (" << users << " users, " << tags << " tags)\n";
    out << "(times are this thread's CPU time)\n";
    out << "global compile: " << compileMs << " ms\n";
    out << "peer/filter index build (first peersOf): " << indexMs << " ms\n";
    out << "per-node filter (reduction), mean of " << sample << ": " << QString::number(perNodeMs, 'f', 3) << " ms (" << total << " rules)\n";
    out << "peersOf one node, mean of " << peerSample << ": " << QString::number(peersMs, 'f', 3) << " ms (" << peerCount << " peers in total)\n";
    out << "one node joining (full recompile + index + its filter and peers): " << joinMs << " ms\n";
    incremental("one tagged node joining", joinedTagged, int(joinedTagged.nodes.size()) - 1);
    incremental("one user node joining", joinedUser, int(joinedUser.nodes.size()) - 1);
    incremental("one node leaving (then node 0's filter and peers)", left, 0);
    incremental("one node retagged", retagged, 3);
    out << "full rollout estimate (compile + index + every node's filter and peers): " << QString::number(compileMs + indexMs + (perNodeMs + peersMs) * nodes, 'f', 0) << " ms\n";
    Q_UNUSED(filter);
    Q_UNUSED(joinedPeers);
    return 0;
}
