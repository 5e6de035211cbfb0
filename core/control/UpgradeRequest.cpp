#include "control/UpgradeRequest.h"

#include "crypto/Ts2021.h"

#include <QCryptographicHash>
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

// The WebSocket handshake checks of RFC 6455 4.2.1 (what coder/websocket's Accept verifies).
UpgradeRequest parseWebSocket(const http::HttpRequest& request)
{
    if (request.method != "GET")
        return reject(405, "WebSocket protocol violation: handshake request method is not GET");
    if (!request.headerHasToken("Connection", "upgrade"))
        return reject(426, "WebSocket protocol violation: Connection header does not contain Upgrade");
    if (request.header("Sec-WebSocket-Version") != "13")
        return reject(400, "unsupported WebSocket protocol version (only 13 is supported)");
    const QByteArray key = request.header("Sec-WebSocket-Key").trimmed();
    if (QByteArray::fromBase64(key).size() != 16)
        return reject(400, "WebSocket protocol violation: invalid Sec-WebSocket-Key");

    UpgradeRequest r;
    r.kind = UpgradeRequest::Kind::WebSocket;
    r.status = 101;
    r.webSocketAccept = UpgradeRequest::webSocketAcceptFor(key);
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

QByteArray UpgradeRequest::webSocketAcceptFor(const QByteArray& key)
{
    return QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1).toBase64();
}

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
