#include "policy/PolicyExplainer.h"

#include <QJsonArray>

#include <algorithm>

namespace keel::policy {

PolicyExplainer::PolicyExplainer(const Topology& topology, const PolicyCompiler& compiler)
    : m_topo(topology)
    , m_compiler(compiler)
{
}

QJsonObject PolicyExplainer::Answer::toJson() const
{
    QJsonObject o{{QLatin1String("allowed"), allowed},
                  {QLatin1String("peers"), peers},
                  {QLatin1String("rules"), QJsonArray::fromStringList(rules)},
                  {QLatin1String("srcProviderGroups"), QJsonArray::fromStringList(srcProviderGroups)},
                  {QLatin1String("reason"), reason},
                  {QLatin1String("src"), src},
                  {QLatin1String("dst"), dst}};
    if (!pairs.isEmpty()) {
        QJsonArray list;
        for (const Answer& p : pairs)
            list.append(p.toJson());
        o.insert(QLatin1String("pairs"), list);
    }
    return o;
}

QString PolicyExplainer::protocolName(int proto)
{
    switch (proto) {
    case 1: return QStringLiteral("icmp");
    case 6: return QStringLiteral("tcp");
    case 17: return QStringLiteral("udp");
    case 58: return QStringLiteral("ipv6-icmp");
    case 132: return QStringLiteral("sctp");
    default: return QString::number(proto);
    }
}

QList<int> PolicyExplainer::findNodes(const QString& argument) const
{
    const QString text = argument.trimmed();
    if (const int i = findNode(text); i >= 0)
        return {i};
    QString error;
    const auto alias = Alias::parse(text, &error);
    if (!alias)
        return {};
    QList<int> nodes = m_compiler.matchNodes(*alias);
    // "alice" is a host name to the policy grammar; here it more likely means the user.
    if (nodes.isEmpty() && alias->kind == Alias::Kind::Host)
        if (const auto user = Alias::parse(text + QLatin1Char('@'), &error); user && user->kind == Alias::Kind::User)
            nodes = m_compiler.matchNodes(*user);
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    return nodes;
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
    const QList<int> from = findNodes(src);
    const QList<int> to = findNodes(dst);
    if (from.isEmpty() || to.isEmpty())
        return std::nullopt;
    if (from.size() == 1 && to.size() == 1)
        return explain(from.first(), to.first(), port, proto);
    Answer sum;
    sum.src = src.trimmed();
    sum.dst = dst.trimmed();
    sum.allowed = true;
    sum.peers = true;
    int total = 0;
    int allowed = 0;
    for (int a : from)
        for (int b : to) {
            if (a == b)
                continue;   // a node reaching itself is not the question
            const Answer one = explain(a, b, port, proto);
            ++total;
            allowed += one.allowed ? 1 : 0;
            sum.allowed = sum.allowed && one.allowed;
            sum.peers = sum.peers && one.peers;
            for (const QString& r : one.rules)
                if (!sum.rules.contains(r))
                    sum.rules.append(r);
            if (sum.pairs.size() < kMaxPairs)
                sum.pairs.append(one);
        }
    if (total == 0)
        return explain(from.first(), to.first(), port, proto);
    sum.reason = QStringLiteral("%1 of %2 pairs (%3 -> %4) allowed%5").arg(allowed).arg(total).arg(sum.src, sum.dst,
        total > kMaxPairs ? QStringLiteral("; the first %1 are listed").arg(kMaxPairs) : QString());
    return sum;
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
    ans.src = a.name;
    ans.dst = b.name;
    const QString what = portless ? QStringLiteral("protocol %1").arg(protocolName(proto))
                                  : QStringLiteral("port %1/%2").arg(port).arg(protocolName(proto));
    if (ans.allowed)
        ans.reason = QStringLiteral("%1 may reach %2 on %3, allowed by %4").arg(a.name, b.name, what, ans.rules.join(QStringLiteral(", ")));
    else
        ans.reason = QStringLiteral("%1 may not reach %2 on %3: no rule in %2's packet filter allows it").arg(a.name, b.name, what);
    if (!ans.srcProviderGroups.isEmpty())
        ans.reason += QStringLiteral(" (%1's owner is in provider groups %2)").arg(a.name, ans.srcProviderGroups.join(QStringLiteral(", ")));
    return ans;
}

} // namespace keel::policy
