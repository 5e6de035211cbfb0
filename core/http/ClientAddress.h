#pragma once

#include "http/HttpRequest.h"

#include <QByteArray>
#include <QHostAddress>
#include <QStringList>

namespace keel::http {

// Who a request really comes from when Keel runs behind a reverse proxy (`trusted_proxies`).
// Only a connection whose TCP peer lies in one of the configured prefixes may name the client:
// X-Forwarded-For (the right-most address that is not itself a trusted proxy), else X-Real-IP,
// else True-Client-IP. From any other peer those headers are ignored, so a client cannot spoof its
// address by sending them. The list is process-wide: the server sets it at start and on reload.
class ClientAddress
{
public:
    // CIDR text ("127.0.0.1/32", "10.0.0.0/8", "::1/128"); a bare address means one host.
    // Entries that do not parse are skipped (the config validator refused them already).
    static void setTrustedProxies(const QStringList& prefixes);
    static QStringList trustedProxies();
    static bool isTrustedProxy(const QHostAddress& peer);

    // The client address of a connection before any request was read (no headers yet): the peer.
    static QHostAddress of(const QHostAddress& peer) { return peer; }
    // The client address of this request: the forwarded one when the peer is a trusted proxy and
    // sent a usable header, otherwise the TCP peer. Use this for logs, limits and audit records.
    static QHostAddress of(const HttpRequest& request);
    // The key per-source limits count under: an IPv4 address, or the /64 of an IPv6 address (one
    // host usually has a whole /64 to pick addresses from).
    static QString sourceKey(const QHostAddress& address);
    // "https"/"http" as the client used it: X-Forwarded-Proto from a trusted proxy, else the transport.
    static QByteArray scheme(const HttpRequest& request);
    // The address chain as a trusted proxy reported it (for logs): "198.51.100.7 via 127.0.0.1".
    static QString describe(const HttpRequest& request);
};

} // namespace keel::http
