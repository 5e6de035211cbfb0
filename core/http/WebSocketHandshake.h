#pragma once

#include "http/HttpRequest.h"

#include <QByteArray>

namespace keel::http {

// The opening handshake of RFC 6455 (4.1, 4.2): the checks a server makes on the upgrade request
// (those of coder/websocket's Accept, which Tailscale's servers use) and the key/accept pair both
// sides compute. Socket-free; ts2021 (control/UpgradeRequest) and DERP (derp/DerpServer) share it.
struct WebSocketHandshake
{
    bool ok = false;
    int status = 400;         // when !ok: the HTTP status to answer with
    QByteArray error;         // when !ok: Go's wording
    QByteArray accept;        // when ok: the Sec-WebSocket-Accept value

    // Method, Connection: upgrade, version 13 and a 16-byte base64 key (the caller has already
    // seen `Upgrade: websocket`).
    static WebSocketHandshake check(const HttpRequest& request);
    // base64(SHA-1(key + GUID)).
    static QByteArray acceptFor(const QByteArray& key);
    // A fresh random Sec-WebSocket-Key for a client.
    static QByteArray newKey();
};

} // namespace keel::http
