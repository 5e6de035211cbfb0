#include "derp/DerpClient.h"

#include "common/Log.h"
#include "derp/MetaCertificate.h"
#include "derp/NaclBox.h"
#include "http/DirectWrite.h"
#include "http/WebSocketHandshake.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace keel::derp {

namespace {
constexpr qsizetype MaxHttpResponseHead = 16 * 1024;
}

DerpClient::DerpClient(const crypto::NodePrivate& key, QObject* parent)
    : QObject(parent)
    , m_key(key)
    , m_publicKey(key.publicKey())
{
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] { fail(QStringLiteral("connect timed out")); });
}

DerpClient::~DerpClient()
{
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        delete m_socket;
    }
}

void DerpClient::connectToServer(const QUrl& url)
{
    m_url = url;
    const bool tls = url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("wss");
    if (url.scheme() == QLatin1String("ws") || url.scheme() == QLatin1String("wss"))
        m_ws.emplace(http::WebSocketFramer::Role::Client);
    QTcpSocket* socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
    m_socket = socket;
    m_state = State::Connecting;
    connect(socket, &QIODevice::readyRead, this, &DerpClient::onReadyRead);
    connect(socket, &QIODevice::bytesWritten, this, [this] {
        if (m_state == State::Connected)
            emit writable();
    });
    connect(socket, &QAbstractSocket::disconnected, this, [this] { fail(QStringLiteral("server closed the connection")); });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket)
            fail(m_socket->errorString());
    });
    m_connectTimer.start(m_options.connectTimeoutMs);
    const quint16 port = quint16(url.port(tls ? 443 : 80));
    if (auto* ssl = qobject_cast<QSslSocket*>(socket)) {
        if (m_options.ignoreTlsErrors)
            ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        connect(ssl, &QSslSocket::encrypted, this, &DerpClient::onTransportReady);
        connect(ssl, &QSslSocket::sslErrors, this, [this, ssl](const QList<QSslError>& errors) {
            if (m_options.ignoreTlsErrors)
                ssl->ignoreSslErrors(errors);
        });
        ssl->connectToHostEncrypted(url.host(), port);
    } else {
        connect(socket, &QAbstractSocket::connected, this, &DerpClient::onTransportReady);
        socket->connectToHost(url.host(), port);
    }
}

void DerpClient::onTransportReady()
{
    if (auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data()))
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    QString host = m_url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    if (m_url.port() > 0)
        host += QLatin1Char(':') + QString::number(m_url.port());
    const QString path = m_url.path().isEmpty() || m_url.path() == QLatin1String("/") ? QStringLiteral("/derp") : m_url.path();
    QByteArray request = "GET " + path.toUtf8() + " HTTP/1.1\r\nHost: " + host.toUtf8() + "\r\nUser-Agent: keel-derp-client\r\n";
    if (m_ws) {
        m_webSocketKey = http::WebSocketHandshake::newKey();
        request += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + m_webSocketKey
            + "\r\nSec-WebSocket-Protocol: derp\r\n\r\n";
        m_state = State::AwaitingHttp;
        m_socket->write(request);
        return;
    }
    request += "Upgrade: DERP\r\nConnection: Upgrade\r\n";
    // Fast start (derphttp): only on TLS 1.3 and only with the key from the meta certificate.
    auto* ssl = qobject_cast<QSslSocket*>(m_socket.data());
    const auto meta = ssl && m_options.fastStart && ssl->sessionProtocol() == QSsl::TlsV1_3
        ? MetaCertificate::find(ssl->peerCertificateChain())
        : std::nullopt;
    if (meta && meta->protocolVersion >= ProtocolVersion) {
        m_fastStart = true;
        m_serverKey = meta->serverKey;
        // The request and ClientInfo leave together; the ServerKey frame that follows is skipped.
        m_state = State::AwaitingServerInfo;
        m_socket->write(request + "Derp-Fast-Start: 1\r\n\r\n" + clientInfoFrame());
        return;
    }
    m_state = State::AwaitingHttp;
    m_socket->write(request + "\r\n");
}

QByteArray DerpClient::clientInfoFrame() const
{
    ClientInfo info;
    info.version = ProtocolVersion;
    info.meshKey = m_options.meshKey;
    info.canAckPings = m_options.canAckPings;
    info.isProber = m_options.isProber;
    QByteArray payload = m_publicKey.toByteArray();
    payload += NaclBox::seal(info.toJson(), m_key.raw(), m_serverKey.raw());
    return FrameCodec::frame(FrameType::ClientInfo, payload);
}

