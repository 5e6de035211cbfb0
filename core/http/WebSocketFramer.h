#pragma once

#include <QByteArray>
#include <QString>

namespace keel::http {

// The RFC 6455 data framing, just enough for a byte stream carried in binary messages: ts2021
// over WebSocket (control.md 2.3) and DERP over WebSocket (spec A.2.3). Message boundaries mean
// nothing; ping/pong/close are answered; text, fragmented control frames, reserved bits and (on
// the server) unmasked client frames are protocol errors. Socket-free, so fuzzers drive it.
//
// We frame ourselves instead of using QWebSocketServer::handleConnection() because our HTTP
// server has already read the upgrade request off the socket: Qt's handler would want to read it
// again. The handshake answer itself is a plain HttpResponse (see UpgradeRequest).
class WebSocketFramer {
public:
    enum class Role { Server, Client };
    enum Opcode : unsigned char { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xa };

    static constexpr qint64 kMaxFramePayload = 1 << 20; // Noise records are <= 4 KiB, DERP frames 64 KiB
    // Go's coder/websocket refuses messages above 32 KiB unless told otherwise (its default read
    // limit), and tailscale's DERP and control clients keep that default: split longer writes.
    static constexpr qsizetype kMaxOutgoingMessage = 32768;

    explicit WebSocketFramer(Role role) : m_role(role) {}

    // Bytes from the socket. Returns false once the peer broke the protocol (sticky); then
    // takeReplies() holds the close frame to send before closing.
    bool feed(QByteArrayView bytes);
    // The payload of binary messages received so far (the carried byte stream).
    QByteArray takeData() { return std::exchange(m_data, {}); }
    // Frames this side owes the peer (pong, close echo, close on error).
    QByteArray takeReplies() { return std::exchange(m_replies, {}); }
    bool peerClosed() const { return m_peerClosed; }
    bool failed() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    // One frame with FIN set, masked when this side is the client.
    QByteArray frame(Opcode opcode, QByteArrayView payload) const;
    QByteArray binary(QByteArrayView payload) const { return frame(Binary, payload); }
    // `bytes` as binary messages of at most kMaxOutgoingMessage bytes each.
    QByteArray binaryStream(QByteArrayView bytes) const;
    QByteArray close(quint16 code, QByteArrayView reason) const;

private:
    bool fail(quint16 code, const QString& error);
    qsizetype failFrame(quint16 code, const QString& error) { fail(code, error); return -1; }
    // Parses one whole frame at the start of m_inbox; 0 = need more, -1 = error, else bytes used.
    qsizetype consumeFrame();

    Role m_role;
    QByteArray m_inbox;
    QByteArray m_data;
    QByteArray m_replies;
    bool m_peerClosed = false;
    bool m_closeSent = false;
    bool m_inMessage = false; // a fragmented binary message is open
    QString m_error;
};

} // namespace keel::http
