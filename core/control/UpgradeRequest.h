#pragma once

#include "http/HttpRequest.h"

#include <QByteArray>

namespace keel::control {

// What an HTTP/1.1 request to /ts2021 asks for, decided before the connection is taken over
// (control.md 2.2, 2.3; controlhttpserver.AcceptHTTP and Headscale's NoiseUpgradeHandler).
// Pure: no socket, no crypto beyond base64; the fuzzer drives it directly.
struct UpgradeRequest {
    enum class Kind {
        Reject,          // answer `status` with `text` (HTTP error before any upgrade)
        Native,          // Upgrade: tailscale-control-protocol, initiation in X-Tailscale-Handshake
        WebSocket,       // Upgrade: websocket with the control subprotocol and the handshake parameter
        WebSocketReject, // a valid WebSocket that Go accepts and then closes (1008) with `text`
    };

    Kind kind = Kind::Reject;
    int status = 400;
    QByteArray text;               // error text (Go's wording)
    QByteArray initiation;         // decoded handshake bytes (length not yet checked: the responder does)
    QByteArray webSocketAccept;    // Sec-WebSocket-Accept value
    bool subprotocolOffered = false;

    static constexpr const char* kProtocol = "tailscale-control-protocol";
    static constexpr const char* kHandshakeHeader = "X-Tailscale-Handshake";

    static UpgradeRequest parse(const http::HttpRequest& request);
};

} // namespace keel::control