bool DerpClient::readHttpResponse()
{
    const qsizetype end = m_httpBuffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_httpBuffer.size() > MaxHttpResponseHead)
            fail(QStringLiteral("HTTP response head too large"));
        return false;
    }
    const QByteArray statusLine = m_httpBuffer.left(m_httpBuffer.indexOf("\r\n"));
    const QList<QByteArray> parts = statusLine.split(' ');
    if (parts.size() < 2 || !parts[0].startsWith("HTTP/1.") || parts[1] != "101") {
        fail(QStringLiteral("server answered %1 instead of 101").arg(QString::fromLatin1(statusLine.left(100))));
        return false;
    }
    if (m_ws) {
        // RFC 6455 4.1: the accept value must match our key, and the server must pick "derp".
        QByteArray accept, protocol;
        for (const QByteArray& line : m_httpBuffer.left(end).split('\n').mid(1)) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            if (name == "sec-websocket-accept")
                accept = line.mid(colon + 1).trimmed();
            else if (name == "sec-websocket-protocol")
                protocol = line.mid(colon + 1).trimmed();
        }
        if (accept != http::WebSocketHandshake::acceptFor(m_webSocketKey) || protocol != "derp") {
            fail(QStringLiteral("bad WebSocket handshake answer (accept %1, protocol %2)")
                     .arg(QString::fromLatin1(accept), QString::fromLatin1(protocol)));
            return false;
        }
    }
    QByteArray rest = m_httpBuffer.mid(end + 4);
    m_httpBuffer.clear();
    m_state = State::AwaitingServerKey;
    if (!unwrap(rest))
        return false;
    m_reader.feed(rest);
    return true;
}

void DerpClient::setReceivePaused(bool paused)
{
    m_paused = paused;
    if (auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data()))
        tcp->setReadBufferSize(paused ? 1 : 0);
    if (!paused)
        QMetaObject::invokeMethod(this, &DerpClient::onReadyRead, Qt::QueuedConnection);
}

void DerpClient::onReadyRead()
{
    if (!m_socket || m_paused)
        return;
    QByteArray bytes = m_socket->readAll();
    if (m_state == State::AwaitingHttp) {
        m_httpBuffer += bytes;
        if (!readHttpResponse())
            return;
    } else if (m_state == State::Closed || m_state == State::Idle) {
        return;
    } else {
        if (!unwrap(bytes))
            return;
        m_reader.feed(bytes);
    }
    Frame frame;
    for (;;) {
        const auto result = m_reader.next(&frame);
        if (result == FrameReader::Result::NeedMore)
            return;
        if (result == FrameReader::Result::Error) {
            fail(m_reader.error());
            return;
        }
        if (!handleFrame(frame) || m_state == State::Closed)
            return;
    }
}

bool DerpClient::handleFrame(const Frame& frame)
{
    if (m_state == State::AwaitingServerKey) {
        const auto key = frame.type == FrameType::ServerKey ? FrameCodec::parseServerKey(frame.payload) : std::nullopt;
        if (!key) {
            fail(QStringLiteral("expected a valid ServerKey frame"));
            return false;
        }
        m_serverKey = *key;
        m_state = State::AwaitingServerInfo;
        return write(clientInfoFrame());
    }
    if (m_state == State::AwaitingServerInfo) {
        if (frame.type != FrameType::ServerInfo)
            return true;   // e.g. a KeepAlive cannot come first, but nothing forbids ignoring it
        const auto plain = NaclBox::open(frame.payload, m_key.raw(), m_serverKey.raw());
        QString error;
        const auto info = plain ? ServerInfo::fromJson(*plain, &error) : std::nullopt;
        if (!info) {
            fail(QStringLiteral("bad ServerInfo: %1").arg(plain ? error : QStringLiteral("box does not open")));
            return false;
        }
        m_serverInfo = *info;
        m_state = State::Connected;
        m_connectTimer.stop();
        emit connected();
        return true;
    }
    switch (frame.type) {
    case FrameType::RecvPacket: {
        const auto packet = FrameCodec::parseKeyedPacket(frame.payload);
        if (!packet) {
            fail(QStringLiteral("malformed RecvPacket"));
            return false;
        }
        emit packetReceived(packet->key, packet->packet);
        return true;
    }
    case FrameType::KeepAlive:
        emit keepAliveReceived();
        return true;
    case FrameType::PeerGone: {
        const auto gone = FrameCodec::parsePeerGone(frame.payload);
        if (!gone) {
            fail(QStringLiteral("malformed PeerGone"));
            return false;
        }
        emit peerGone(gone->peer, gone->reason);
        return true;
    }
    case FrameType::PeerPresent: {
        const auto present = FrameCodec::parsePeerPresent(frame.payload);
        if (!present) {
            fail(QStringLiteral("malformed PeerPresent"));
            return false;
        }
        emit peerPresent(*present);
        return true;
    }
    case FrameType::Ping:
        if (frame.payload.size() < qsizetype(PingLength)) {
            fail(QStringLiteral("short Ping"));
            return false;
        }
        if (m_options.canAckPings)
            write(FrameCodec::frame(FrameType::Pong, QByteArrayView(frame.payload).first(PingLength)));
        emit pingReceived(frame.payload.left(PingLength));
        return true;
    case FrameType::Pong:
        emit pongReceived(frame.payload.left(PingLength));
        return true;
    case FrameType::Health:
        m_health = QString::fromUtf8(frame.payload);
        emit healthReceived(m_health);
        return true;
    case FrameType::Restarting: {
        const auto restart = FrameCodec::parseRestarting(frame.payload);
        if (restart)
            emit restartingReceived(restart->reconnectInMs, restart->tryForMs);
        return true;
    }
    default:
        return true;   // ServerKey again (fast start) and unknown types are ignored
    }
}

