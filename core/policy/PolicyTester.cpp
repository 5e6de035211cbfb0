#include "policy/PolicyTester.h"

#include "policy/PolicyApprovals.h"
#include "policy/SshTester.h"

namespace keel::policy {

namespace {
using K = Alias::Kind;
QString q(const QString& s) { return QLatin1Char('"') + s + QLatin1Char('"'); }
} // namespace

PolicyTester::PolicyTester(const Policy& policy, const Topology& topology, const PolicyCompiler& compiler)
    : m_policy(policy)
    , m_topo(topology)
    , m_compiler(compiler)
{
}

QList<IpAddress> PolicyTester::addressesOf(const Alias& a) const
{
    QList<IpAddress> out;
    if (a.kind == K::Host || a.kind == K::Prefix) {
        const IpPrefix p = a.kind == K::Host ? m_policy.hosts.value(a.name) : a.prefix;
        out.append(p.addr);
        return out;
    }
    for (int i : m_compiler.matchNodes(a))
        out.append(m_topo.nodes[i].addressList());
    return out;
}

bool PolicyTester::allows(const IpAddress& src, const IpAddress& dst, int port, int proto) const
{
    // The rules the destination enforces: its own filter when it is a node, otherwise the rules
    // of any node (the global part is the same for all).
    const TopologyNode* target = nullptr;
    for (const TopologyNode& n : m_topo.nodes)
        if (n.addresses().contains(dst))
            target = &n;
    if (!target && !m_topo.nodes.isEmpty())
        target = &m_topo.nodes.first();
    // A tailnet without nodes still has global rules: tests between address literals hold or
    // fail on them alone (a node outside the topology has no rules of its own).
    static const TopologyNode kNoNode;
    if (!target)
        target = &kNoNode;
    for (const FilterRule& r : m_compiler.unreducedRules(*target)) {
        if (!r.srcSet.contains(src))
            continue;
        const QList<int> protos = r.ipProto.isEmpty() ? PortSpec::defaultProtocols() : r.ipProto;
        if (!protos.contains(proto))
            continue;
        for (const NetPortRange& d : r.dstPorts)
            if (d.set.contains(dst) && port >= d.ports.first && port <= d.ports.last)
                return true;
    }
    return false;
}

QStringList PolicyTester::run() const
{
    QStringList problems;
    for (int ti = 0; ti < m_policy.tests.size(); ++ti) {
        const AclTest& t = m_policy.tests[ti];
        const QString where = QStringLiteral("tests[%1]").arg(ti);
        QString e;
        const auto src = Alias::parse(t.src, &e);
        if (!src) {
            problems << QStringLiteral("%1: src %2: %3").arg(where, q(t.src), e.isEmpty() ? QStringLiteral("src must be specified") : e);
            continue;
        }
        if ((src->kind == K::Group && !m_policy.groups.contains(src->name)) || (src->kind == K::Tag && !m_policy.tagOwners.contains(src->name))
            || (src->kind == K::Host && !m_policy.hosts.contains(src->name)) || src->kind == K::AutoSelf || src->kind == K::AutoInternet) {
            problems << QStringLiteral("%1: src %2 is not defined or not valid here").arg(where, q(t.src));
            continue;
        }
        const auto proto = PortSpec::parseProtocol(t.proto, &e);
        if (!proto) {
            problems << QStringLiteral("%1: %2").arg(where, e);
            continue;
        }
        const int protoNumber = proto->isEmpty() ? 6 : proto->first();
        const QList<IpAddress> srcIps = addressesOf(*src);
        auto check = [&](const QString& dst, bool wantAllowed) {
            const int colon = dst.lastIndexOf(QLatin1Char(':'));
            if (colon <= 0) {
                problems << QStringLiteral("%1: destination %2 must be host:port").arg(where, q(dst));
                return;
            }
            const QString portText = dst.mid(colon + 1);
            bool ok = false;
            const int port = portText.toInt(&ok);
            if (!ok || port < 0 || port > 65535) {
                problems << QStringLiteral("%1: destination %2: port must be a single number").arg(where, q(dst));
                return;
            }
            QString host = dst.left(colon);
            if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
                host = host.mid(1, host.size() - 2); // [IPv6]:port
            QString ae;
            const auto alias = Alias::parse(host, &ae);
            if (!alias) {
                problems << QStringLiteral("%1: destination %2: %3").arg(where, q(dst), ae);
                return;
            }
            const bool badKind = alias->kind == K::AutoInternet || alias->kind == K::AutoSelf || alias->kind == K::Wildcard
                || (alias->kind == K::Prefix && !alias->prefix.isSingleHost())
                || (alias->kind == K::Host && (!m_policy.hosts.contains(alias->name) || !m_policy.hosts.value(alias->name).isSingleHost()))
                || (alias->kind == K::Tag && !m_policy.tagOwners.contains(alias->name)) || (alias->kind == K::Group && !m_policy.groups.contains(alias->name));
            if (badKind) {
                problems << QStringLiteral("%1: destination %2 is not a single host that the policy defines").arg(where, q(dst));
                return;
            }
            const QList<IpAddress> dstIps = addressesOf(*alias);
            if (dstIps.isEmpty() || srcIps.isEmpty()) {
                problems << QStringLiteral("%1: %2 -> %3: no such source or destination in the tailnet").arg(where, q(t.src), q(dst));
                return;
            }
            for (const IpAddress& s : srcIps) {
                for (const IpAddress& d : dstIps) {
                    if (s.v6 != d.v6)
                        continue;
                    if (allows(s, d, port, protoNumber) != wantAllowed) {
                        // Headscale's wording for a failed assertion (Tailscale itself only says
                        // "test(s) failed"), with the address that decided it.
                        problems << QStringLiteral("%1: %2 -> %3 (%4): expected %5").arg(where, t.src, dst, d.toString(),
                            wantAllowed ? QStringLiteral("ALLOWED, got DENIED") : QStringLiteral("DENIED, got ALLOWED"));
                        return;
                    }
                }
            }
        };
        for (const QString& d : t.accept)
            check(d.trimmed(), true);
        for (const QString& d : t.deny)
            check(d.trimmed(), false);
    }
    problems.append(SshTester(m_policy, m_topo, m_compiler).run());
    return problems;
}

QString PolicyTester::verify(const Policy& policy, const Topology& topology)
{
    if (policy.tests.isEmpty() && policy.sshTests.isEmpty())
        return {}; // no compile: a policy without tests costs nothing here
    // The tailnet as the server enforces it: auto-approved routes count as approved.
    const Topology approved = PolicyApprovals::withAutoApprovals(policy, topology);
    const PolicyCompiler compiler(policy, approved);
    const QStringList problems = PolicyTester(policy, approved, compiler).run();
    return problems.isEmpty() ? QString() : failureText(problems);
}

QString PolicyTester::failureText(const QStringList& problems)
{
    // Tailscale's API answers "test(s) failed"; the lines after it say which, as Headscale does.
    return QStringLiteral("test(s) failed:\n") + problems.join(QLatin1Char('\n'));
}

} // namespace keel::policy
