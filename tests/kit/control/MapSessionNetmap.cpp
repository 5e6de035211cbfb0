#include "control/MapSessionNetmap.h"

#include <QJsonArray>

namespace keel::control {

QSet<qint64> MapSessionNetmap::peerIds() const
{
    QSet<qint64> out;
    for (auto it = m_peers.cbegin(); it != m_peers.cend(); ++it)
        out.insert(it.key());
    return out;
}

bool MapSessionNetmap::apply(const QJsonObject& m, QString* error)
{
    if (m.value(QStringLiteral("KeepAlive")).toBool()) {
        ++m_keepAlives;
        return true;
    }
    if (m_self.isEmpty() && !m.value(QStringLiteral("Node")).isObject()) {
        if (error)
            *error = QStringLiteral("initial MapResponse lacked node");
        return false;
    }
    ++m_messages;
    if (m.value(QStringLiteral("Node")).isObject())
        m_self = m.value(QStringLiteral("Node")).toObject();
    if (m.value(QStringLiteral("DNSConfig")).isObject()) // null or absent: unchanged
        m_dns = m.value(QStringLiteral("DNSConfig")).toObject();
    if (m.value(QStringLiteral("DERPMap")).isObject())
        m_derp = m.value(QStringLiteral("DERPMap")).toObject();
    if (m.value(QStringLiteral("PacketFilter")).isArray())
        m_filter = m.value(QStringLiteral("PacketFilter")).toArray();
    if (m.value(QStringLiteral("SSHPolicy")).isObject())
        m_sshPolicy = m.value(QStringLiteral("SSHPolicy")).toObject();
    for (const QJsonValue& v : m.value(QStringLiteral("UserProfiles")).toArray()) // additive
        m_profiles.insert(v.toObject().value(QStringLiteral("ID")).toInteger(), v.toObject());

    const QJsonArray peers = m.value(QStringLiteral("Peers")).toArray();
    if (!peers.isEmpty()) {
        // A non-empty Peers replaces the list; the delta fields of that message are ignored.
        m_peers.clear();
        for (const QJsonValue& v : peers)
            m_peers.insert(v.toObject().value(QStringLiteral("ID")).toInteger(), v.toObject());
        return true;
    }
    for (const QJsonValue& v : m.value(QStringLiteral("PeersRemoved")).toArray())
        m_peers.remove(v.toInteger());
    for (const QJsonValue& v : m.value(QStringLiteral("PeersChanged")).toArray())
        m_peers.insert(v.toObject().value(QStringLiteral("ID")).toInteger(), v.toObject());
    const QJsonObject online = m.value(QStringLiteral("OnlineChange")).toObject();
    for (auto it = online.begin(); it != online.end(); ++it) {
        auto p = m_peers.find(it.key().toLongLong());
        if (p != m_peers.end())
            p->insert(QStringLiteral("Online"), it.value().toBool());
    }
    for (const QJsonValue& v : m.value(QStringLiteral("PeersChangedPatch")).toArray()) {
        const QJsonObject c = v.toObject();
        auto p = m_peers.find(c.value(QStringLiteral("NodeID")).toInteger());
        if (p == m_peers.end())
            continue; // unknown ids are ignored
        if (c.contains(QStringLiteral("DERPRegion")) && c.value(QStringLiteral("DERPRegion")).toInt() != 0) {
            p->insert(QStringLiteral("HomeDERP"), c.value(QStringLiteral("DERPRegion")).toInt());
            p->insert(QStringLiteral("DERP"), QStringLiteral("127.3.3.40:%1").arg(c.value(QStringLiteral("DERPRegion")).toInt()));
        }
        for (const char* k : {"Cap", "Key", "DiscoKey", "Online", "LastSeen", "KeyExpiry", "CapMap"}) {
            const QString key = QString::fromLatin1(k);
            if (c.contains(key))
                p->insert(key, c.value(key));
        }
        if (c.value(QStringLiteral("Endpoints")).isArray())
            p->insert(QStringLiteral("Endpoints"), c.value(QStringLiteral("Endpoints")));
    }
    return true;
}

} // namespace keel::control
