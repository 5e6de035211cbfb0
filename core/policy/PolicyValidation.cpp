// PolicyParser::validate: the cross-reference and position checks of spec C.6 and C.11, run once
// the document decoded. Every problem is collected.
#include "policy/PolicyParser.h"

namespace keel::policy {

namespace {

using K = Alias::Kind;

QString q(const QString& s) { return QLatin1Char('"') + s + QLatin1Char('"'); }

bool isUserish(const Alias& a)
{
    return a.kind == K::User || a.kind == K::UserDomain || a.kind == K::Group || a.kind == K::ProviderGroup || a.kind == K::AutoMember;
}

// The tailscale.com capabilities a policy may grant (tailcfg/peercap names the grantable ones;
// Headscale's policy/v2 tailscaleCapAllowlist states SaaS's list, with setec's "secrets"). The
// companions drive-sharer and relay-target are not on it: the control plane generates them.
const QStringList kAllowedTailscaleCaps = {
    QStringLiteral("tailscale.com/cap/drive"),      QStringLiteral("tailscale.com/cap/relay"),
    QStringLiteral("tailscale.com/cap/webui"),      QStringLiteral("tailscale.com/cap/kubernetes"),
    QStringLiteral("tailscale.com/cap/tsidp"),      QStringLiteral("tailscale.com/cap/secrets"),
};

} // namespace

void PolicyParser::checkDomain(const QString& domain, const QString& where)
{
    // Exact comparison: Tailscale rejects "EXAMPLE.COM" for a tailnet on example.com.
    if (!m_tailnetDomains.isEmpty() && !m_tailnetDomains.contains(domain))
        error(QStringLiteral("%1: domain %2 is not associated with this tailnet (associated: %3)").arg(where, q(domain), m_tailnetDomains.join(QStringLiteral(", "))));
}

void PolicyParser::validate(Policy& p)
{
    // Groups: members are users (contain @); no nesting.
    for (auto it = p.groups.begin(); it != p.groups.end(); ++it) {
        for (const QString& m : it.value()) {
            if (m.startsWith(QLatin1String("group:")))
                error(QStringLiteral("groups[%1]: %2: group members cannot be recursive").arg(q(it.key()), q(m)));
            else if (!m.contains(QLatin1Char('@')))
                error(QStringLiteral("groups[%1]: username must contain @, got: %2").arg(q(it.key()), q(m)));
        }
    }
    // Tag owners: users, groups, tags; referenced tags and groups must exist.
    for (auto it = p.tagOwners.begin(); it != p.tagOwners.end(); ++it) {
        for (const Alias& o : it.value()) {
            if (o.kind == K::Tag && !p.tagOwners.contains(o.name))
                error(QStringLiteral("tag %1 references undefined tag %2").arg(q(it.key()), q(o.name)));
            else if (o.kind == K::Group && !p.groups.contains(o.name))
                error(QStringLiteral("group not defined in policy: %1").arg(q(o.name)));
            else if (o.kind != K::Tag && o.kind != K::Group && o.kind != K::User && o.kind != K::ProviderGroup)
                error(QStringLiteral("tagOwners[%1]: invalid owner %2").arg(q(it.key()), q(o.text)));
        }
    }

    auto checkSrc = [&](const Alias& a, bool ssh) {
        checkReference(a, p, QStringLiteral("src"));
        if (a.kind == K::UserDomain)
            checkDomain(a.name, q(a.text));
        if (a.kind == K::AutoSelf)
            error(QStringLiteral("\"autogroup:self\" not valid on the src side of a rule"));
        else if (a.kind == K::AutoInternet)
            error(QStringLiteral("autogroup:internet can only be used in ACL destinations"));
        else if (a.kind == K::AutoNonroot || (ssh && a.kind == K::AutoDangerAll))
            error(QStringLiteral("autogroup not supported for ACL sources: %1, can be [autogroup:member autogroup:tagged autogroup:danger-all]").arg(q(a.text)));
        else if (ssh && (a.kind == K::Wildcard || a.kind == K::Host || a.kind == K::Prefix))
            error(QStringLiteral("invalid src %1 in SSH rule").arg(q(a.text)));
    };
    auto checkDst = [&](const Alias& a) {
        checkReference(a, p, QStringLiteral("dst"));
        if (a.kind == K::UserDomain)
            checkDomain(a.name, q(a.text));
        if (a.kind == K::AutoDangerAll)
            error(QStringLiteral("cannot use autogroup:danger-all as a dst"));
        else if (a.kind == K::AutoNonroot)
            error(QStringLiteral("autogroup not supported for ACL destinations: %1").arg(q(a.text)));
    };
    auto checkSelf = [&](const QList<Alias>& src, const QList<Alias>& dst, bool allowWildcard) {
        bool self = false;
        for (const Alias& d : dst)
            self = self || d.kind == K::AutoSelf;
        if (!self)
            return;
        for (const Alias& s : src) {
            if (isUserish(s) || (allowWildcard && s.kind == K::Wildcard))
                continue;
            error(QStringLiteral("autogroup:self can only be used with users, groups, or supported autogroups"));
            return;
        }
    };

    for (const AclRule& r : p.acls) {
        for (const Alias& a : r.src)
            checkSrc(a, false);
        QList<Alias> dsts;
        for (const AclDestination& d : r.dst) {
            checkDst(d.alias);
            dsts.append(d.alias);
        }
        checkSelf(r.src, dsts, true);
    }

    for (const Grant& g : p.grants) {
        for (const Alias& a : g.src)
            checkSrc(a, false);
        for (const Alias& a : g.dst) {
            checkDst(a);
            if (a.kind == K::Prefix && a.prefix.bits == 0)
                error(QStringLiteral("dst %1: to allow all IP addresses, use \"*\" or \"autogroup:internet\"").arg(q(a.text)));
        }
        checkSelf(g.src, g.dst, false);
        if (!g.app.isEmpty())
            for (const Alias& a : g.dst)
                if (a.kind == K::AutoInternet)
                    error(QStringLiteral("cannot use app grants with autogroup:internet"));
        for (const QString& v : g.via) {
            if (!v.startsWith(QLatin1String("tag:")))
                error(QStringLiteral("via %1: only tags are supported").arg(q(v)));
            else if (!p.tagOwners.contains(v))
                error(QStringLiteral("tag %1 not found").arg(q(v)));
        }
        for (auto it = g.app.begin(); it != g.app.end(); ++it) {
            const QString& name = it.key();
            const int slash = name.indexOf(QLatin1Char('/'));
            if (slash <= 0 || name.contains(QLatin1String("://")))
                error(QStringLiteral("capability name %1 must be of the form {domain}/{path}").arg(q(name)));
            else if (name.left(slash) == QLatin1String("tailscale.com") && !kAllowedTailscaleCaps.contains(name))
                error(QStringLiteral("capability name %1 is not allowed: the tailscale.com domain is reserved").arg(q(name)));
            if (!it.value().isArray())
                error(QStringLiteral("capability %1: value must be an array").arg(q(name)));
        }
    }

    for (const SshRule& r : p.ssh) {
        for (const QString& u : r.users)
            if (u.startsWith(QLatin1String("localpart:*@")) && !u.mid(12).contains(QLatin1Char('@')))
                checkDomain(u.mid(12), q(u));
        bool srcTagged = false;
        for (const Alias& a : r.src) {
            checkSrc(a, true);
            srcTagged = srcTagged || a.kind == K::Tag || a.kind == K::AutoTagged;
        }
        for (const Alias& a : r.dst) {
            checkReference(a, p, QStringLiteral("dst"));
            switch (a.kind) {
            case K::Wildcard:
                error(QStringLiteral("wildcard (*) is not supported as SSH destination; use 'autogroup:member' for user-owned devices, 'autogroup:tagged' for tagged devices, or specific tags/users"));
                break;
            case K::Host:
            case K::Prefix:
            case K::Group:
            case K::ProviderGroup:
            case K::UserDomain:
            case K::AutoInternet:
            case K::AutoDangerAll:
            case K::AutoNonroot:
                error(QStringLiteral("invalid dst %1").arg(q(a.text)));
                break;
            case K::User:
                if (srcTagged)
                    error(QStringLiteral("tags in SSH source cannot access user-owned devices (%1); use autogroup:tagged or specific tags as destinations instead").arg(a.text));
                else if (r.src.size() != 1 || r.src.first().kind != K::User || r.src.first().name != a.name)
                    error(QStringLiteral("user destination requires source to contain only that same user %1; use autogroup:self instead for same-user SSH access").arg(q(a.text)));
                break;
            case K::AutoMember:
                if (srcTagged)
                    error(QStringLiteral("tags in SSH source cannot access autogroup:member (user-owned devices)"));
                break;
            case K::AutoSelf:
                if (srcTagged)
                    error(QStringLiteral("autogroup:self destination requires source to contain only users or groups, not tags or autogroup:tagged"));
                break;
            default:
                break;
            }
        }
    }

    for (const NodeAttr& a : p.nodeAttrs) {
        // ipPool (Tailscale's IP pool feature, kb/1304/ip-pool; the rule as Headscale's policy/v2
        // validateNodeAttrIPPool states SaaS's): each pool lies inside the CGNAT range
        // 100.64.0.0/10 and overlaps neither of the ranges Tailscale keeps for itself,
        // 100.100.100.0/24 (MagicDNS, TSMP) and 100.115.92.0/23 (Quad100 / ChromeOS).
        static const IpPrefix cgnat = *IpPrefix::parse(QStringLiteral("100.64.0.0/10"));
        static const QList<IpPrefix> reserved = {*IpPrefix::parse(QStringLiteral("100.100.100.0/24")),
                                                 *IpPrefix::parse(QStringLiteral("100.115.92.0/23"))};
        IpSet cgnatSet;
        cgnatSet.add(cgnat);
        for (const IpPrefix& pool : a.ipPool) {
            if (pool.addr.v6 || pool.bits < cgnat.bits || !cgnatSet.containsAll(pool)) {
                error(QStringLiteral("nodeAttrs ipPool must be within 100.64.0.0/10: %1").arg(q(pool.toString())));
                continue;
            }
            IpSet one;
            one.add(pool);
            for (const IpPrefix& r : reserved)
                if (one.overlaps(r))
                    error(QStringLiteral("nodeAttrs ipPool must not overlap reserved Tailscale ranges: %1 overlaps %2")
                              .arg(q(pool.toString()), q(r.toString())));
        }
        for (const Alias& t : a.target) {
            checkReference(t, p, QStringLiteral("target"));
            if (t.kind == K::AutoSelf || t.kind == K::AutoInternet || t.kind == K::AutoNonroot || t.kind == K::AutoDangerAll)
                error(QStringLiteral("nodeAttrs target %1 is not supported").arg(q(t.text)));
        }
    }

    validateTests(p);

    for (const auto& [prefix, approvers] : p.autoApproveRoutes)
        for (const Alias& a : approvers)
            checkReference(a, p, QStringLiteral("autoApprovers"));
    for (const Alias& a : p.autoApproveExitNode)
        checkReference(a, p, QStringLiteral("autoApprovers"));
    m_errors.removeDuplicates();
}

} // namespace keel::policy

namespace keel::policy {

void PolicyParser::validateTests(const Policy& p)
{
    // A `tests` entry is one connection attempt asserted allowed or denied (Tailscale's policy
    // tests; Headscale's validateTests states the shape SaaS enforces): it asserts something, and
    // its protocol is one that has ports (TCP, UDP, SCTP, or the default).
    for (int i = 0; i < p.tests.size(); ++i) {
        const AclTest& t = p.tests[i];
        if (t.accept.isEmpty() && t.deny.isEmpty())
            error(QStringLiteral("tests[%1]: a test must have at least one of \"accept\" or \"deny\"").arg(i));
        QString e;
        const auto proto = PortSpec::parseProtocol(t.proto, &e);
        if (!proto)
            error(QStringLiteral("tests[%1]: %2").arg(i).arg(e));
        else if (!proto->isEmpty() && (proto->size() != 1 || !PortSpec::supportsPorts(*proto)))
            error(QStringLiteral("tests[%1]: proto %2: a test's protocol must be tcp, udp, sctp, or empty").arg(i).arg(q(t.proto)));
    }
}

} // namespace keel::policy
