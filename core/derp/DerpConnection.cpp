#include "derp/DerpConnection.h"

#include "common/Log.h"
#include "derp/DerpServer.h"
#include "derp/FrameCodec.h"
#include "derp/NaclBox.h"
#include "http/DirectWrite.h"

#include <QAbstractSocket>
#include <QRandomGenerator>
#include <QSslSocket>

namespace keel::derp {

namespace {

// The largest payload the server accepts per frame type, checked before the payload is buffered.
quint32 serverLimit(quint8 type)
{
    switch (FrameType(type)) {
    case FrameType::ClientInfo: return MaxClientInfoLength;
    case FrameType::SendPacket: return KeyLength + MaxPacketSize;
    case FrameType::ForwardPacket: return 2 * KeyLength + MaxPacketSize;
    case FrameType::NotePreferred: return 1;
    case FrameType::WatchConns: return 0;
    case FrameType::ClosePeer: return KeyLength;
    case FrameType::Ping: return MaxPingLength;
    case FrameType::Pong: return MaxPingLength;
    default: return 2 * KeyLength + MaxPacketSize;   // unknown types are read and discarded
    }
}

constexpr qsizetype BatchBytes = 64 * 1024;
// With a receive limit, Qt may buffer only this much of the client's bytes: past it the kernel
// buffer fills and TCP flow control slows the sender, which is derper's back-pressure.
constexpr qint64 LimitedReadBuffer = 64 * 1024;

} // namespace

DerpConnection::DerpConnection(DerpServer& server, QIODevice* socket, const QHostAddress& address, quint16 port, quint64 id,
                               std::optional<http::WebSocketFramer> webSocket)
    : m_server(server)
    , m_socket(socket)
    , m_address(address)
    , m_port(port)
    , m_id(id)
    , m_reader(serverLimit)
    , m_ws(std::move(webSocket))
    , m_data(server.options().queueDepth)
    , m_disco(server.options().queueDepth)
{
    socket->setParent(this);
    m_notHereClock.start();
    m_limiterClock.start();
    connect(socket, &QIODevice::readyRead, this, &DerpConnection::onReadyRead);
    connect(socket, &QIODevice::bytesWritten, this, &DerpConnection::onBytesWritten);
    if (auto* ssl = qobject_cast<QSslSocket*>(socket))
        connect(ssl, &QSslSocket::encryptedBytesWritten, this, &DerpConnection::onBytesWritten);
    if (auto* tcp = qobject_cast<QAbstractSocket*>(socket)) {
        connect(tcp, &QAbstractSocket::disconnected, this, [this] { close(QStringLiteral("peer closed")); });
        connect(tcp, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
            if (m_socket)
                close(QStringLiteral("socket error: %1").arg(m_socket->errorString()));
        });
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    }
    m_handshakeTimer.setSingleShot(true);
    connect(&m_handshakeTimer, &QTimer::timeout, this, [this] { protocolError(QStringLiteral("handshake timed out")); });
    m_keepAliveTimer.setSingleShot(true);
    connect(&m_keepAliveTimer, &QTimer::timeout, this, &DerpConnection::sendKeepAlive);
    m_rateTimer.setSingleShot(true);
    m_rateTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_rateTimer, &QTimer::timeout, this, &DerpConnection::resumeAfterRateLimit);
    m_writeTimer.setSingleShot(true);
    connect(&m_writeTimer, &QTimer::timeout, this, [this] {
        m_server.countDrop(DropReason::WriteError, false, int(queuedPackets()));
        m_data.clear();
        m_disco.clear();
        close(QStringLiteral("write timed out"), true);
    });
}

DerpConnection::~DerpConnection()
{
    // A socket destroyed with us must not call back into a half-destroyed object.
    if (m_socket)
        disconnect(m_socket, nullptr, this, nullptr);
}

void DerpConnection::start(const QByteArray& buffered)
{
    m_handshakeTimer.start(m_server.options().handshakeTimeoutMs);
    writeOut(FrameCodec::serverKey(m_server.publicKey()));
    consume(buffered);
    if (!m_closed)
        onReadyRead();
}

void DerpConnection::writeOut(const QByteArray& bytes)
{
    if (!m_socket || bytes.isEmpty())
        return;
    // Over WebSocket the stream is cut into binary messages a Go client accepts (<= 32 KiB);
    // a DERP frame may straddle two messages, which wsconn's stream reader allows.
    m_socket->write(m_ws ? m_ws->binaryStream(bytes) : bytes);
}

