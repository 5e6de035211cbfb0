// PolicyCompiler: SSH policy (spec C.11) and node capabilities (nodeAttrs).
#include "policy/PolicyCompiler.h"

#include <QJsonArray>

#include <algorithm>

namespace keel::policy {

namespace {
using K = Alias::Kind;
}

QJsonObject PolicyCompiler::sshPolicyFor(const TopologyNode& node) const
{
    int selfIndex = -1;
    for (int i = 0; i < m_topo.nodes.size(); ++i)
        if (m_topo.nodes[i].id == node.id)
            selfIndex = i;
    QJsonArray checks;
    QJsonArray accepts;
    for (const SshRule& r : m_policy.ssh) {
        // Source nodes; a tagged node counts once per tag, as Tailscale lists it.
        QList<int> srcNodes;
        for (const Alias& a : r.src)
            for (int n : matchNodes(a))
                if (!srcNodes.contains(n))
                    srcNodes.append(n);
        if (srcNodes.isEmpty())
            continue;
        bool direct = false;
        bool self = false;
        for (const Alias& d : r.dst) {
            if (d.kind == K::AutoSelf)
                self = self || !node.isTagged();
            else if (matchNodes(d).contains(selfIndex))
                direct = true;
        }
        QList<int> principals;
        if (direct) {
            principals = srcNodes;
        } else if (self) {
            for (int n : srcNodes)
                if (!m_topo.nodes[n].isTagged() && m_topo.nodes[n].userId == node.userId)
                    principals.append(n);
        }
        if (principals.isEmpty())
            continue;
        QJsonArray ps;
        for (int n : principals) {
            const int copies = std::max<int>(1, int(m_topo.nodes[n].tags.size()));
            for (int c = 0; c < copies; ++c)
                for (const IpAddress& ip : m_topo.nodes[n].addressList())
                    ps.append(QJsonObject{{QLatin1String("nodeIP"), ip.toString()}});
        }
        QJsonObject users;
        users.insert(QLatin1String("root"), QString());
        for (const QString& u : r.users) {
            if (u == QLatin1String("autogroup:nonroot"))
                users.insert(QLatin1String("*"), QStringLiteral("="));
            else if (!u.startsWith(QLatin1String("localpart:")))
                users.insert(u, u);
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
        QJsonObject rule{{QLatin1String("principals"), ps}, {QLatin1String("sshUsers"), users}, {QLatin1String("action"), action}};
        if (!r.acceptEnv.isEmpty())
            rule.insert(QLatin1String("acceptEnv"), QJsonArray::fromStringList(r.acceptEnv));
        (r.action == QLatin1String("check") ? checks : accepts).append(rule);
    }
    QJsonArray rules = checks;
    for (const QJsonValue& v : accepts)
        rules.append(v);
    return QJsonObject{{QLatin1String("rules"), rules}};
}

QJsonObject PolicyCompiler::capMapFor(const TopologyNode& node) const
{
    QJsonObject caps;
    caps.insert(QLatin1String("https://tailscale.com/cap/file-sharing"), QJsonValue::Null);
    caps.insert(QLatin1String("https://tailscale.com/cap/ssh"), QJsonValue::Null);
    if (m_policy.randomizeClientPort)
        caps.insert(QLatin1String("randomize-client-port"), QJsonValue::Null);
    int selfIndex = -1;
    for (int i = 0; i < m_topo.nodes.size(); ++i)
        if (m_topo.nodes[i].id == node.id)
            selfIndex = i;
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
