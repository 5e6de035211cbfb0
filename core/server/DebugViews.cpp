#include "server/DebugViews.h"

#include <QHostAddress>
#include <QJsonArray>

namespace keel::server {

namespace {

QStringList addressesOf(const store::Node& n)
{
    QStringList out;
    if (!n.ipv4.isEmpty())
        out << n.ipv4;
    if (!n.ipv6.isEmpty())
        out << n.ipv6;
    return out;
}

bool covers(const QString& source, const QString& address)
{
    if (source == QLatin1String("*"))
        return true;
    const QHostAddress a(address);
    if (source.contains(QLatin1Char('/'))) {
        const auto subnet = QHostAddress::parseSubnet(source);
        return a.isInSubnet(subnet);
    }
    if (source.contains(QLatin1Char('-')) && !source.contains(QLatin1Char(':'))) {
        // An IPv4 range "a-b".
        const QHostAddress from(source.section(QLatin1Char('-'), 0, 0));
        const QHostAddress to(source.section(QLatin1Char('-'), 1, 1));
        return a.protocol() == QAbstractSocket::IPv4Protocol && from.toIPv4Address() <= a.toIPv4Address() && a.toIPv4Address() <= to.toIPv4Address();
    }
    return QHostAddress(source) == a;
}

} // namespace

bool DebugViews::admits(const QJsonArray& filter, const QStringList& addresses)
{
    for (const QJsonValue& rule : filter) {
        for (const QJsonValue& src : rule.toObject().value(QStringLiteral("SrcIPs")).toArray()) {
            for (const QString& address : addresses) {
                if (covers(src.toString(), address))
                    return true;
            }
        }
    }
    return false;
}

std::optional<QJsonObject> DebugViews::node(control::Mapper& mapper, const state::SnapshotPtr& s, qint64 nodeId)
{
    const state::LiveNode* self = s->node(nodeId);
    if (!self)
        return std::nullopt;
    const QJsonArray filter = mapper.packetFilter(s, nodeId);
    QJsonArray peers;
    for (qint64 peerId : mapper.visiblePeers(s, nodeId)) {
        const state::LiveNode* peer = s->node(peerId);
        if (!peer)
            continue;
        QJsonArray why;
        if (!s->policy) {
            why << QStringLiteral("no policy: every node sees every other");
        } else {
            if (admits(filter, addressesOf(peer->node)))
                why << QStringLiteral("peer may connect to node");
            if (admits(mapper.packetFilter(s, peerId), addressesOf(self->node)))
                why << QStringLiteral("node may connect to peer");
            if (why.isEmpty())
                why << QStringLiteral("routes: a subnet router or exit node the node may use, or a fellow router");
        }
        peers.append(QJsonObject{{QStringLiteral("id"), QString::number(peerId)},
                                 {QStringLiteral("name"), peer->node.givenName},
                                 {QStringLiteral("addresses"), QJsonArray::fromStringList(addressesOf(peer->node))},
                                 {QStringLiteral("allowedIPs"), QJsonArray::fromStringList(addressesOf(peer->node) + mapper.routesForPeer(s, nodeId, peer->node))},
                                 {QStringLiteral("online"), peer->online},
                                 {QStringLiteral("why"), why}});
    }
    return QJsonObject{{QStringLiteral("node"), QJsonObject{{QStringLiteral("id"), QString::number(nodeId)},
                                                            {QStringLiteral("name"), self->node.givenName},
                                                            {QStringLiteral("addresses"), QJsonArray::fromStringList(addressesOf(self->node))},
                                                            {QStringLiteral("tags"), QJsonArray::fromStringList(self->node.tags)}}},
                       {QStringLiteral("filter"), filter},
                       {QStringLiteral("sshPolicy"), mapper.sshPolicy(s, nodeId)},
                       {QStringLiteral("peers"), peers}};
}

} // namespace keel::server
