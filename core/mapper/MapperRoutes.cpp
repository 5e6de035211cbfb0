// Mapper: which routes go into a node's AllowedIPs and PrimaryRoutes (control.md 7.3), as
// Headscale's RoutesForPeer and its self-node route function decide them.
#include "mapper/Mapper.h"

#include "state/PrimaryRoutes.h"

namespace keel::control {

QStringList Mapper::nodeRoutes(const state::SnapshotPtr& s, const store::Node& n, bool self)
{
    QStringList routes = s->primaryRoutesOf(n.id);
    if (self) {
        // Own primaries reduced by the node's own rules; own exit routes always (Headscale).
        if (MapperPolicy* p = policyFor(s))
            routes.removeIf([&](const QString& r) { return !p->canAccessRoute(n.id, r); });
    }
    if (s->exitNodes.contains(n.id))
        routes += state::PrimaryRoutes::servedExitRoutes(n);
    return routes;
}

QStringList Mapper::routesForPeer(const state::SnapshotPtr& s, qint64 viewerId, const store::Node& peer)
{
    const QStringList primaries = s->primaryRoutesOf(peer.id);
    QStringList all = primaries;
    if (s->exitNodes.contains(peer.id))
        all += state::PrimaryRoutes::servedExitRoutes(peer);
    MapperPolicy* p = policyFor(s);
    if (!p)
        return all; // no policy: everyone reaches everything
    QStringList out;
    for (const QString& r : std::as_const(all))
        if (p->canAccessRoute(viewerId, r))
            out << r;
    // Co-router visibility: a node serving the same prefix sees who is primary for it, whatever
    // the rules say (HA secondaries need it).
    if (const auto served = s->servedRoutes.constFind(viewerId); served != s->servedRoutes.cend())
        for (const QString& r : primaries)
            if (served->contains(r) && !out.contains(r))
                out << r;
    return out;
}

QJsonObject Mapper::peerJson(const state::SnapshotPtr& s, qint64 viewerId, const state::LiveNode& n)
{
    QJsonObject o = nodeJson(s, n, false);
    if (!s->policy || !s->hasRoutes(n.node.id))
        return o; // the shared JSON already holds the right (unreduced or empty) routes
    QStringList addresses;
    for (const QJsonValue& v : o.value(QStringLiteral("Addresses")).toArray())
        addresses << v.toString();
    setRoutes(o, addresses, routesForPeer(s, viewerId, n.node));
    return o;
}

} // namespace keel::control
