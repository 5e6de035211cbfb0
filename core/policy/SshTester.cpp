#include "policy/SshTester.h"

#include <QJsonArray>

namespace keel::policy {

namespace {
using K = Alias::Kind;
QString q(const QString& s) { return QLatin1Char('"') + s + QLatin1Char('"'); }
} // namespace

SshTester::SshTester(const Policy& policy, const Topology& topology, const PolicyCompiler& compiler)
    : m_policy(policy)
    , m_topo(topology)
    , m_compiler(compiler)
{
}

bool SshTester::userMapAllows(const QJsonObject& users, const QString& user)
{
    // The client's lookup: the exact name first, then `*` for anyone but root.
    if (user.isEmpty())
        return false;
    if (users.contains(user))
        return !users.value(user).toString().isEmpty();
    if (user == QLatin1String("root"))
        return false;
    return users.contains(QLatin1String("*")) && !users.value(QLatin1String("*")).toString().isEmpty();
}

SshTester::Reach SshTester::reachability(const QJsonObject& sshPolicy, const QString& srcIp, const QString& user)
{
    Reach r;
    for (const QJsonValue& v : sshPolicy.value(QLatin1String("rules")).toArray()) {
        const QJsonObject rule = v.toObject();
        bool principal = false;
        for (const QJsonValue& p : rule.value(QLatin1String("principals")).toArray())
            principal = principal || p.toObject().value(QLatin1String("nodeIP")).toString() == srcIp;
        if (!principal || !userMapAllows(rule.value(QLatin1String("sshUsers")).toObject(), user))
            continue;
        r.accept = true;
        r.check = r.check || rule.value(QLatin1String("action")).toObject().contains(QLatin1String("holdAndDelegate"));
    }
    return r;
}

QString SshTester::shapeProblem(const Alias& dst) const
{
    // A destination must name hosts that can be SSH targets; Tailscale rejects the rest.
    switch (dst.kind) {
    case K::AutoInternet:
        return QStringLiteral("dst %1 is not allowed in sshTests").arg(q(dst.text));
    case K::Prefix:
        if (!dst.prefix.isSingleHost())
            return QStringLiteral("dst %1 is a range, sshTests need a single host").arg(q(dst.text));
        // Tailscale's parser reads the last colon of an IPv6 literal as a port separator.
        if (dst.prefix.addr.v6)
            return QStringLiteral("dst %1: IPv6 literals are not accepted in sshTests").arg(q(dst.text));
        return {};
    case K::Tag:
        if (!m_policy.tagOwners.contains(dst.name))
            return QStringLiteral("dst contains unknown tag %1 (sshTests dst take no port)").arg(q(dst.name));
        return {};
    case K::Host:
        if (m_policy.hosts.contains(dst.name) && !m_policy.hosts.value(dst.name).isSingleHost())
            return QStringLiteral("dst %1 is a range, sshTests need a single host").arg(q(dst.text));
        return {};
    default:
        return {};
    }
}

QStringList SshTester::run() const
{
    QStringList problems;
    for (int ti = 0; ti < m_policy.sshTests.size(); ++ti) {
        const SshTest& t = m_policy.sshTests[ti];
        const QString where = QStringLiteral("sshTests[%1]").arg(ti);
        QString e;
        const auto src = Alias::parse(t.src, &e);
        if (!src) {
            problems << QStringLiteral("%1: src %2: %3").arg(where, q(t.src), t.src.trimmed().isEmpty() ? QStringLiteral("src must be specified") : e);
            continue;
        }
        if (t.dst.isEmpty()) {
            problems << QStringLiteral("%1: at least one dst is required").arg(where);
            continue;
        }
        QList<Alias> dsts;
        bool bad = false;
        for (const QString& d : t.dst) {
            const auto a = Alias::parse(d, &e);
            const QString shape = a ? shapeProblem(*a) : e;
            if (!shape.isEmpty()) {
                problems << QStringLiteral("%1: %2").arg(where, shape);
                bad = true;
            } else {
                dsts.append(*a);
            }
        }
        if (bad)
            continue;
        if (t.accept.isEmpty() && t.deny.isEmpty() && t.check.isEmpty()) {
            problems << QStringLiteral("%1: no accept, deny, or check assertions specified").arg(where);
            continue;
        }

        // Source addresses: the matched nodes' addresses, or the literal address.
        QStringList srcIps;
        for (const IpAddress& a : m_compiler.resolveAddresses(*src))
            srcIps.append(a.toString());
        if (srcIps.isEmpty()) {
            problems << QStringLiteral("%1: source %2 resolved to no IP addresses").arg(where, q(t.src));
            continue;
        }
        const std::optional<qint64> srcUser = m_compiler.singleUser(*src);

        QList<int> dstNodes;
        for (const Alias& d : dsts) {
            QList<int> matched;
            if (d.kind == K::AutoSelf) {
                if (srcUser)
                    for (int i = 0; i < m_topo.nodes.size(); ++i)
                        if (!m_topo.nodes[i].isTagged() && m_topo.nodes[i].userId == *srcUser)
                            matched.append(i);
            } else {
                matched = m_compiler.matchNodes(d);
            }
            if (matched.isEmpty())
                problems << QStringLiteral("%1: dst alias %2 resolved to no nodes").arg(where, q(d.text));
            for (int n : matched)
                if (!dstNodes.contains(n))
                    dstNodes.append(n);
        }

        enum class Want { Accept, Deny, Check };
        auto assertUsers = [&](const QStringList& users, Want want) {
            for (const QString& user : users) {
                for (int n : dstNodes) {
                    const QJsonObject pol = m_compiler.sshPolicyFor(m_topo.nodes[n]);
                    for (const QString& ip : srcIps) {
                        const Reach r = reachability(pol, ip, user);
                        const bool ok = want == Want::Accept ? r.accept : want == Want::Deny ? !r.accept : r.check;
                        if (ok)
                            continue;
                        const QString got = want == Want::Check && r.accept ? QStringLiteral("ALLOWED via accept") : r.accept ? QStringLiteral("ALLOWED") : QStringLiteral("DENIED");
                        const QString expected = want == Want::Accept ? QStringLiteral("ALLOWED") : want == Want::Deny ? QStringLiteral("DENIED") : QStringLiteral("ALLOWED via check");
                        problems << QStringLiteral("%1: %2/%3 -> %4: expected %5, got %6").arg(where, t.src, user, m_topo.nodes[n].name, expected, got);
                        break;
                    }
                }
            }
        };
        assertUsers(t.accept, Want::Accept);
        assertUsers(t.deny, Want::Deny);
        assertUsers(t.check, Want::Check);
    }
    return problems;
}

} // namespace keel::policy