void DerpConnection::onReadyRead()
{
    if (m_closed || !m_socket)
        return;
    // Paused by the receive limit: the bytes stay in the socket, so TCP slows the sender down.
    if (m_rateTimer.isActive())
        return;
    consume(m_socket->readAll());
}

void DerpConnection::consume(const QByteArray& bytes)
{
    if (bytes.isEmpty() && m_reader.buffered() == 0)
        return;
    bool peerClosed = false;
    if (m_ws) {
        const bool ok = m_ws->feed(bytes);
        const QByteArray replies = m_ws->takeReplies();   // pong, close echo, close on error
        if (!replies.isEmpty() && m_socket)
            m_socket->write(replies);
        if (!ok) {
            protocolError(QStringLiteral("websocket: %1").arg(m_ws->errorString()));
            return;
        }
        m_reader.feed(m_ws->takeData());
        peerClosed = m_ws->peerClosed();
    } else {
        m_reader.feed(bytes);
    }
    processFrames();
    if (peerClosed && !m_closed)
        close(QStringLiteral("websocket closed by peer"));
}

void DerpConnection::processFrames()
{
    Frame frame;
    while (!m_closed && !m_rateTimer.isActive()) {
        const FrameReader::Result result = m_reader.next(&frame);
        if (result == FrameReader::Result::NeedMore)
            return;
        if (result == FrameReader::Result::Error) {
            protocolError(m_reader.error());
            return;
        }
        // derper charges every frame after the handshake by its declared length and waits.
        if (m_limiter && m_registered) {
            const qint64 waitNs = m_limiter->reserve(frame.payload.size(), m_limiterClock.nsecsElapsed());
            if (waitNs > 0) {
                ++m_server.m_stats.rateLimitWaits;
                m_heldFrame = std::move(frame);
                m_rateTimer.start(int(std::max<qint64>(1, (waitNs + 999999) / 1000000)));
                return;
            }
        }
        if (!handleFrame(frame))
            return;
    }
}

void DerpConnection::resumeAfterRateLimit()
{
    if (m_closed)
        return;
    if (m_heldFrame) {
        const Frame frame = std::move(*m_heldFrame);
        m_heldFrame.reset();
        if (!handleFrame(frame) || m_closed)
            return;
    }
    processFrames();
    // Qt announces buffered bytes only once: pick up what arrived while we were paused.
    if (!m_closed && !m_rateTimer.isActive())
        onReadyRead();
}

void DerpConnection::setRateLimit(quint64 bytesPerSecond, quint64 burstBytes)
{
    auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data());
    if (m_meshPeer || bytesPerSecond == 0) {
        m_limiter.reset();
        if (tcp)
            tcp->setReadBufferSize(0);
        return;
    }
    m_limiter = std::make_unique<TokenBucket>(double(bytesPerSecond), double(burstBytes), m_limiterClock.nsecsElapsed());
    if (tcp)
        tcp->setReadBufferSize(LimitedReadBuffer);
}

void DerpConnection::setHealth(const QString& problem)
{
    if (problem == m_health)
        return;
    m_health = problem;
    enqueueControl(FrameCodec::frame(FrameType::Health, problem.toUtf8()));
}

bool DerpConnection::handleFrame(const Frame& frame)
{
    if (!m_registered)
        return handleClientInfo(frame);
    m_server.noteActivity(this);
    const QByteArrayView payload(frame.payload);
    switch (frame.type) {
    case FrameType::SendPacket: {
        if (payload.size() < KeyLength) {
            protocolError(QStringLiteral("short SendPacket"));
            return false;
        }
        const crypto::NodePublic dst = *crypto::NodePublic::fromBytes(payload.first(KeyLength));
        m_server.handleSendPacket(this, dst, payload.sliced(KeyLength));
        return true;
    }
    case FrameType::ForwardPacket: {
        if (!m_meshPeer) {
            protocolError(QStringLiteral("ForwardPacket without mesh privilege"));
            return false;
        }
        const auto forward = FrameCodec::parseForwardPacket(payload);
        if (!forward) {
            protocolError(QStringLiteral("malformed ForwardPacket"));
            return false;
        }
        m_server.handleForwardPacket(forward->src, forward->dst, forward->packet);
        return true;
    }
    case FrameType::NotePreferred:
        if (payload.size() != 1) {
            protocolError(QStringLiteral("NotePreferred must be 1 byte"));
            return false;
        }
        if (m_preferred != (payload[0] != 0)) {
            m_preferred = payload[0] != 0;
            m_server.notePreferredChanged(m_preferred);
        }
        return true;
    case FrameType::WatchConns:
        if (!m_meshPeer) {
            protocolError(QStringLiteral("WatchConns without mesh privilege"));
            return false;
        }
        m_server.addWatcher(this);
        return true;
    case FrameType::ClosePeer: {
        if (!m_meshPeer || payload.size() != KeyLength) {
            protocolError(m_meshPeer ? QStringLiteral("ClosePeer must be 32 bytes") : QStringLiteral("ClosePeer without mesh privilege"));
            return false;
        }
        m_server.closePeer(*crypto::NodePublic::fromBytes(payload));
        return true;
    }
    case FrameType::Ping:
        if (payload.size() < qsizetype(PingLength)) {
            protocolError(QStringLiteral("short Ping"));
            return false;
        }
        // One pending Pong at most: a client pinging faster than we write is ignored.
        if (m_pongPayload.isEmpty()) {
            m_pongPayload = payload.first(PingLength).toByteArray();
            drain();
        }
        return true;
    case FrameType::ClientInfo:
        protocolError(QStringLiteral("second ClientInfo"));
        return false;
    default:
        // Pong, and types this server does not know or that only flow server -> client: ignored,
        // as derper does, so newer clients keep working.
        return true;
    }
}

