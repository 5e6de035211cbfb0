#include "state/PrimaryRoutes.h"

#include "metrics/Instruments.h"
#include "policy/IpSet.h"

#include <algorithm>

namespace keel::state {

namespace {

const QString kExit4 = QStringLiteral("0.0.0.0/0");
const QString kExit6 = QStringLiteral("::/0");

QSet<QString> canonicalSet(const QStringList& routes)
{
    QSet<QString> out;
    for (const QString& r : routes) {
        const QString c = PrimaryRoutes::canonical(r);
        if (!c.isEmpty())
            out.insert(c);
    }
    return out;
}

} // namespace

QString PrimaryRoutes::canonical(const QString& prefix)
{
    const auto p = policy::IpPrefix::parse(prefix.trimmed());
    if (!p || !prefix.contains(QLatin1Char('/')))
        return {};
    return p->toString();
}

bool PrimaryRoutes::isExitRoute(const QString& prefix)
{
    return prefix == kExit4 || prefix == kExit6;
}

QStringList PrimaryRoutes::servedSubnetRoutes(const store::Node& n)
{
    if (n.approvedRoutes.isEmpty() || n.announcedRoutes.isEmpty())
        return {};
    const QSet<QString> approved = canonicalSet(n.approvedRoutes);
    QSet<QString> served;
    for (const QString& r : n.announcedRoutes) {
        const QString c = canonical(r);
        if (!c.isEmpty() && !isExitRoute(c) && approved.contains(c))
            served.insert(c);
    }
    QStringList out = served.values();
    out.sort();
    return out;
}

QStringList PrimaryRoutes::servedExitRoutes(const store::Node& n)
{
    if (n.approvedRoutes.isEmpty() || n.announcedRoutes.isEmpty())
        return {};
    const QSet<QString> approved = canonicalSet(n.approvedRoutes);
    const QSet<QString> announced = canonicalSet(n.announcedRoutes);
    for (const QString& r : {kExit4, kExit6})
        if (!approved.contains(r) || !announced.contains(r))
            return {};
    return {kExit4, kExit6};
}

PrimaryRoutes::Assignment PrimaryRoutes::elect(const QList<Candidate>& online, const Assignment& previous)
{
    // prefix -> candidates, ascending id (the input order does not matter).
    QMap<QString, QList<const Candidate*>> byPrefix;
    for (const Candidate& c : online)
        for (const QString& r : c.routes)
            byPrefix[r].append(&c);
    Assignment out;
    for (auto it = byPrefix.begin(); it != byPrefix.end(); ++it) {
        QList<const Candidate*>& candidates = it.value();
        std::sort(candidates.begin(), candidates.end(), [](const Candidate* a, const Candidate* b) { return a->id < b->id; });
        const auto prev = previous.constFind(it.key());
        const Candidate* current = nullptr;
        if (prev != previous.cend())
            for (const Candidate* c : candidates)
                if (c->id == *prev)
                    current = c;
        if (current && current->healthy) {
            out.insert(it.key(), current->id);
            continue;
        }
        const auto healthy = std::find_if(candidates.cbegin(), candidates.cend(), [](const Candidate* c) { return c->healthy; });
        if (healthy != candidates.cend())
            out.insert(it.key(), (*healthy)->id);
        else if (current)
            out.insert(it.key(), current->id);
    }
    return out;
}

void PrimaryRoutes::derive(Snapshot& next, const Snapshot* prev)
{
    QHash<qint64, QStringList> served = prev ? prev->servedRoutes : QHash<qint64, QStringList>();
    QSet<qint64> exitNodes = prev ? prev->exitNodes : QSet<qint64>();
    const auto update = [&](const LiveNode& live) {
        const store::Node& n = live.node;
        const QStringList exits = servedExitRoutes(n);
        const QStringList routes = servedSubnetRoutes(n) + exits;
        if (routes.isEmpty())
            served.remove(n.id);
        else
            served.insert(n.id, routes);
        if (exits.isEmpty())
            exitNodes.remove(n.id);
        else
            exitNodes.insert(n.id);
    };
    if (!prev) {
        for (const auto& live : std::as_const(next.nodes))
            update(*live);
    } else {
        // Both maps in id order: only added and replaced nodes are parsed, and unchanged ones are
        // recognised by pointer without touching them.
        auto a = prev->nodes.cbegin();
        auto b = next.nodes.cbegin();
        while (a != prev->nodes.cend() || b != next.nodes.cend()) {
            if (b == next.nodes.cend() || (a != prev->nodes.cend() && a.key() < b.key())) {
                served.remove(a.key()); // deleted
                exitNodes.remove(a.key());
                ++a;
            } else if (a == prev->nodes.cend() || b.key() < a.key()) {
                update(**b); // added
                ++b;
            } else {
                if (a->get() != b->get())
                    update(**b);
                ++a;
                ++b;
            }
        }
    }
    QList<Candidate> online;
    for (auto it = served.cbegin(); it != served.cend(); ++it) {
        const LiveNode* live = next.node(it.key());
        if (!live || !live->online)
            continue;
        QStringList subnet = it.value();
        subnet.removeIf([](const QString& r) { return isExitRoute(r); });
        if (!subnet.isEmpty())
            online.append({it.key(), !next.unhealthy.contains(it.key()), subnet});
    }
    next.servedRoutes = std::move(served);
    next.exitNodes = std::move(exitNodes);
    for (auto it = next.unhealthy.begin(); it != next.unhealthy.end();)
        it = next.nodes.contains(*it) ? std::next(it) : next.unhealthy.erase(it);
    next.primaries = elect(online, prev ? prev->primaries : Assignment());
    next.primariesByNode = byNode(next.primaries);
    if (prev) {
        // A failover: a prefix that had a primary now has another one (keel_ha_primary_changes_total).
        for (auto it = prev->primaries.cbegin(); it != prev->primaries.cend(); ++it)
            if (const auto now = next.primaries.constFind(it.key()); now != next.primaries.cend() && *now != it.value())
                metrics::Instruments::haPrimaryChange();
    }
}

QHash<qint64, QStringList> PrimaryRoutes::byNode(const Assignment& assignment)
{
    QHash<qint64, QStringList> out;
    for (auto it = assignment.cbegin(); it != assignment.cend(); ++it)
        out[it.value()].append(it.key());
    for (QStringList& l : out)
        l.sort();
    return out;
}

} // namespace keel::state
