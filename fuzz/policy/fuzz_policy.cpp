// libFuzzer target: the HuJSON parser and the policy loader (decode + validation), then a compile
// against a tiny topology, so any accepted policy is also exercised by the compiler.
#include "policy/HuJson.h"
#include "policy/PolicyCompiler.h"
#include "policy/PolicyParser.h"

#include <cstddef>
#include <cstdint>

using namespace keel::policy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    HuJson::Error e;
    (void)HuJson::standardize(input, &e);
    PolicyParser parser;
    const auto policy = parser.parse(input);
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
        TopologyNode b;
        b.id = 2;
        b.name = QStringLiteral("b");
        b.tags = {QStringLiteral("tag:x")};
        b.ipv4 = IpAddress::parse(QStringLiteral("100.64.0.2"));
        b.routableIps = {*IpPrefix::parse(QStringLiteral("10.0.0.0/24"))};
        b.approvedRoutes = b.routableIps;
        t.nodes = {a, b};
        return t;
    }();
    PolicyCompiler compiler(*policy, topo);
    for (int i = 0; i < topo.nodes.size(); ++i) {
        (void)compiler.filterFor(topo.nodes[i]);
        (void)compiler.peersOf(i);
        (void)compiler.sshPolicyFor(topo.nodes[i]);
    }
    return 0;
}
