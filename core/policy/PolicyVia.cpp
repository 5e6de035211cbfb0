// PolicyCompiler: which routers a viewer is steered to by grants with `via`.
#include "policy/PolicyCompiler.h"

namespace keel::policy {

namespace {
using K = Alias::Kind;
} // namespace

QStringList PolicyCompiler::viaTagsFor(const TopologyNode& viewer, const IpPrefix& route) const
{
    // Tailscale's grants docs ("via"): a grant with via lets its sources reach its destinations
    // only through routers or exit nodes carrying one of the via tags. A destination covers a
    // route it overlaps (10.0.0.0/8 and 10.33.5.0/24 both bring in a router's 10.33.0.0/16, as
    // the captured control plane does); autogroup:internet covers the exit routes.
    QStringList tags;
    const int viewerIndex = indexOf(viewer);
    if (viewerIndex < 0)
        return tags;
    const bool exitRoute = route.bits == 0;
    for (const Grant& g : m_policy.grants) {
        if (g.via.isEmpty())
            continue;
        bool covers = false;
        for (const Alias& d : g.dst) {
            if (d.kind == K::AutoInternet)
                covers = covers || exitRoute;
            else if (d.kind != K::AutoSelf && !exitRoute)
                covers = covers || resolve(d).overlaps(route);
        }
        if (!covers)
            continue;
        bool fromViewer = false;
        for (const Alias& a : g.src)
            fromViewer = fromViewer || aliasMatchesNode(a, viewerIndex);
        if (!fromViewer)
            continue;
        for (const QString& t : g.via)
            if (!tags.contains(t))
                tags << t;
    }
    return tags;
}

bool PolicyCompiler::hasVia() const
{
    for (const Grant& g : m_policy.grants)
        if (!g.via.isEmpty())
            return true;
    return false;
}

} // namespace keel::policy
