#include "policy/Topology.h"

#include <QJsonArray>

namespace keel::policy {

IpSet TopologyNode::addresses() const
{
    IpSet s;
    if (ipv4)
        s.add(*ipv4);
    if (ipv6)
        s.add(*ipv6);
    return s;
}

QList<IpAddress> TopologyNode::addressList() const
{
    QList<IpAddress> out;
    if (ipv4)
        out.append(*ipv4);
    if (ipv6)
        out.append(*ipv6);
    return out;
}

QList<IpPrefix> TopologyNode::subnetRoutes() const
{
    QList<IpPrefix> out;
    for (const IpPrefix& r : approvedRoutes)
        if (!isExitRoute(r) && routableIps.contains(r))
            out.append(r);
    return out;
}

bool TopologyNode::isExitNode() const
{
    for (const IpPrefix& r : approvedRoutes)
        if (isExitRoute(r) && routableIps.contains(r))
            return true;
    return false;
}

const TopologyUser* Topology::user(qint64 id) const
{
    for (const TopologyUser& u : users)
        if (u.id == id)
            return &u;
    return nullptr;
}

Topology Topology::fromJson(const QJsonObject& o)
{
    Topology t;
    for (const QJsonValue& v : o.value(QLatin1String("users")).toArray()) {
        const QJsonObject u = v.toObject();
        t.users.append({u.value(QLatin1String("id")).toInteger(), u.value(QLatin1String("name")).toString(), u.value(QLatin1String("email")).toString()});
    }
    const QJsonObject nodes = o.value(QLatin1String("nodes")).toObject();
    qint64 nextId = 1;
    for (auto it = nodes.begin(); it != nodes.end(); ++it) {
        const QJsonObject n = it.value().toObject();
        TopologyNode node;
        node.id = nextId++;
        node.name = it.key();
        for (const QJsonValue& tag : n.value(QLatin1String("tags")).toArray())
            node.tags.append(tag.toString());
        const QString owner = n.value(QLatin1String("user")).toString();
        for (const TopologyUser& u : t.users)
            if (u.name == owner)
                node.userId = u.id;
        if (!node.isTagged() && owner.isEmpty() && !t.users.isEmpty())
            node.userId = t.users.first().id;
        node.ipv4 = IpAddress::parse(n.value(QLatin1String("ipv4")).toString());
        node.ipv6 = IpAddress::parse(n.value(QLatin1String("ipv6")).toString());
        for (const QJsonValue& r : n.value(QLatin1String("routable_ips")).toArray())
            if (const auto p = IpPrefix::parse(r.toString()))
                node.routableIps.append(*p);
        for (const QJsonValue& r : n.value(QLatin1String("approved_routes")).toArray())
            if (const auto p = IpPrefix::parse(r.toString()))
                node.approvedRoutes.append(*p);
        t.nodes.append(node);
    }
    return t;
}

} // namespace keel::policy
