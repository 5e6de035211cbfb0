// PolicyCompiler: alias resolution (spec C.3): which nodes and addresses an alias stands for.
#include "policy/PolicyCompiler.h"

namespace keel::policy {

namespace {
using K = Alias::Kind;

IpSet allAddresses()
{
    IpSet s;
    s.add(*IpPrefix::parse(QStringLiteral("0.0.0.0/0")));
    s.add(*IpPrefix::parse(QStringLiteral("::/0")));
    return s;
}

QString emailDomain(const QString& email)
{
    const int at = email.lastIndexOf(QLatin1Char('@'));
    return at < 0 ? QString() : email.mid(at + 1);
}
} // namespace

QList<qint64> PolicyCompiler::usersMatching(const QString& token) const
{
    QList<qint64> out;
    for (const TopologyUser& u : m_topo.users)
        if (u.email == token || u.name == token)
            out.append(u.id);
    return out;
}

QList<int> PolicyCompiler::userNodes(qint64 userId) const { return m_nodesByUser.value(userId); }

QList<int> PolicyCompiler::matchNodes(const Alias& a) const
{
    QList<int> out;
    switch (a.kind) {
    case K::User:
        for (qint64 u : usersMatching(a.name))
            out.append(userNodes(u));
        break;
    case K::AutoAdmin:
    case K::AutoOwner:
        for (const TopologyUser& u : m_topo.users)
            if (u.owner || (a.kind == K::AutoAdmin && u.admin))
                out.append(userNodes(u.id));
        break;
    case K::UserDomain:
        for (const TopologyUser& u : m_topo.users)
            if (emailDomain(u.email).compare(a.name, Qt::CaseInsensitive) == 0)
                out.append(userNodes(u.id));
        break;
    case K::ProviderGroup:
        for (const TopologyUser& u : m_topo.users)
            if (u.providerGroups.contains(a.name))
                out.append(userNodes(u.id));
        break;
    case K::Group:
        for (const QString& m : m_policy.groups.value(a.name)) {
            QString e;
            if (const auto ua = Alias::parse(m, &e); ua && ua->kind == K::User)
                for (int n : matchNodes(*ua))
                    if (!out.contains(n))
                        out.append(n);
        }
        break;
    case K::Tag:
        out = m_nodesByTag.value(a.name);
        break;
    case K::AutoMember:
    case K::AutoTagged:
        for (int i = 0; i < m_topo.nodes.size(); ++i)
            if (m_topo.nodes[i].isTagged() == (a.kind == K::AutoTagged))
                out.append(i);
        break;
    case K::Wildcard:
    case K::AutoDangerAll:
        for (int i = 0; i < m_topo.nodes.size(); ++i)
            out.append(i);
        break;
    case K::Host:
    case K::Prefix: {
        IpSet s = resolve(a);
        for (int i = 0; i < m_topo.nodes.size(); ++i)
            if (s.overlaps(m_topo.nodes[i].addresses()))
                out.append(i);
        break;
    }
    default:
        break;
    }
    return out;
}

bool PolicyCompiler::aliasMatchesNode(const Alias& a, int nodeIndex) const
{
    const TopologyNode& n = m_topo.nodes[nodeIndex];
    switch (a.kind) {
    case K::User:
        return !n.isTagged() && usersMatching(a.name).contains(n.userId);
    case K::Group:
        for (const QString& m : m_policy.groups.value(a.name)) {
            QString e;
            const auto ua = Alias::parse(m, &e);
            if (ua && ua->kind != K::Group && aliasMatchesNode(*ua, nodeIndex))
                return true;
        }
        return false;
    case K::Tag:
        return n.tags.contains(a.name);
    case K::AutoMember:
        return !n.isTagged();
    case K::AutoTagged:
        return n.isTagged();
    case K::Wildcard:
        return m_wildcardSources.overlaps(n.addresses());
    case K::UserDomain:
    case K::ProviderGroup:
    case K::AutoAdmin:
    case K::AutoOwner:
        return matchNodes(a).contains(nodeIndex);
    default:
        return resolve(a).overlaps(n.addresses());
    }
}

QList<IpAddress> PolicyCompiler::resolveAddresses(const Alias& a) const
{
    QList<IpAddress> out;
    for (int i : matchNodes(a))
        out.append(m_topo.nodes[i].addressList());
    if (out.isEmpty() && (a.kind == K::Prefix || a.kind == K::Host)) {
        const IpSet s = resolve(a);
        const std::vector<IpPrefix> ps = s.toPrefixes();
        if (ps.size() == 1 && ps.front().isSingleHost())
            out.append(ps.front().addr);
    }
    return out;
}

std::optional<qint64> PolicyCompiler::singleUser(const Alias& a) const
{
    if (a.kind != K::User)
        return std::nullopt;
    const QList<qint64> users = usersMatching(a.name);
    if (users.size() != 1)
        return std::nullopt;
    return users.first();
}

IpSet PolicyCompiler::resolve(const Alias& a) const
{
    IpSet s;
    switch (a.kind) {
    case K::Wildcard:
        s = m_wildcardSources;
        break;
    case K::Host:
        if (m_policy.hosts.contains(a.name))
            s.add(m_policy.hosts.value(a.name));
        break;
    case K::Prefix:
        s.add(a.prefix);
        break;
    case K::AutoInternet:
        s = theInternetSet();
        break;
    case K::AutoDangerAll:
        s = allAddresses();
        break;
    default:
        for (int i : matchNodes(a))
            s.add(m_topo.nodes[i].addresses());
        break;
    }
    return s;
}

} // namespace keel::policy
