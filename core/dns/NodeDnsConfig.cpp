#include "dns/NodeDnsConfig.h"

#include <QJsonArray>
#include <QMap>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace keel::dns {

namespace {

const QString kNextDns = QStringLiteral("https://dns.nextdns.io");
const QString kAttrPrefix = QStringLiteral("nextdns:");
const QString kNoDeviceInfo = QStringLiteral("nextdns:no-device-info");

QString queryEscape(const QString& s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s, "-_.~").replace("%20", "+"));
}

QString queryUnescape(QString s)
{
    s.replace(QLatin1Char('+'), QLatin1Char(' '));
    return QUrl::fromPercentEncoding(s.toUtf8());
}

// Rewrites the Addr of each NextDNS resolver of one list with `fn`.
template <typename Fn>
QJsonArray rewrite(const QJsonArray& resolvers, Fn fn)
{
    QJsonArray out;
    for (const QJsonValue& v : resolvers) {
        QJsonObject r = v.toObject();
        const QString addr = r.value(QStringLiteral("Addr")).toString();
        if (NodeDnsConfig::isNextDnsAddr(addr))
            r.insert(QStringLiteral("Addr"), fn(addr));
        out.append(r);
    }
    return out;
}

template <typename Fn>
void rewriteAll(QJsonObject& dns, Fn fn)
{
    for (const QString& key : {QStringLiteral("Resolvers"), QStringLiteral("FallbackResolvers")})
        if (dns.contains(key))
            dns.insert(key, rewrite(dns.value(key).toArray(), fn));
    if (dns.contains(QStringLiteral("Routes"))) {
        QJsonObject routes = dns.value(QStringLiteral("Routes")).toObject();
        for (auto it = routes.begin(); it != routes.end(); ++it)
            if (!it.value().toArray().isEmpty())
                it.value() = rewrite(it.value().toArray(), fn);
        dns.insert(QStringLiteral("Routes"), routes);
    }
}

bool anyNextDns(const QJsonArray& resolvers)
{
    return std::any_of(resolvers.begin(), resolvers.end(), [](const QJsonValue& v) {
        return NodeDnsConfig::isNextDnsAddr(v.toObject().value(QStringLiteral("Addr")).toString());
    });
}

} // namespace

bool NodeDnsConfig::isNextDnsAddr(const QString& addr)
{
    // Anchored on the host, so https://dns.nextdns.io.attacker.example/ is not one (Headscale).
    return addr == kNextDns || addr.startsWith(kNextDns + QLatin1Char('/')) || addr.startsWith(kNextDns + QLatin1Char('?'));
}

bool NodeDnsConfig::hasNextDns(const QJsonObject& dns)
{
    if (anyNextDns(dns.value(QStringLiteral("Resolvers")).toArray()) || anyNextDns(dns.value(QStringLiteral("FallbackResolvers")).toArray()))
        return true;
    const QJsonObject routes = dns.value(QStringLiteral("Routes")).toObject();
    return std::any_of(routes.begin(), routes.end(), [](const QJsonValue& v) { return anyNextDns(v.toArray()); });
}

QString NodeDnsConfig::nextDnsProfile(const QStringList& capabilities)
{
    // Only characters a profile id has, so a policy cannot smuggle `?`, `/` or `..` into the URL.
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    QStringList candidates;
    for (const QString& cap : capabilities) {
        if (cap == kNoDeviceInfo || !cap.startsWith(kAttrPrefix))
            continue;
        const QString profile = cap.mid(kAttrPrefix.size());
        if (valid.match(profile).hasMatch())
            candidates << profile;
    }
    if (candidates.isEmpty())
        return {};
    std::sort(candidates.begin(), candidates.end());
    return candidates.first();
}

QString NodeDnsConfig::withQuery(const QString& url, const QList<QPair<QString, QString>>& params)
{
    QString base = url;
    QString fragment;
    if (const qsizetype hash = base.indexOf(QLatin1Char('#')); hash >= 0) {
        fragment = base.mid(hash);
        base.truncate(hash);
    }
    QMap<QString, QStringList> query;
    if (const qsizetype q = base.indexOf(QLatin1Char('?')); q >= 0) {
        for (const QString& pair : base.mid(q + 1).split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
            const qsizetype eq = pair.indexOf(QLatin1Char('='));
            const QString k = queryUnescape(eq < 0 ? pair : pair.left(eq));
            query[k].append(eq < 0 ? QString() : queryUnescape(pair.mid(eq + 1)));
        }
        base.truncate(q);
    }
    for (const auto& [k, v] : params)
        query[k] = QStringList{v};
    QStringList parts;
    for (auto it = query.cbegin(); it != query.cend(); ++it)
        for (const QString& v : it.value())
            parts << queryEscape(it.key()) + QLatin1Char('=') + queryEscape(v);
    return base + (parts.isEmpty() ? QString() : QLatin1Char('?') + parts.join(QLatin1Char('&'))) + fragment;
}

QJsonObject NodeDnsConfig::forNode(const QJsonObject& shared, const NodeDnsInfo& node)
{
    QJsonObject dns = shared;
    if (hasNextDns(shared)) {
        const QString profile = nextDnsProfile(node.capabilities);
        if (!profile.isEmpty())
            rewriteAll(dns, [&profile](const QString&) { return kNextDns + QLatin1Char('/') + profile; });
        if (!node.capabilities.contains(kNoDeviceInfo)) {
            QList<QPair<QString, QString>> params{{QStringLiteral("device_name"), node.hostname}};
            if (!node.os.isEmpty())
                params.append({QStringLiteral("device_model"), node.os});
            if (!node.firstIp.isEmpty())
                params.append({QStringLiteral("device_ip"), node.firstIp});
            rewriteAll(dns, [&params](const QString& addr) { return withQuery(addr, params); });
        }
    }
    if (!node.certDomain.isEmpty())
        dns.insert(QStringLiteral("CertDomains"), QJsonArray{node.certDomain});
    return dns;
}

} // namespace keel::dns
