// PolicyCompiler: SSH policy (spec C.11) and node capabilities (nodeAttrs).
#include "policy/PolicyCompiler.h"

#include "policy/SshDuration.h"

#include <QJsonArray>

#include <algorithm>
#include <map>

namespace keel::policy {

namespace {
using K = Alias::Kind;

const QString kLocalpartPrefix = QStringLiteral("localpart:*@");

QJsonArray principalsOf(const QList<IpAddress>& ips)
{
    QJsonArray ps;
    for (const IpAddress& ip : ips)
        ps.append(QJsonObject{{QLatin1String("nodeIP"), ip.toString()}});
    return ps;
}
} // namespace

int PolicyCompiler::indexOf(const TopologyNode& node) const
{
    const int i = m_indexById.value(node.id, -1);
    // The same id must name the same node (a caller may pass a node built elsewhere).
    return i >= 0 && m_topo.nodes[i].name == node.name ? i : -1;
}

QJsonObject PolicyCompiler::sshPolicyFor(const TopologyNode& node) const
{
    const int selfIndex = indexOf(node);
    QJsonArray checks;
    QJsonArray accepts;
    for (const SshRule& r : m_policy.ssh) {
        QList<int> srcNodes;
        for (const Alias& a : r.src)
            for (int n : matchNodes(a))
                if (!srcNodes.contains(n))
                    srcNodes.append(n);
        if (srcNodes.isEmpty())
            continue;

        // Sources grouped by owner (users in id order), tagged sources last; a tagged node is
        // listed once per tag, as Tailscale's control plane does.
        std::map<qint64, QList<IpAddress>> byUser;
        QList<IpAddress> tagged;
        for (int n : srcNodes) {
            const TopologyNode& sn = m_topo.nodes[n];
            if (sn.isTagged()) {
                for (qsizetype c = 0; c < sn.tags.size(); ++c)
                    tagged.append(sn.addressList());
            } else {
                byUser[sn.userId].append(sn.addressList());
            }
        }

        QJsonObject users;
        users.insert(QLatin1String("root"), QString());
        QMap<qint64, QString> localparts; // user id -> local part, for localpart:*@domain
        bool hasLocalpart = false;
        for (const QString& u : r.users) {
            if (u == QLatin1String("autogroup:nonroot")) {
                users.insert(QLatin1String("*"), QStringLiteral("="));
            } else if (u.startsWith(kLocalpartPrefix) && !u.mid(kLocalpartPrefix.size()).contains(QLatin1Char('@'))) {
                hasLocalpart = true;
                const QString domain = u.mid(kLocalpartPrefix.size());
                for (const TopologyUser& tu : m_topo.users) {
                    const int at = tu.email.lastIndexOf(QLatin1Char('@'));
                    if (at > 0 && tu.email.mid(at + 1).compare(domain, Qt::CaseInsensitive) == 0)
                        localparts.insert(tu.id, tu.email.left(at));
                }
            } else {
                users.insert(u, u);
            }
        }

        QJsonObject action;
        if (r.action == QLatin1String("check")) {
            action.insert(QLatin1String("holdAndDelegate"),
                          m_serverUrl + QStringLiteral("/machine/ssh/action/$SRC_NODE_ID/to/$DST_NODE_ID?local_user=$LOCAL_USER"));
        } else {
            action.insert(QLatin1String("accept"), true);
            action.insert(QLatin1String("allowAgentForwarding"), true);
            action.insert(QLatin1String("allowLocalPortForwarding"), true);
            action.insert(QLatin1String("allowRemotePortForwarding"), true);
        }
        QJsonArray& target = r.action == QLatin1String("check") ? checks : accepts;
        auto addRules = [&](const QList<IpAddress>& ips, const std::optional<qint64>& uid) {
            if (ips.isEmpty())
                return;
            const QJsonArray ps = principalsOf(ips);
            auto rule = [&](const QJsonObject& sshUsers) {
                QJsonObject o{{QLatin1String("principals"), ps}, {QLatin1String("sshUsers"), sshUsers}, {QLatin1String("action"), action}};
                if (!r.acceptEnv.isEmpty())
                    o.insert(QLatin1String("acceptEnv"), QJsonArray::fromStringList(r.acceptEnv));
                target.append(o);
            };
            rule(users);
            // The user's own account comes right after its common rule (first match wins).
            if (uid && localparts.contains(*uid))
                rule(QJsonObject{{localparts.value(*uid), localparts.value(*uid)}});
        };

        bool self = false;
        QList<Alias> others;
        for (const Alias& d : r.dst) {
            if (d.kind == K::AutoSelf)
                self = true;
            else
                others.append(d);
        }
        if (self && !node.isTagged() && byUser.count(node.userId))
            addRules(byUser[node.userId], node.userId);
        if (others.isEmpty())
            continue;
        bool isDst = false;
        for (const Alias& d : others)
            isDst = isDst || matchNodes(d).contains(selfIndex);
        if (isDst) {
            if (hasLocalpart) {
                for (const auto& [uid, ips] : byUser)
                    addRules(ips, uid);
                addRules(tagged, std::nullopt);
            } else {
                QList<IpAddress> all;
                for (const auto& [uid, ips] : byUser)
                    all.append(ips);
                all.append(tagged);
                addRules(all, std::nullopt);
            }
        } else if (hasLocalpart && srcNodes.contains(selfIndex)) {
            // A source that is not a destination may still log in to itself as its own user.
            if (node.isTagged())
                addRules(node.addressList(), std::nullopt);
            else if (byUser.count(node.userId))
                addRules(byUser[node.userId], node.userId);
        }
    }
    QJsonArray rules = checks;
    for (const QJsonValue& v : accepts)
        rules.append(v);
    return QJsonObject{{QLatin1String("rules"), rules}};
}

std::optional<qint64> PolicyCompiler::sshCheckPeriodSeconds(const TopologyNode& src, const TopologyNode& dst) const
{
    const int srcIndex = indexOf(src);
    const int dstIndex = indexOf(dst);
    if (srcIndex < 0 || dstIndex < 0)
        return std::nullopt;
    for (const SshRule& r : m_policy.ssh) {
        if (r.action != QLatin1String("check"))
            continue;
        bool fromSrc = false;
        for (const Alias& a : r.src)
            fromSrc = fromSrc || matchNodes(a).contains(srcIndex);
        if (!fromSrc)
            continue;
        bool toDst = false;
        for (const Alias& d : r.dst) {
            if (d.kind == K::AutoSelf) // the owner's own untagged devices only
                toDst = toDst || (!src.isTagged() && !dst.isTagged() && src.userId == dst.userId);
            else
                toDst = toDst || matchNodes(d).contains(dstIndex);
        }
        if (!toDst)
            continue;
        // Tailscale's SSH docs: checkPeriod defaults to 12h; "always" re-checks every connection.
        if (r.checkPeriod.isEmpty())
            return 12 * 3600;
        if (r.checkPeriod == QLatin1String("always"))
            return 0;
        return qint64(SshDuration::parseSeconds(r.checkPeriod).value_or(0));
    }
    return std::nullopt;
}

QMap<QString, QJsonObject> PolicyCompiler::peerCapsFor(const TopologyNode& node) const
{
    // The client's WhoIs (ipnlocal peerCapsLocked): the capabilities a peer address has towards
    // this node's own address of the same family, i.e. from grants whose Dsts hold that address.
    // Which grants those are is decided once per family, before the walk over the peers.
    struct Granted {
        const IpSet* src;
        const QJsonObject* capMap;
        bool v6;
    };
    const QList<FilterRule> rules = filterFor(node);
    QList<Granted> granted;
    for (const FilterRule& r : rules) {
        for (const CapGrant& g : r.capGrants) {
            IpSet dsts;
            for (const IpPrefix& p : g.dsts)
                dsts.add(p);
            for (const IpAddress& own : node.addressList())
                if (dsts.contains(own))
                    granted.append({&r.srcSet, &g.capMap, own.v6});
        }
    }
    QMap<QString, QJsonObject> out;
    if (granted.isEmpty())
        return out;
    for (const TopologyNode& peer : m_topo.nodes) {
        if (peer.id == node.id)
            continue;
        for (const IpAddress& ip : peer.addressList()) {
            QJsonObject caps;
            for (const Granted& g : granted) {
                if (g.v6 != ip.v6 || !g.src->contains(ip))
                    continue;
                for (auto it = g.capMap->begin(); it != g.capMap->end(); ++it) {
                    QJsonArray values = caps.value(it.key()).toArray();
                    for (const QJsonValue& v : it.value().toArray())
                        values.append(v);
                    caps.insert(it.key(), it.value().isArray() ? QJsonValue(values) : it.value());
                }
            }
            if (!caps.isEmpty())
                out.insert(ip.toString(), caps);
        }
    }
    return out;
}

QJsonObject PolicyCompiler::capMapFor(const TopologyNode& node) const
{
    QJsonObject caps;
    caps.insert(QLatin1String("https://tailscale.com/cap/file-sharing"), QJsonValue::Null);
    caps.insert(QLatin1String("https://tailscale.com/cap/ssh"), QJsonValue::Null);
    if (m_policy.randomizeClientPort)
        caps.insert(QLatin1String("randomize-client-port"), QJsonValue::Null);
    const int selfIndex = indexOf(node);
    for (const NodeAttr& a : m_policy.nodeAttrs) {
        bool match = false;
        for (const Alias& t : a.target)
            match = match || matchNodes(t).contains(selfIndex);
        if (!match)
            continue;
        for (const QString& attr : a.attrs)
            caps.insert(attr, QJsonValue::Null);
        for (auto it = a.app.begin(); it != a.app.end(); ++it)
            caps.insert(it.key(), it.value());
    }
    return caps;
}

} // namespace keel::policy
