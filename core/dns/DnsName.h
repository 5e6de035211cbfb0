#pragma once

#include <QSet>
#include <QString>

#include <functional>

namespace keel::dns {

// MagicDNS labels (control.md 6.3). Labels are what a node's Name starts with; they are unique in
// the tailnet.
class DnsName
{
public:
    // Tailscale's SanitizeHostname: strip .local/.localdomain/.lan, lower-case ASCII, ' ', '.', '@'
    // and '_' become '-', anything else outside [a-z0-9-] disappears, no leading or trailing '-',
    // at most 63 bytes. An empty result becomes "node".
    static QString sanitize(const QString& hostname);

    // `label` if free, else the first free of label-1, label-2, ... (`taken` says whether a label
    // is used by another node). The suffix never pushes the label past 63 bytes.
    static QString unique(const QString& label, const std::function<bool(const QString&)>& taken);

    // Whether `label` is a valid DNS label as an admin may give it (rename).
    static bool isValidLabel(const QString& label);

    // "label.base." (or "label." without a base domain).
    static QString fqdn(const QString& label, const QString& baseDomain);
};

} // namespace keel::dns
