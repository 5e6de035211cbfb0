#include "derp/BootstrapDns.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>

namespace keel::derp {

BootstrapDns::BootstrapDns(QObject* parent)
    : QObject(parent)
{
}

void BootstrapDns::add(const QString& name, const QString& address)
{
    QStringList& list = m_addresses[name];
    if (!address.isEmpty() && !list.contains(address))
        list.append(address);
}

void BootstrapDns::update(const QJsonObject& derpMap)
{
    ++m_generation;
    m_pending = 0;
    m_addresses.clear();
    const QJsonObject regions = derpMap.value(QStringLiteral("Regions")).toObject();
    for (const QJsonValue& region : regions) {
        for (const QJsonValue& v : region.toObject().value(QStringLiteral("Nodes")).toArray()) {
            const QJsonObject node = v.toObject();
            const QString name = node.value(QStringLiteral("HostName")).toString();
            if (name.isEmpty())
                continue;
            m_addresses.insert(name, m_addresses.value(name));
            // The map's own addresses are what clients dial anyway ("none" disables a family):
            // given those, the name needs no lookup.
            bool known = false;
            for (const QString& key : {QStringLiteral("IPv4"), QStringLiteral("IPv6")}) {
                const QString ip = node.value(key).toString();
                if (!QHostAddress(ip).isNull()) {
                    add(name, ip);
                    known = true;
                }
            }
            if (!QHostAddress(name).isNull())
                add(name, QHostAddress(name).toString());
            if (known || !QHostAddress(name).isNull())
                continue;
            ++m_pending;
            const int generation = m_generation;
            QHostInfo::lookupHost(name, this, [this, name, generation](const QHostInfo& info) {
                if (generation != m_generation)
                    return;
                --m_pending;
                for (const QHostAddress& a : info.addresses())
                    add(name, a.toString());
            });
        }
    }
}

QJsonObject BootstrapDns::answer(const QString& query) const
{
    QJsonObject out;
    for (auto it = m_addresses.cbegin(); it != m_addresses.cend(); ++it) {
        if (!query.isEmpty() && it.key().compare(query, Qt::CaseInsensitive) != 0)
            continue;
        if (!it->isEmpty())
            out.insert(it.key(), QJsonArray::fromStringList(*it));
    }
    return out;
}

} // namespace keel::derp
