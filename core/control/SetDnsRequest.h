#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace keel::control {

// A decoded tailcfg.SetDNSRequest (control.md 5.1), checked the way Tailscale's test control
// server checks it before it looks at the node: a JSON object, Type "TXT", non-empty Name and
// Value, a valid non-zero NodeKey. Unknown fields are ignored (Go).
struct SetDnsRequest
{
    int version = 0;
    QString nodeKey; // "nodekey:..."
    QString name;    // _acme-challenge.<cert domain>
    QString type;
    QString value;

    // nullopt with *error (the text of the 400 answer) for an unusable body.
    static std::optional<SetDnsRequest> parse(const QByteArray& body, QString* error);
    // The cert domain `name` asks for ("_acme-challenge." stripped, trailing dot ignored), or
    // empty when it is not an ACME challenge name.
    static QString challengedDomain(const QString& name);
};

} // namespace keel::control
