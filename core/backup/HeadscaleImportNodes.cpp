#include "backup/HeadscaleImport.h"

#include "backup/HeadscaleImportRow.h"
#include "backup/HeadscaleImportValues.h"
#include "backup/ImportValues.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>

// HeadscaleImport: nodes (`nodes`, or `machines` before 0.23) and the routes table of <= 0.25.

namespace keel::store {

namespace hv = HeadscaleImportValues;

namespace {

// Valid prefixes of `routes`, sorted and de-duplicated; the rest are returned in *dropped.
QStringList cleanRoutes(const QStringList& routes, QStringList* dropped)
{
    QStringList out;
    for (const QString& r : routes) {
        if (ImportValues::isPrefix(r))
            out << r;
        else
            *dropped << r;
    }
    out.sort();
    out.removeDuplicates();
    return out;
}

} // namespace

Result<QHash<qint64, QStringList>> HeadscaleImport::readRouteTable(bool enabledOnly)
{
    QHash<qint64, QStringList> out;
    if (!hasTable(QStringLiteral("routes")))
        return out;
    HeadscaleImportRow row(m_db);
    if (!row.select(QStringLiteral("routes")))
        return Error::database(row.error());
    while (row.next()) {
        if (row.has("deleted_at") && !row.isNull("deleted_at"))
            continue;
        if (!hv::boolean(row.value(enabledOnly ? "enabled" : "advertised")))
            continue;
        const qint64 node = row.integer(row.has("node_id") ? "node_id" : "machine_id");
        out[node] << row.text("prefix");
    }
    return out;
}

Result<void> HeadscaleImport::readNodes()
{
    const QString table = hasTable(QStringLiteral("nodes")) ? QStringLiteral("nodes") : QStringLiteral("machines");
    Result<QHash<qint64, QStringList>> approvedTable = readRouteTable(true);
    if (!approvedTable.ok())
        return approvedTable.error();
    Result<QHash<qint64, QStringList>> advertisedTable = readRouteTable(false);
    if (!advertisedTable.ok())
        return advertisedTable.error();
    if (hasTable(QStringLiteral("routes")))
        note(QStringLiteral("routes: read from the routes table (Headscale <= 0.25); enabled routes become approved routes"));

    HeadscaleImportRow row(m_db);
    if (!row.select(table))
        return Error::database(row.error());
    QHash<QString, qint64> nodeKeys, givenNames, ips;
    int taggedWithOwner = 0;
    while (row.next()) {
        const qint64 id = row.integer("id");
        Node n;
        n.id = id;
        n.hostname = row.text(row.has("hostname") ? "hostname" : "name");
        const QString what = QStringLiteral("node %1 (%2)").arg(id).arg(n.hostname);
        if (row.has("deleted_at") && !row.isNull("deleted_at")) {
            skip(what, QStringLiteral("deleted in Headscale"));
            continue;
        }
        const auto machineKey = hv::key(row.value("machine_key"), QStringLiteral("mkey:"));
        const auto nodeKey = hv::key(row.value("node_key"), QStringLiteral("nodekey:"));
        if (!machineKey || !nodeKey) {
            skip(what, QStringLiteral("malformed machine key or node key"));
            continue;
        }
        n.machineKey = *machineKey;
        n.nodeKey = *nodeKey;
        if (nodeKeys.contains(n.nodeKey)) {
            skip(what, QStringLiteral("its node key is already used by node %1").arg(nodeKeys.value(n.nodeKey)));
            continue;
        }
        // A disco key is learnt again from the next MapRequest, so a bad one is only dropped.
        if (const QString disco = row.text("disco_key"); !disco.isEmpty()) {
            const auto d = hv::key(disco, QStringLiteral("discokey:"));
            if (d)
                n.discoKey = *d;
            else
                note(QStringLiteral("%1: malformed disco key dropped").arg(what));
        }

        // Addresses: ipv4 + ipv6 (>= 0.23) or one ip_addresses column (0.22).
        QStringList addrs;
        if (row.has("ipv4") || row.has("ipv6"))
            addrs << row.text("ipv4") << row.text("ipv6");
        else
            addrs = hv::addresses(row.value(row.has("ip_addresses") ? "ip_addresses" : "ip_address"));
        bool ipTaken = false;
        for (const QString& a : std::as_const(addrs)) {
            if (a.isEmpty())
                continue;
            QString* slot = ImportValues::isIPv4(a) ? &n.ipv4 : ImportValues::isIPv6(a) ? &n.ipv6 : nullptr;
            if (!slot) {
                note(QStringLiteral("%1: malformed address \"%2\" dropped").arg(what, a));
                continue;
            }
            if (!slot->isEmpty())
                continue; // Headscale used the first of each family too
            if (ips.contains(a)) {
                skip(what, QStringLiteral("address %1 is already held by node %2").arg(a).arg(ips.value(a)));
                ipTaken = true;
                break;
            }
            *slot = a;
        }
        if (ipTaken)
            continue;

        // Owner and tags. Since 0.29 a tagged node has no owner; older versions kept the user.
        const qint64 owner = row.integer(row.has("user_id") ? "user_id" : "namespace_id");
        std::optional<QStringList> tags = hv::stringList(row.value(row.has("tags") ? "tags" : "forced_tags"));
        if (!tags) {
            note(QStringLiteral("%1: unreadable tags; dropped").arg(what));
            tags = QStringList();
        }
        for (const QString& t : std::as_const(*tags))
            if (t.startsWith(QLatin1String("tag:")) && t.size() > 4)
                n.tags << t;
        n.tags.sort();
        n.tags.removeDuplicates();
        if (n.tags.isEmpty()) {
            if (owner <= 0 || !m_userIds.contains(owner)) {
                skip(what, owner > 0 ? QStringLiteral("its user %1 was not imported").arg(owner)
                                     : QStringLiteral("it has neither a user nor tags"));
                continue;
            }
            n.userId = owner;
        } else if (owner > 0) {
            ++taggedWithOwner;
        }

        // Hostinfo, kept verbatim; the announced routes are its RoutableIPs.
        QByteArray hostinfo = row.value("host_info").toByteArray().trimmed();
        if (hostinfo == "null")
            hostinfo.clear();
        n.hostinfoJson = hostinfo;
        const QJsonObject hi = QJsonDocument::fromJson(hostinfo).object();
        QStringList announced;
        for (const QJsonValue& v : hi.value(QStringLiteral("RoutableIPs")).toArray())
            announced << v.toString();
        announced += advertisedTable->value(id);
        if (!hi.value(QStringLiteral("RequestTags")).toArray().isEmpty() && n.tags.isEmpty())
            note(QStringLiteral("%1: asks for tags %2 (Hostinfo.RequestTags); they are checked against the policy's "
                                "tagOwners when it next connects")
                     .arg(what, QString::fromUtf8(QJsonDocument(hi.value(QStringLiteral("RequestTags")).toArray())
                                                      .toJson(QJsonDocument::Compact))));
        QStringList approved = row.has("approved_routes")
            ? hv::stringList(row.value("approved_routes")).value_or(QStringList())
            : approvedTable->value(id);
        QStringList dropped;
        n.announcedRoutes = cleanRoutes(announced, &dropped);
        n.approvedRoutes = cleanRoutes(approved, &dropped);
        if (!dropped.isEmpty())
            note(QStringLiteral("%1: malformed routes dropped: %2").arg(what, dropped.join(QStringLiteral(", "))));
        n.endpoints = hv::stringList(row.value("endpoints")).value_or(QStringList());

        // Given name: the DNS label, unique in Keel.
        n.givenName = row.text(row.has("given_name") ? "given_name" : "nickname").trimmed();
        if (n.givenName.isEmpty())
            n.givenName = hv::dnsLabel(n.hostname);
        if (n.givenName.isEmpty())
            n.givenName = QStringLiteral("node-%1").arg(id);
        if (givenNames.contains(n.givenName)) {
            const QString renamed = QStringLiteral("%1-%2").arg(n.givenName).arg(id);
            note(QStringLiteral("%1: given name \"%2\" is taken by node %3; renamed to \"%4\"")
                     .arg(what, n.givenName)
                     .arg(givenNames.value(n.givenName))
                     .arg(renamed));
            n.givenName = renamed;
        }

        n.expiry = hv::time(row.value("expiry"));
        n.lastSeen = hv::time(row.value("last_seen"));
        n.registerMethod = row.text("register_method");
        if (const qint64 key = row.integer("auth_key_id"); key > 0) {
            if (m_keyEphemeral.contains(key)) {
                n.authKeyId = key;
                // Headscale has no ephemeral column: a node is ephemeral when its key was.
                n.ephemeral = m_keyEphemeral.value(key);
            } else {
                note(QStringLiteral("%1: its pre-auth key %2 was not imported; the link is dropped").arg(what).arg(key));
            }
        }
        const QDateTime fallback = m_out.document.exportedAt;
        n.createdAt = hv::time(row.value("created_at")).value_or(fallback);
        n.updatedAt = hv::time(row.value("updated_at")).value_or(n.createdAt);

        nodeKeys.insert(n.nodeKey, id);
        givenNames.insert(n.givenName, id);
        if (!n.ipv4.isEmpty())
            ips.insert(n.ipv4, id);
        if (!n.ipv6.isEmpty())
            ips.insert(n.ipv6, id);
        m_out.document.nodes << n;
    }
    if (taggedWithOwner > 0)
        note(QStringLiteral("%1 tagged node(s) had a user in Headscale; in Keel (as in Headscale 0.29) tagged nodes "
                            "are owned by their tags, so the user link was dropped")
                 .arg(taggedWithOwner));
    return {};
}

} // namespace keel::store
