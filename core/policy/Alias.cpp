#include "policy/Alias.h"

namespace keel::policy {

std::optional<Alias> Alias::parse(const QString& raw, QString* error)
{
    Alias a;
    a.text = raw.trimmed();
    const QString& s = a.text;
    if (s.isEmpty()) {
        *error = QStringLiteral("alias is empty");
        return std::nullopt;
    }
    if (const auto ip = IpAddress::parse(s)) {
        a.kind = Kind::Prefix;
        a.prefix = IpPrefix::host(*ip);
        return a;
    }
    if (s.contains(QLatin1Char('/'))) {
        if (const auto p = IpPrefix::parse(s)) {
            a.kind = Kind::Prefix;
            a.prefix = *p;
            return a;
        }
    }
    if (s == QLatin1String("*")) {
        a.kind = Kind::Wildcard;
        return a;
    }
    if (s.startsWith(QLatin1String("oidcgroup:"))) {
        // Keel's own: a group as the identity provider names it, verbatim (case, slashes and all;
        // Keycloak's are paths like "/eng"). Its own prefix, so a provider group can never stand in
        // for a "group:" the policy defines, nor the other way round.
        a.kind = Kind::ProviderGroup;
        a.name = s.mid(10);
        if (a.name.isEmpty()) {
            *error = QStringLiteral("invalid alias format: \"%1\", a provider group must be oidcgroup:<name>").arg(s);
            return std::nullopt;
        }
        return a;
    }
    if (s.startsWith(QLatin1String("user:"))) {
        // Tailscale's domain wildcard; only the `*` local part is defined.
        const QString rest = s.mid(5);
        if (!rest.startsWith(QLatin1String("*@")) || rest.size() < 3 || rest.mid(2).contains(QLatin1Char('@')) || rest.mid(2).contains(QLatin1Char('*'))) {
            *error = QStringLiteral("invalid alias format: \"%1\", a user wildcard must be user:*@<domain>").arg(s);
            return std::nullopt;
        }
        a.kind = Kind::UserDomain;
        a.name = rest.mid(2);
        return a;
    }
    if (s.contains(QLatin1Char('@'))) {
        a.kind = Kind::User;
        a.name = s.endsWith(QLatin1Char('@')) ? s.chopped(1) : s;
        if (a.name.isEmpty() || a.name.contains(QLatin1Char(':'))) {
            *error = QStringLiteral("invalid alias format: \"%1\"").arg(s);
            return std::nullopt;
        }
        return a;
    }
    if (s.startsWith(QLatin1String("group:"))) {
        a.kind = Kind::Group;
        a.name = s;
        return a;
    }
    if (s.startsWith(QLatin1String("tag:"))) {
        a.kind = Kind::Tag;
        a.name = s;
        return a;
    }
    if (s.startsWith(QLatin1String("autogroup:"))) {
        static const QList<QPair<QString, Kind>> groups = {
            {QStringLiteral("autogroup:internet"), Kind::AutoInternet},
            {QStringLiteral("autogroup:member"), Kind::AutoMember},
            {QStringLiteral("autogroup:nonroot"), Kind::AutoNonroot},
            {QStringLiteral("autogroup:tagged"), Kind::AutoTagged},
            {QStringLiteral("autogroup:self"), Kind::AutoSelf},
            {QStringLiteral("autogroup:danger-all"), Kind::AutoDangerAll},
            {QStringLiteral("autogroup:admin"), Kind::AutoAdmin},
            {QStringLiteral("autogroup:owner"), Kind::AutoOwner},
        };
        for (const auto& [name, kind] : groups) {
            if (s == name) {
                a.kind = kind;
                a.name = s;
                return a;
            }
        }
        *error = QStringLiteral("invalid autogroup: got \"%1\", must be one of [autogroup:internet autogroup:member "
                                "autogroup:nonroot autogroup:tagged autogroup:self autogroup:danger-all]")
                     .arg(s);
        return std::nullopt;
    }
    if (!s.contains(QLatin1Char(':'))) {
        a.kind = Kind::Host;
        a.name = s;
        return a;
    }
    *error = QStringLiteral("invalid alias format: \"%1\"").arg(s);
    return std::nullopt;
}

} // namespace keel::policy
