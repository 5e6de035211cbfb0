#include "dns/DnsName.h"

namespace keel::dns {

namespace {
constexpr int kMaxLabel = 63;
}

QString DnsName::sanitize(const QString& hostname)
{
    QString h = hostname.trimmed();
    for (const char* suffix : {".localdomain", ".local", ".lan"}) {
        if (h.endsWith(QLatin1String(suffix), Qt::CaseInsensitive)) {
            h.chop(int(qstrlen(suffix)));
            break;
        }
    }
    QString out;
    out.reserve(h.size());
    for (QChar c : h) {
        const char16_t u = c.unicode();
        if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9'))
            out.append(c);
        else if (u >= 'A' && u <= 'Z')
            out.append(QChar(u + ('a' - 'A')));
        else if (u == ' ' || u == '.' || u == '@' || u == '_' || u == '-')
            out.append(QLatin1Char('-'));
        // Everything else (punctuation, non-ASCII) disappears, as in Tailscale's sanitizer.
    }
    // Runs of separators collapse only at the ends: Tailscale keeps inner "--".
    while (out.startsWith(QLatin1Char('-')))
        out.remove(0, 1);
    if (out.size() > kMaxLabel)
        out.truncate(kMaxLabel);
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    if (out.isEmpty())
        return QStringLiteral("node");
    return out;
}

QString DnsName::unique(const QString& label, const std::function<bool(const QString&)>& taken)
{
    if (!taken(label))
        return label;
    for (int i = 1;; ++i) {
        const QString suffix = QLatin1Char('-') + QString::number(i);
        QString base = label.left(kMaxLabel - int(suffix.size()));
        while (base.endsWith(QLatin1Char('-')))
            base.chop(1);
        const QString candidate = base + suffix;
        if (!taken(candidate))
            return candidate;
    }
}

bool DnsName::isValidLabel(const QString& label)
{
    if (label.isEmpty() || label.size() > kMaxLabel)
        return false;
    if (label.startsWith(QLatin1Char('-')) || label.endsWith(QLatin1Char('-')))
        return false;
    for (QChar c : label) {
        const char16_t u = c.unicode();
        if (!((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-'))
            return false;
    }
    return true;
}

QString DnsName::fqdn(const QString& label, const QString& baseDomain)
{
    QString base = baseDomain;
    while (base.endsWith(QLatin1Char('.')))
        base.chop(1);
    if (base.isEmpty())
        return label + QLatin1Char('.');
    return label + QLatin1Char('.') + base + QLatin1Char('.');
}

} // namespace keel::dns