bool DerpConnection::handleClientInfo(const Frame& frame)
{
    if (frame.type != FrameType::ClientInfo) {
        protocolError(QStringLiteral("expected ClientInfo, got frame type 0x%1").arg(frame.rawType, 2, 16, QLatin1Char('0')));
        return false;
    }
    if (frame.payload.size() < qsizetype(MinClientInfoLength)) {
        protocolError(QStringLiteral("short ClientInfo"));
        return false;
    }
    m_key = *crypto::NodePublic::fromBytes(QByteArrayView(frame.payload).first(KeyLength));
    const auto plain = NaclBox::open(QByteArrayView(frame.payload).sliced(KeyLength), m_server.privateKey().raw(), m_key.raw());
    if (!plain) {
        protocolError(QStringLiteral("ClientInfo box does not open"));
        return false;
    }
    QString error;
    const auto info = ClientInfo::fromJson(*plain, &error);
    if (!info) {
        protocolError(QStringLiteral("ClientInfo JSON: %1").arg(error));
        return false;
    }
    m_info = *info;
    m_meshPeer = !m_info.meshKey.isEmpty() && m_server.isMeshKey(m_info.meshKey);
    if (!m_server.admit(this, m_info, &error)) {
        ++m_server.m_stats.rejectedConnections;
        qCInfo(lcDerp).noquote() << "rejecting" << m_key.toString() << "from" << m_address.toString() + QLatin1Char(':') << error;
        close(error);
        return false;
    }
    m_handshakeTimer.stop();
    m_registered = true;
    ServerInfo serverInfo;
    serverInfo.version = ProtocolVersion;
    writeOut(FrameCodec::frame(FrameType::ServerInfo, NaclBox::seal(serverInfo.toJson(), m_server.privateKey().raw(), m_key.raw())));
    m_server.registerClient(this);
    scheduleKeepAlive();
    return true;
}

void DerpConnection::enqueuePacket(const crypto::NodePublic& src, QByteArrayView packet, bool disco)
{
    if (m_closed) {
        m_server.countDrop(DropReason::GoneDisconnected, disco);
        return;
    }
    QByteArray frame;
    frame.reserve(FrameHeaderLength + KeyLength + packet.size());
    FrameCodec::appendKeyed(frame, FrameType::RecvPacket, src.raw(), packet);
    SendQueue& queue = disco ? m_disco : m_data;
    // Fast path: nothing queued and the socket has room, so write now (the socket batches writes
    // made in one event-loop turn into one send).
    if (queue.isEmpty() && m_control.isEmpty() && pendingBytes() < m_server.options().socketHighWaterBytes) {
        writeOut(frame);
        if (!m_writeTimer.isActive())
            m_writeTimer.start(m_meshPeer ? m_server.options().meshWriteTimeoutMs : m_server.options().writeTimeoutMs);
        return;
    }
    if (const int dropped = queue.push(std::move(frame)))
        m_server.countDrop(DropReason::QueueHead, disco, dropped);
    drain();
}

void DerpConnection::enqueueControl(QByteArray frame)
{
    if (m_closed)
        return;
    m_control.append(std::move(frame));
    drain();
}

qint64 DerpConnection::pendingBytes() const
{
    return http::unsentBytes(m_socket.data());
}

