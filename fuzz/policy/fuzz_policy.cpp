// libFuzzer target: the HuJSON and YAML readers and the policy loader (decode + validation), then a compile
// against a tiny topology, so any accepted policy is also exercised by the compiler, and the
// incremental compile is checked against a full one.
#include "policy/HuJson.h"
#include "policy/PolicyApprovals.h"
#include "policy/PolicyCompiler.h"
#include "policy/PolicyExplainer.h"
#include "policy/PolicyParser.h"
#include "policy/PolicyTester.h"

#include <cstddef>
#include <cstdint>

using namespace keel::policy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    HuJson::Error e;
    (void)HuJson::standardize(input, &e);
    PolicyParser parser;
    parser.setTailnetDomains({QStringLiteral("example.com")});
    parser.setKnownUsers({QStringLiteral("alice")});
    // Inputs starting with '#' (a YAML comment, never valid JSON) go through the YAML reader.
    const auto policy = input.startsWith('#') ? parser.parseYaml(input) : parser.parse(input);
    if (!policy)
        return 0;
    static const Topology topo = [] {
        Topology t;
        t.users = {{1, QStringLiteral("alice"), QStringLiteral("alice@example.com")}};
        TopologyNode a;
        a.id = 1;
        a.name = QStringLiteral("a");
        a.userId = 1;
        a.ipv4 = IpAddress::parse(QStringLiteral("100.64.0.1"));
        a.ipv6 = IpAddress::parse(QStringLiteral("fd7a:115c:a1e0::1"));
        TopologyNode b;
        b.id = 2;
        b.name = QStringLiteral("b");
        b.tags = {QStringLiteral("tag:x")};
        b.ipv4 = IpAddress::parse(QStringLiteral("100.64.0.2"));
        b.routableIps = {*IpPrefix::parse(QStringLiteral("10.0.0.0/24"))};
        b.approvedRoutes = b.routableIps;
        TopologyNode c = a;
        c.id = 3;
        c.name = QStringLiteral("c");
        c.ipv4 = IpAddress::parse(QStringLiteral("100.64.0.3"));
        c.ipv6.reset();
        c.routableIps = {*IpPrefix::parse(QStringLiteral("0.0.0.0/0")), *IpPrefix::parse(QStringLiteral("::/0"))};
        t.nodes = {a, b, c};
        return t;
    }();
    const Topology approved = PolicyApprovals::withAutoApprovals(*policy, topo);
    PolicyCompiler compiler(*policy, approved);
    (void)PolicyTester(*policy, approved, compiler).run();
    const PolicyExplainer explainer(approved, compiler);
    for (int i = 0; i < approved.nodes.size(); ++i) {
        (void)compiler.filterFor(approved.nodes[i]);
        (void)compiler.peersOf(i);
        (void)compiler.sshPolicyFor(approved.nodes[i]);
        (void)compiler.capMapFor(approved.nodes[i]);
        (void)explainer.explain(i, (i + 1) % int(approved.nodes.size()), 22);
    }
    (void)PolicyApprovals(*policy, approved).refusedTags(1, {QStringLiteral("tag:x")});

    // The incremental compile must equal a full one on any policy: a node joins (tagged), one
    // leaves, one is retagged; every result is compared and a difference aborts.
    Topology next = approved;
    TopologyNode d;
    d.id = 4;
    d.name = QStringLiteral("d");
    d.tags = {QStringLiteral("tag:x")};
    d.ipv4 = IpAddress::parse(QStringLiteral("100.64.0.4"));
    d.ipv6 = IpAddress::parse(QStringLiteral("fd7a:115c:a1e0::4"));
    next.nodes.append(d);
    next.nodes[0].userId = 0;
    next.nodes[0].tags = {QStringLiteral("tag:y")};
    (void)compiler.peersOf(0); // the previous index exists, as in the server
    const PolicyCompiler updated(compiler, next);
    const PolicyCompiler full(*policy, next);
    if (!(updated.globalRules() == full.globalRules()))
        __builtin_trap();
    for (int i = 0; i < next.nodes.size(); ++i)
        if (!(updated.filterFor(next.nodes[i]) == full.filterFor(next.nodes[i])) || updated.peersOf(i) != full.peersOf(i))
            __builtin_trap();
    Topology fewer = next;
    fewer.nodes.removeAt(1);
    const PolicyCompiler shrunk(updated, fewer);
    const PolicyCompiler fullFewer(*policy, fewer);
    for (int i = 0; i < fewer.nodes.size(); ++i)
        if (!(shrunk.filterFor(fewer.nodes[i]) == fullFewer.filterFor(fewer.nodes[i])) || shrunk.peersOf(i) != fullFewer.peersOf(i))
            __builtin_trap();
    return 0;
}
