#include "admin/Reachability.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QSet>

namespace keel::admin {

bool filterCovers(const QString& spec, const QString& address)
{
    if (address.isEmpty())
        return false;
    if (spec == QLatin1String("*"))
        return true;
    const QHostAddress a(address);
    if (spec.contains(QLatin1Char('/'))) {
        const auto subnet = QHostAddress::parseSubnet(spec);
        return subnet.second >= 0 && a.isInSubnet(subnet);
    }
    if (spec.contains(QLatin1Char('-'))) {
        const QHostAddress first(spec.section(QLatin1Char('-'), 0, 0)), last(spec.section(QLatin1Char('-'), 1, 1));
        if (a.protocol() != QAbstractSocket::IPv4Protocol || first.protocol() != a.protocol() || last.protocol() != a.protocol())
            return false;   // ranges in filters are IPv4 only in practice
        return first.toIPv4Address() <= a.toIPv4Address() && a.toIPv4Address() <= last.toIPv4Address();
    }
    return QHostAddress(spec).isEqual(a);
}

namespace {

QString portText(int first, int last)
{
    if (first == 0 && last == 65535)
        return QStringLiteral("*");
    return first == last ? QString::number(first) : QStringLiteral("%1-%2").arg(first).arg(last);
}

bool anyCovered(const QJsonArray& specs, const QStringList& addresses)
{
    for (const QJsonValue& spec : specs)
        for (const QString& a : addresses)
            if (filterCovers(spec.toString(), a))
                return true;
    return false;
}

} // namespace

QJsonArray reachablePeers(const state::Snapshot& snapshot, qint64 nodeId, const QList<qint64>& visiblePeers,
                          const std::function<QJsonArray(qint64 peerId)>& packetFilterOf)
{
    const state::LiveNode* self = snapshot.node(nodeId);
    if (!self)
        return {};
    const QStringList own{self->node.ipv4, self->node.ipv6};
    QJsonArray out;
    for (qint64 peerId : visiblePeers) {
        const state::LiveNode* peer = snapshot.node(peerId);
        if (!peer)
            continue;
        const QStringList theirs{peer->node.ipv4, peer->node.ipv6};
        QStringList ports;
        QSet<int> protocols;
        for (const QJsonValue& v : packetFilterOf(peerId)) {
            const QJsonObject rule = v.toObject();
            if (!anyCovered(rule.value(QStringLiteral("SrcIPs")).toArray(), own))
                continue;
            bool matched = false;
            for (const QJsonValue& d : rule.value(QStringLiteral("DstPorts")).toArray()) {
                const QJsonObject dst = d.toObject();
                if (!anyCovered(QJsonArray{dst.value(QStringLiteral("IP"))}, theirs))
                    continue;
                const QJsonObject range = dst.value(QStringLiteral("Ports")).toObject();
                const QString text = portText(range.value(QStringLiteral("First")).toInt(), range.value(QStringLiteral("Last")).toInt());
                if (!ports.contains(text))
                    ports << text;
                matched = true;
            }
            if (matched)
                for (const QJsonValue& p : rule.value(QStringLiteral("IPProto")).toArray())
                    protocols.insert(p.toInt());
        }
        if (ports.isEmpty())
            continue;
        if (ports.contains(QStringLiteral("*")))
            ports = {QStringLiteral("*")};
        QList<int> protoList = protocols.values();
        std::sort(protoList.begin(), protoList.end());
        QJsonArray protoJson;
        for (int p : protoList)
            protoJson.append(p);
        out.append(QJsonObject{{QStringLiteral("id"), QString::number(peerId)},
                               {QStringLiteral("name"), peer->node.givenName},
                               {QStringLiteral("ipv4"), peer->node.ipv4},
                               {QStringLiteral("ipv6"), peer->node.ipv6},
                               {QStringLiteral("ports"), QJsonArray::fromStringList(ports)},
                               {QStringLiteral("protocols"), protoJson}});
    }
    return out;
}

} // namespace keel::admin
