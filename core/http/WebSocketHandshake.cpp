#include "http/WebSocketHandshake.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace keel::http {

namespace {

WebSocketHandshake refuse(int status, const QByteArray& error)
{
    WebSocketHandshake h;
    h.status = status;
    h.error = error;
    return h;
}

} // namespace

WebSocketHandshake WebSocketHandshake::check(const HttpRequest& request)
{
    if (request.method != "GET")
        return refuse(405, "WebSocket protocol violation: handshake request method is not GET");
    if (!request.headerHasToken("Connection", "upgrade"))
        return refuse(426, "WebSocket protocol violation: Connection header does not contain Upgrade");
    if (request.header("Sec-WebSocket-Version") != "13")
        return refuse(400, "unsupported WebSocket protocol version (only 13 is supported)");
    const QByteArray key = request.header("Sec-WebSocket-Key").trimmed();
    if (QByteArray::fromBase64(key).size() != 16)
        return refuse(400, "WebSocket protocol violation: invalid Sec-WebSocket-Key");
    WebSocketHandshake h;
    h.ok = true;
    h.status = 101;
    h.accept = acceptFor(key);
    return h;
}

QByteArray WebSocketHandshake::acceptFor(const QByteArray& key)
{
    return QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1).toBase64();
}

QByteArray WebSocketHandshake::newKey()
{
    QByteArray nonce(16, Qt::Uninitialized);
    QRandomGenerator::system()->generate(nonce.begin(), nonce.end());
    return nonce.toBase64();
}

} // namespace keel::http
