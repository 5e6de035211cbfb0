#include "policy/FilterRule.h"

namespace keel::policy {

IpSet FilterRule::dstSet() const
{
    IpSet s;
    for (const NetPortRange& d : dstPorts)
        s.add(d.set);
    for (const CapGrant& g : capGrants)
        for (const IpPrefix& p : g.dsts)
            s.add(p);
    return s;
}

QJsonObject FilterRule::toJson() const
{
    QJsonObject o;
    o.insert(QLatin1String("SrcIPs"), QJsonArray::fromStringList(srcIps));
    if (!capGrants.isEmpty()) {
        QJsonArray grants;
        for (const CapGrant& g : capGrants) {
            QJsonArray dsts;
            for (const IpPrefix& p : g.dsts)
                dsts.append(p.toString());
            grants.append(QJsonObject{{QLatin1String("Dsts"), dsts}, {QLatin1String("CapMap"), g.capMap}});
        }
        o.insert(QLatin1String("CapGrant"), grants);
    } else {
        QJsonArray dsts;
        for (const NetPortRange& d : dstPorts)
            dsts.append(QJsonObject{{QLatin1String("IP"), d.ip},
                                    {QLatin1String("Ports"), QJsonObject{{QLatin1String("First"), d.ports.first}, {QLatin1String("Last"), d.ports.last}}}});
        o.insert(QLatin1String("DstPorts"), dsts);
    }
    if (!ipProto.isEmpty()) {
        QJsonArray p;
        for (int n : ipProto)
            p.append(n);
        o.insert(QLatin1String("IPProto"), p);
    }
    return o;
}

QJsonArray toJson(const QList<FilterRule>& rules)
{
    QJsonArray a;
    for (const FilterRule& r : rules)
        a.append(r.toJson());
    return a;
}

} // namespace keel::policy
