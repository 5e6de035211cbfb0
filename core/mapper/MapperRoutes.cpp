// Mapper: which routes go into a node's AllowedIPs and PrimaryRoutes (control.md 7.3), as
// Headscale's RoutesForPeer and its self-node route function decide them.
#include "mapper/Mapper.h"

#include "state/PrimaryRoutes.h"

#include <algorithm>

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
    // Grants with `via` (Tailscale's grants docs): a viewer with no direct grant to a route but
    // a via grant to it uses the routers carrying a via tag: for a subnet route the one elected
    // among them (the HA primary when it carries the tag), for an exit route each of them. The
    // route then shows on that router whether or not it is the tailnet-wide primary.
    if (p->hasVia()) {
        for (const QString& r : s->servedRoutes.value(peer.id)) {
            const bool exit = state::PrimaryRoutes::isExitRoute(r);
            if (out.contains(r) || (exit && !s->exitNodes.contains(peer.id)) || p->canAccessRoute(viewerId, r))
                continue;
            const QStringList tags = p->viaTags(viewerId, r);
            if (!carriesAny(peer, tags))
                continue;
            if (exit || viaPrimary(s, r, tags) == peer.id)
                out << r;
        }
    }
    // Co-router visibility: a node serving the same prefix sees who is primary for it, whatever
    // the rules say (HA secondaries need it).
    if (const auto served = s->servedRoutes.constFind(viewerId); served != s->servedRoutes.cend())
        for (const QString& r : primaries)
            if (served->contains(r) && !out.contains(r))
                out << r;
    return out;
}

bool Mapper::carriesAny(const store::Node& n, const QStringList& tags)
{
    return std::any_of(tags.cbegin(), tags.cend(), [&n](const QString& t) { return n.tags.contains(t); });
}

qint64 Mapper::viaPrimary(const state::SnapshotPtr& s, const QString& route, const QStringList& tags)
{
    // The tailnet-wide primary when it carries a via tag; else the election's rule (control.md
    // 7.4) among the routers that do: the healthy online one with the lowest id.
    const qint64 primary = s->primaries.value(route, 0);
    if (const state::LiveNode* n = s->node(primary); n && carriesAny(n->node, tags))
        return primary;
    qint64 best = 0;
    bool bestHealthy = false;
    for (auto it = s->servedRoutes.cbegin(); it != s->servedRoutes.cend(); ++it) {
        const state::LiveNode* n = s->node(it.key());
        if (!n || !n->online || !it->contains(route) || !carriesAny(n->node, tags))
            continue;
        const bool healthy = !s->unhealthy.contains(it.key());
        if (!best || (healthy && !bestHealthy) || (healthy == bestHealthy && it.key() < best)) {
            best = it.key();
            bestHealthy = healthy;
        }
    }
    return best;
}

bool Mapper::routesPerViewer(const state::SnapshotPtr& s, qint64 nodeId)
{
    if (!s->policy)
        return false;
    if (s->hasRoutes(nodeId))
        return true;
    // A router that is not primary for anything still serves via-steered viewers.
    if (!s->servedRoutes.contains(nodeId))
        return false;
    MapperPolicy* p = policyFor(s);
    return p && p->hasVia();
}

QJsonObject Mapper::peerJson(const state::SnapshotPtr& s, qint64 viewerId, const state::LiveNode& n)
{
    QJsonObject o = nodeJson(s, n, false);
    if (!routesPerViewer(s, n.node.id))
        return o; // the shared JSON already holds the right (unreduced or empty) routes
    QStringList addresses;
    for (const QJsonValue& v : o.value(QStringLiteral("Addresses")).toArray())
        addresses << v.toString();
    setRoutes(o, addresses, routesForPeer(s, viewerId, n.node));
    return o;
}

} // namespace keel::control