bool DerpClient::unwrap(QByteArray& bytes)
{
    if (!m_ws)
        return true;
    const bool ok = m_ws->feed(bytes);
    const QByteArray replies = m_ws->takeReplies();
    if (!replies.isEmpty() && m_socket)
        m_socket->write(replies);
    bytes = m_ws->takeData();
    if (!ok) {
        fail(QStringLiteral("websocket: %1").arg(m_ws->errorString()));
        return false;
    }
    if (m_ws->peerClosed()) {
        // What came before the close still counts; the caller handles it, the next read fails.
        QMetaObject::invokeMethod(this, [this] { fail(QStringLiteral("server closed the WebSocket")); }, Qt::QueuedConnection);
    }
    return true;
}

void DerpClient::fail(const QString& reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_connectTimer.stop();
    if (m_socket) {
        QIODevice* socket = m_socket;
        m_socket = nullptr;
        disconnect(socket, nullptr, this, nullptr);
        if (auto* tcp = qobject_cast<QAbstractSocket*>(socket))
            tcp->abort();
        socket->deleteLater();
    }
    qCDebug(lcDerp).noquote() << "DERP client" << m_url.toString() << "closed:" << reason;
    emit disconnected(reason);
}

void DerpClient::close()
{
    fail(QStringLiteral("closed by caller"));
}

qint64 DerpClient::bytesToWrite() const
{
    return http::unsentBytes(m_socket.data());
}

bool DerpClient::write(QByteArrayView bytes)
{
    if (!m_socket)
        return false;
    if (m_ws) {
        const QByteArray wire = m_ws->binaryStream(bytes);
        return m_socket->write(wire) == wire.size();
    }
    return m_socket->write(bytes.data(), bytes.size()) == bytes.size();
}

bool DerpClient::sendPacket(const crypto::NodePublic& dst, QByteArrayView packet)
{
    if (m_state != State::Connected || packet.size() > qsizetype(MaxPacketSize))
        return false;
    QByteArray frame;
    FrameCodec::appendKeyed(frame, FrameType::SendPacket, dst.raw(), packet);
    return write(frame);
}

bool DerpClient::forwardPacket(const crypto::NodePublic& src, const crypto::NodePublic& dst, QByteArrayView packet)
{
    if (m_state != State::Connected || packet.size() > qsizetype(MaxPacketSize))
        return false;
    return write(FrameCodec::forwardPacket(src, dst, packet));
}

bool DerpClient::notePreferred(bool preferred)
{
    const char b = preferred ? 1 : 0;
    return m_state == State::Connected && write(FrameCodec::frame(FrameType::NotePreferred, QByteArrayView(&b, 1)));
}

bool DerpClient::sendPing(const QByteArray& data8)
{
    return m_state == State::Connected && data8.size() == qsizetype(PingLength) && write(FrameCodec::frame(FrameType::Ping, data8));
}

bool DerpClient::watchConns()
{
    return m_state == State::Connected && write(FrameCodec::frame(FrameType::WatchConns));
}

bool DerpClient::closePeer(const crypto::NodePublic& key)
{
    return m_state == State::Connected && write(FrameCodec::frame(FrameType::ClosePeer, key.toByteArray()));
}

bool DerpClient::sendRawFrame(quint8 type, QByteArrayView payload)
{
    return sendRaw(FrameCodec::frame(FrameType(type), payload));
}

bool DerpClient::sendRaw(QByteArrayView bytes)
{
    return m_state != State::Closed && write(bytes);
}

} // namespace keel::derp
