#pragma once

#include "policy/IpSet.h"

#include <QString>
#include <optional>

namespace keel::policy {

// One entry of a src/dst/owner/target list, classified by the grammar of spec C.3.
struct Alias {
    enum class Kind {
        Wildcard,      // *
        User,          // alice@, alice@example.com (name holds the token without one trailing @)
        Group,         // group:x
        Tag,           // tag:x
        Host,          // a name from "hosts"
        Prefix,        // 10.0.0.1, 10.0.0.0/8, fd7a::1
        AutoMember,    // autogroup:member
        AutoTagged,    // autogroup:tagged
        AutoSelf,      // autogroup:self
        AutoInternet,  // autogroup:internet
        AutoNonroot,   // autogroup:nonroot (SSH users only)
        AutoDangerAll, // autogroup:danger-all
        UserDomain,    // user:*@example.com: every user whose email is in that domain (name = domain)
        AutoAdmin,     // autogroup:admin: nodes of the tailnet's admins (nodeAttrs targets only)
        AutoOwner,     // autogroup:owner: nodes of the tailnet's owner (nodeAttrs targets only)
        ProviderGroup, // oidcgroup:<name>: users whose last OIDC login named group <name> (name = <name>)
    };
    Kind kind = Kind::Wildcard;
    QString text; // as written (trimmed), for messages
    QString name; // user token / group / tag / host name
    IpPrefix prefix;

    bool isAutogroup() const { return text.startsWith(QLatin1String("autogroup:")); }

    // Parses one alias. On error returns nullopt and sets `error` (Tailscale's wording).
    static std::optional<Alias> parse(const QString& text, QString* error);
};

} // namespace keel::policy
