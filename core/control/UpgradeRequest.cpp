#include "control/UpgradeRequest.h"

#include "crypto/Ts2021.h"
#include "http/WebSocketHandshake.h"

#include <QUrl>

namespace keel::control {

namespace {

UpgradeRequest reject(int status, const QByteArray& text)
{
    UpgradeRequest r;
    r.kind = UpgradeRequest::Kind::Reject;
    r.status = status;
    r.text = text;
    return r;
}

// The WebSocket handshake checks (shared with DERP), then the control protocol's own.
UpgradeRequest parseWebSocket(const http::HttpRequest& request)
{
    const http::WebSocketHandshake h = http::WebSocketHandshake::check(request);
    if (!h.ok)
        return reject(h.status, h.error);

    UpgradeRequest r;
    r.kind = UpgradeRequest::Kind::WebSocket;
    r.status = 101;
    r.webSocketAccept = h.accept;
    r.subprotocolOffered = request.headerHasToken("Sec-WebSocket-Protocol", UpgradeRequest::kProtocol);
    if (!r.subprotocolOffered) {
        r.kind = UpgradeRequest::Kind::WebSocketReject;
        r.text = "client must speak the control subprotocol";
        return r;
    }
    const QByteArray b64 = request.query()
                               .queryItemValue(QString::fromLatin1(UpgradeRequest::kHandshakeHeader), QUrl::FullyDecoded)
                               .toLatin1();
    if (b64.isEmpty()) {
        r.kind = UpgradeRequest::Kind::WebSocketReject;
        r.text = "missing Tailscale handshake parameter";
        return r;
    }
    QString error;
    auto init = crypto::ts2021::decodeHandshakeHeader(b64, &error);
    if (!init) {
        r.kind = UpgradeRequest::Kind::WebSocketReject;
        r.text = "invalid tailscale handshake parameter";
        return r;
    }
    r.initiation = *init;
    return r;
}

} // namespace

UpgradeRequest UpgradeRequest::parse(const http::HttpRequest& request)
{
    const QByteArray next = request.header("Upgrade").trimmed().toLower();
    // Headscale answers a missing Upgrade this way (typically a reverse proxy that drops it)
    // before Tailscale's own "missing next protocol" check can run.
    if (next.isEmpty())
        return reject(500, "Internal error");
    if (next == "websocket")
        return parseWebSocket(request);
    if (next != kProtocol)
        return reject(400, "unknown next protocol");

    const QByteArray b64 = request.header(kHandshakeHeader).trimmed();
    if (b64.isEmpty())
        return reject(400, "missing Tailscale handshake header");
    QString error;
    auto init = crypto::ts2021::decodeHandshakeHeader(b64, &error);
    if (!init)
        return reject(400, "invalid tailscale handshake header");

    UpgradeRequest r;
    r.kind = Kind::Native;
    r.status = 101;
    r.initiation = *init;
    return r;
}

} // namespace keel::control
