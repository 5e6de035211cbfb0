#include "policy/PolicyExplainer.h"

#include <QJsonArray>

namespace keel::policy {

PolicyExplainer::PolicyExplainer(const Topology& topology, const PolicyCompiler& compiler)
    : m_topo(topology)
    , m_compiler(compiler)
{
}

QJsonObject PolicyExplainer::Answer::toJson() const
{
    return {{QLatin1String("allowed"), allowed},
            {QLatin1String("peers"), peers},
            {QLatin1String("rules"), QJsonArray::fromStringList(rules)},
            {QLatin1String("srcProviderGroups"), QJsonArray::fromStringList(srcProviderGroups)},
            {QLatin1String("reason"), reason}};
}

int PolicyExplainer::findNode(const QString& nameOrIp) const
{
    const auto ip = IpAddress::parse(nameOrIp.trimmed());
    for (int i = 0; i < m_topo.nodes.size(); ++i) {
        const TopologyNode& n = m_topo.nodes[i];
        if (ip ? n.addresses().contains(*ip) : n.name.compare(nameOrIp.trimmed(), Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

std::optional<PolicyExplainer::Answer> PolicyExplainer::explain(const QString& src, const QString& dst, int port, int proto) const
{
    const int a = findNode(src);
    const int b = findNode(dst);
    if (a < 0 || b < 0)
        return std::nullopt;
    return explain(a, b, port, proto);
}

PolicyExplainer::Answer PolicyExplainer::explain(int srcNode, int dstNode, int port, int proto) const
{
    Answer ans;
    const TopologyNode& a = m_topo.nodes[srcNode];
    const TopologyNode& b = m_topo.nodes[dstNode];
    ans.peers = m_compiler.peersOf(srcNode).contains(dstNode);
    const IpSet from = a.addresses();
    const IpSet to = b.addresses();
    const bool portless = !PortSpec::supportsPorts({proto});
    for (const auto& [origin, rule] : m_compiler.labelledRules(b)) {
        const QList<int> protos = rule.ipProto.isEmpty() ? PortSpec::defaultProtocols() : rule.ipProto;
        if (!protos.contains(proto) || !rule.srcSet.overlaps(from))
            continue;
        for (const NetPortRange& d : rule.dstPorts) {
            if (d.set.overlaps(to) && (portless || (port >= d.ports.first && port <= d.ports.last))) {
                if (!ans.rules.contains(origin))
                    ans.rules.append(origin);
                break;
            }
        }
    }
    ans.allowed = !ans.rules.isEmpty();
    if (const TopologyUser* owner = a.isTagged() ? nullptr : m_topo.user(a.userId))
        ans.srcProviderGroups = owner->providerGroups;
    const QString what = portless ? QStringLiteral("protocol %1").arg(proto) : QStringLiteral("port %1/%2").arg(port).arg(proto);
    if (ans.allowed)
        ans.reason = QStringLiteral("%1 may reach %2 on %3, allowed by %4").arg(a.name, b.name, what, ans.rules.join(QStringLiteral(", ")));
    else
        ans.reason = QStringLiteral("%1 may not reach %2 on %3: no rule in %2's packet filter allows it").arg(a.name, b.name, what);
    if (!ans.srcProviderGroups.isEmpty())
        ans.reason += QStringLiteral(" (%1's owner is in provider groups %2)").arg(a.name, ans.srcProviderGroups.join(QStringLiteral(", ")));
    return ans;
}

} // namespace keel::policy
