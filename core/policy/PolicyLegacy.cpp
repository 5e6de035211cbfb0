// PolicyParser::checkUserReferences: user aliases that match several users are errors.
// PolicyParser::upgradeLegacy: the namespace-era spelling (Headscale <= 0.18, spec C.14) where a
// bare user name is an alias ("guest", "guest:*") or a group member. Accepted when the name is a
// known user and not a host, read as the modern "guest@", with a deprecation warning that shows
// the new spelling (DECISIONS.md).
#include "policy/PolicyParser.h"

namespace keel::policy {

namespace {
QString q(const QString& s) { return QLatin1Char('"') + s + QLatin1Char('"'); }
} // namespace

void PolicyParser::setUsers(const QList<TopologyUser>& users)
{
    m_users = users;
}

void PolicyParser::checkUserReferences(const Policy& p)
{
    m_unknownUsers.clear();
    if (m_users.isEmpty())
        return;
    QStringList tokens;
    auto collect = [&](const QList<Alias>& list) {
        for (const Alias& a : list)
            if (a.kind == Alias::Kind::User && !tokens.contains(a.name))
                tokens.append(a.name);
    };
    for (const QStringList& members : p.groups)
        for (const QString& m : members)
            if (m.contains(QLatin1Char('@'))) {
                const QString t = m.endsWith(QLatin1Char('@')) ? m.chopped(1) : m;
                if (!tokens.contains(t))
                    tokens.append(t);
            }
    for (const QList<Alias>& owners : p.tagOwners)
        collect(owners);
    for (const AclRule& r : p.acls) {
        collect(r.src);
        for (const AclDestination& d : r.dst)
            collect({d.alias});
    }
    for (const Grant& g : p.grants) {
        collect(g.src);
        collect(g.dst);
    }
    for (const SshRule& r : p.ssh) {
        collect(r.src);
        collect(r.dst);
    }
    for (const NodeAttr& a : p.nodeAttrs)
        collect(a.target);
    for (const auto& route : p.autoApproveRoutes)
        collect(route.second);
    collect(p.autoApproveExitNode);
    for (const QString& t : tokens) {
        QStringList found;
        for (const TopologyUser& u : m_users)
            if (u.email == t || u.name == t)
                found.append(u.email.isEmpty() ? u.name : u.email);
        if (found.size() > 1)
            error(QStringLiteral("validating policy user references: multiple users found: token %1 found: [%2]").arg(q(t + QLatin1Char('@')), found.join(QLatin1Char(' '))));
        else if (found.isEmpty())
            m_unknownUsers.append(QStringLiteral("user not found: token %1").arg(q(t + QLatin1Char('@'))));
    }
}

void PolicyParser::upgradeLegacy(Policy& p)
{
    if (m_knownUsers.isEmpty())
        return;
    QStringList warned;
    auto warn = [&](const QString& name) {
        if (warned.contains(name))
            return;
        warned.append(name);
        p.warnings.append(QStringLiteral("deprecated: bare user name %1 used as an alias; write %2").arg(q(name), q(name + QLatin1Char('@'))));
    };
    auto upgrade = [&](Alias& a) {
        if (a.kind != Alias::Kind::Host || p.hosts.contains(a.name) || !m_knownUsers.contains(a.name))
            return;
        warn(a.name);
        a.kind = Alias::Kind::User;
        a.text = a.name + QLatin1Char('@');
    };
    auto upgradeAll = [&](QList<Alias>& list) {
        for (Alias& a : list)
            upgrade(a);
    };
    for (QStringList& members : p.groups) {
        for (QString& m : members) {
            if (!m.contains(QLatin1Char('@')) && !m.contains(QLatin1Char(':')) && m_knownUsers.contains(m)) {
                warn(m);
                m += QLatin1Char('@');
            }
        }
    }
    for (QList<Alias>& owners : p.tagOwners)
        upgradeAll(owners);
    for (AclRule& r : p.acls) {
        upgradeAll(r.src);
        for (AclDestination& d : r.dst)
            upgrade(d.alias);
    }
    for (Grant& g : p.grants) {
        upgradeAll(g.src);
        upgradeAll(g.dst);
    }
    for (SshRule& r : p.ssh) {
        upgradeAll(r.src);
        upgradeAll(r.dst);
    }
    for (NodeAttr& a : p.nodeAttrs)
        upgradeAll(a.target);
    for (auto& route : p.autoApproveRoutes)
        upgradeAll(route.second);
    upgradeAll(p.autoApproveExitNode);
}

} // namespace keel::policy