void DerpConnection::drain()
{
    if (m_closed || !m_socket || m_draining)
        return;
    m_draining = true;
    const qint64 highWater = m_server.options().socketHighWaterBytes;
    QByteArray batch;
    // Priority: control notices, pong, keep-alive, disco, data (small and urgent first).
    while (pendingBytes() + batch.size() < highWater) {
        if (!m_control.isEmpty())
            batch += m_control.takeFirst();
        else if (!m_pongPayload.isEmpty()) {
            FrameCodec::append(batch, FrameType::Pong, m_pongPayload);
            m_pongPayload.clear();
        } else if (m_keepAliveDue) {
            FrameCodec::append(batch, FrameType::KeepAlive, {});
            m_keepAliveDue = false;
        } else if (!m_disco.isEmpty())
            batch += m_disco.pop();
        else if (!m_data.isEmpty())
            batch += m_data.pop();
        else
            break;
        if (batch.size() >= BatchBytes) {
            writeOut(batch);
            batch.clear();
        }
    }
    if (!batch.isEmpty())
        writeOut(batch);
    m_draining = false;
    if (pendingBytes() > 0 && !m_writeTimer.isActive())
        m_writeTimer.start(m_meshPeer ? m_server.options().meshWriteTimeoutMs : m_server.options().writeTimeoutMs);
    if (m_closeAfterFlush && m_control.isEmpty() && m_data.isEmpty() && m_disco.isEmpty())
        close(QStringLiteral("closed by server"));
}

void DerpConnection::onBytesWritten()
{
    if (m_closed)
        return;
    if (pendingBytes() == 0)
        m_writeTimer.stop();
    else
        m_writeTimer.start();   // progress: the deadline starts over
    drain();
}

void DerpConnection::scheduleKeepAlive()
{
    const int jitter = m_server.options().keepAliveJitterMs > 0
        ? int(QRandomGenerator::global()->bounded(m_server.options().keepAliveJitterMs))
        : 0;
    m_keepAliveTimer.start(m_server.options().keepAliveMs + jitter);
}

void DerpConnection::sendKeepAlive()
{
    m_keepAliveDue = true;
    drain();
    scheduleKeepAlive();
}

bool DerpConnection::takeNotHereToken()
{
    m_notHereTokens = qMin(3.0, m_notHereTokens + double(m_notHereClock.restart()) / 1000.0);
    if (m_notHereTokens < 1.0)
        return false;
    m_notHereTokens -= 1.0;
    return true;
}

void DerpConnection::closeAfterFlush()
{
    m_closeAfterFlush = true;
    drain();
}

void DerpConnection::protocolError(const QString& reason)
{
    qCDebug(lcDerp).noquote() << "closing" << m_address.toString() << (m_registered ? m_key.toString() : QString()) << ":" << reason;
    if (!m_registered)
        ++m_server.m_stats.rejectedConnections;
    close(reason);
}

void DerpConnection::close(const QString& reason, bool abort)
{
    if (m_closed)
        return;
    m_closed = true;
    qCDebug(lcDerp).noquote() << "connection" << m_id << "closed:" << reason;
    m_handshakeTimer.stop();
    m_keepAliveTimer.stop();
    m_writeTimer.stop();
    m_rateTimer.stop();
    m_heldFrame.reset();
    const int lost = int(queuedPackets());
    if (lost > 0)
        m_server.countDrop(DropReason::GoneDisconnected, false, lost);
    m_data.clear();
    m_disco.clear();
    m_control.clear();
    if (m_socket) {
        QIODevice* socket = m_socket;
        m_socket = nullptr;
        disconnect(socket, nullptr, this, nullptr);
        // The socket outlives this object until what was handed to it (Restarting on shutdown)
        // is flushed; a peer that stalled, or one that never reads, is aborted.
        socket->setParent(nullptr);
        if (auto* tcp = qobject_cast<QAbstractSocket*>(socket)) {
            if (abort || tcp->state() == QAbstractSocket::UnconnectedState) {
                tcp->abort();
                tcp->deleteLater();
            } else {
                // A WebSocket ends with a close frame, unless the peer already hung up.
                if (m_ws && tcp->state() == QAbstractSocket::ConnectedState && tcp->error() == QAbstractSocket::UnknownSocketError)
                    tcp->write(m_ws->close(1000, {}));
                connect(tcp, &QAbstractSocket::disconnected, tcp, &QObject::deleteLater);
                QTimer::singleShot(5000, tcp, [tcp] {
                    tcp->abort();
                    tcp->deleteLater();
                });
                tcp->disconnectFromHost();
            }
        } else {
            socket->close();
            socket->deleteLater();
        }
    }
    m_server.connectionClosed(this);
    emit closed();
    deleteLater();
}

} // namespace keel::derp
