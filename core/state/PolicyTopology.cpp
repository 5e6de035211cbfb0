#include "state/PolicyTopology.h"

#include "policy/PolicyParser.h"
#include "policy/PolicyTester.h"

#include <algorithm>

namespace keel::state {

policy::TopologyUser policyUser(const store::User& u)
{
    policy::TopologyUser t{u.id, u.name, u.email};
    t.providerGroups = u.providerGroups;
    return t;
}

policy::TopologyNode policyNode(const store::Node& n)
{
    policy::TopologyNode t;
    t.id = n.id;
    t.name = n.givenName;
    t.userId = n.userId.value_or(0);
    t.tags = n.tags;
    t.ipv4 = policy::IpAddress::parse(n.ipv4);
    t.ipv6 = policy::IpAddress::parse(n.ipv6);
    for (const QString& r : n.announcedRoutes)
        if (auto p = policy::IpPrefix::parse(r))
            t.routableIps.append(*p);
    for (const QString& r : n.approvedRoutes)
        if (auto p = policy::IpPrefix::parse(r))
            t.approvedRoutes.append(*p);
    return t;
}

QList<policy::TopologyUser> policyUsers(const Snapshot& s)
{
    QList<qint64> ids = s.users.keys();
    std::sort(ids.begin(), ids.end());
    QList<policy::TopologyUser> out;
    out.reserve(ids.size());
    for (qint64 id : ids)
        out.append(policyUser(s.users.value(id)));
    return out;
}

policy::Topology policyTopology(const Snapshot& s)
{
    policy::Topology t;
    t.users = policyUsers(s);
    t.nodes.reserve(s.nodes.size());
    for (const auto& live : s.nodes)
        t.nodes.append(policyNode(live->node));
    return t;
}

std::optional<policy::Policy> parsePolicyFor(const policy::Topology* tailnet, const QByteArray& text, const QString& fileName,
                                             QString* error, QString* tests)
{
    if (text.trimmed().isEmpty())
        return policy::Policy{}; // empty = true: allow all
    policy::PolicyParser parser;
    if (tailnet) {
        // The legacy bare-name form is upgraded to "name@" (with a warning), and a user alias
        // matching several users is refused, as Headscale does at load.
        QStringList names;
        for (const policy::TopologyUser& u : tailnet->users)
            names.append(u.name);
        parser.setKnownUsers(names);
        parser.setUsers(tailnet->users);
    }
    auto p = parser.parseFile(text, fileName);   // no name: HuJSON or YAML by its content
    if (!p) {
        *error = parser.errorText();
        return std::nullopt;
    }
    p->source = text;
    if (tests && tailnet && !p->empty) {
        *tests = policy::PolicyTester::verify(*p, *tailnet);
        // Like failing tests, a user that does not exist refuses a write or a reload (a typo
        // would otherwise silently grant nothing) and only warns at start-up.
        if (!parser.unknownUsers().isEmpty())
            *tests = parser.unknownUsers().join(QLatin1Char('\n')) + (tests->isEmpty() ? QString() : QStringLiteral("\n") + *tests);
    }
    // Tailscale's user roles: Keel (like Headscale) stores none, so autogroup:admin and
    // autogroup:owner match no node unless a user was given the role. Accepted, as Tailscale does,
    // but said, so an attribute that applies to nobody does not go unnoticed.
    if (tailnet) {
        const bool anyAdmin = std::any_of(tailnet->users.begin(), tailnet->users.end(), [](const policy::TopologyUser& u) { return u.admin || u.owner; });
        const bool anyOwner = std::any_of(tailnet->users.begin(), tailnet->users.end(), [](const policy::TopologyUser& u) { return u.owner; });
        for (qsizetype i = 0; i < p->nodeAttrs.size(); ++i)
            for (const policy::Alias& a : p->nodeAttrs[i].target)
                if ((a.kind == policy::Alias::Kind::AutoAdmin && !anyAdmin) || (a.kind == policy::Alias::Kind::AutoOwner && !anyOwner))
                    p->warnings.append(QStringLiteral("nodeAttrs[%1]: %2 matches no node: Keel has no user roles (as Headscale), so no user is an admin or the owner")
                                           .arg(i)
                                           .arg(a.text));
    }
    return p;
}

} // namespace keel::state
