#include "http/ClientAddress.h"

#include <QList>
#include <QPair>
#include <QReadWriteLock>

namespace keel::http {

namespace {

using Prefix = QPair<QHostAddress, int>;

QReadWriteLock& lock()
{
    static QReadWriteLock l;
    return l;
}

QList<Prefix>& prefixes()
{
    static QList<Prefix> p;
    return p;
}

QStringList& prefixText()
{
    static QStringList t;
    return t;
}

// IPv4-mapped IPv6 peers (a dual-stack listener) compare as their IPv4 form.
QHostAddress normalized(const QHostAddress& a)
{
    bool ok = false;
    const quint32 v4 = a.toIPv4Address(&ok);
    return ok ? QHostAddress(v4) : a;
}

bool trusted(const QHostAddress& peer)
{
    const QHostAddress p = normalized(peer);
    for (const Prefix& prefix : prefixes())
        if (p.isInSubnet(prefix))
            return true;
    return false;
}

// One address from a header value: "198.51.100.7", "[2001:db8::1]", "2001:db8::1", and
// "198.51.100.7:4321" or "[2001:db8::1]:4321" as some proxies write it.
QHostAddress parseOne(QByteArray text)
{
    text = text.trimmed();
    if (text.startsWith('[')) {
        const qsizetype close = text.indexOf(']');
        if (close < 0)
            return {};
        text = text.mid(1, close - 1);
    } else if (text.count(':') == 1) {
        text = text.left(text.indexOf(':'));
    }
    QHostAddress a;
    if (text.isEmpty() || !a.setAddress(QString::fromLatin1(text)))
        return {};
    return normalized(a);
}

} // namespace

void ClientAddress::setTrustedProxies(const QStringList& list)
{
    QList<Prefix> parsed;
    QStringList text;
    for (const QString& entry : list) {
        Prefix p = QHostAddress::parseSubnet(entry.trimmed());
        if (p.first.isNull()) {
            QHostAddress host;
            if (!host.setAddress(entry.trimmed()))
                continue;
            p = {host, host.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32};
        }
        p.first = normalized(p.first);
        if (p.first.protocol() == QAbstractSocket::IPv4Protocol && p.second > 32)
            p.second -= 96;   // "::ffff:10.0.0.0/104" style
        parsed << p;
        text << entry.trimmed();
    }
    QWriteLocker locker(&lock());
    prefixes() = parsed;
    prefixText() = text;
}

QStringList ClientAddress::trustedProxies()
{
    QReadLocker locker(&lock());
    return prefixText();
}

bool ClientAddress::isTrustedProxy(const QHostAddress& peer)
{
    QReadLocker locker(&lock());
    return trusted(peer);
}

QString ClientAddress::sourceKey(const QHostAddress& address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).toString();
    Q_IPV6ADDR prefix = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        prefix[i] = 0;
    return QHostAddress(prefix).toString() + QStringLiteral("/64");
}

QHostAddress ClientAddress::of(const HttpRequest& request)
{
    QReadLocker locker(&lock());
    if (request.transport == Transport::UnixSocket || !trusted(request.peerAddress))
        return request.peerAddress;
    // X-Forwarded-For lists every hop, the client first; each proxy appends the address it saw.
    // Walk from the right and skip our own proxies: the first address that is not one of them is
    // the client. (The left-most entry is whatever the client chose to send and cannot be believed.)
    const QByteArray xff = request.header("X-Forwarded-For");
    if (!xff.isEmpty()) {
        const QList<QByteArray> hops = xff.split(',');
        for (qsizetype i = hops.size() - 1; i >= 0; --i) {
            const QHostAddress hop = parseOne(hops.at(i));
            if (hop.isNull())
                break;   // a garbled chain: trust nothing left of it
            if (!trusted(hop) || i == 0)
                return hop;
        }
    }
    for (const QByteArray& name : {QByteArrayLiteral("X-Real-IP"), QByteArrayLiteral("True-Client-IP")}) {
        const QHostAddress a = parseOne(request.header(name));
        if (!a.isNull())
            return a;
    }
    return request.peerAddress;
}

QByteArray ClientAddress::scheme(const HttpRequest& request)
{
    const QByteArray own = request.transport == Transport::Tls ? QByteArrayLiteral("https") : QByteArrayLiteral("http");
    if (request.transport == Transport::UnixSocket || !isTrustedProxy(request.peerAddress))
        return own;
    const QByteArray forwarded = request.header("X-Forwarded-Proto").split(',').first().trimmed().toLower();
    return forwarded == "https" || forwarded == "http" ? forwarded : own;
}

QString ClientAddress::describe(const HttpRequest& request)
{
    const QHostAddress client = of(request);
    if (client == request.peerAddress)
        return client.toString();
    return client.toString() + QStringLiteral(" via ") + request.peerAddress.toString();
}

} // namespace keel::http
