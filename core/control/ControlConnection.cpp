#include "control/ControlConnection.h"

#include "common/Log.h"

#include "http/DirectWrite.h"

#include <QAbstractSocket>

#include <algorithm>

namespace keel::control {

namespace {
// How long the last bytes (GOAWAY, a close frame) may take to leave before the socket is dropped.
constexpr int kFinalFlushMs = 10'000;

bool isConnected(QIODevice* device)
{
    if (auto* tcp = qobject_cast<QAbstractSocket*>(device))
        return tcp->state() != QAbstractSocket::UnconnectedState;
    return device->isOpen();
}
} // namespace

void ControlConnection::closeAfterWrite(QIODevice* socket, const QByteArray& bytes)
{
    if (!bytes.isEmpty())
        socket->write(bytes);
    auto* tcp = qobject_cast<QAbstractSocket*>(socket);
    if (!tcp) {
        socket->close();
        socket->deleteLater();
        return;
    }
    QObject::connect(tcp, &QAbstractSocket::disconnected, tcp, &QObject::deleteLater);
    tcp->disconnectFromHost();  // flushes what is queued first
    if (tcp->state() == QAbstractSocket::UnconnectedState) {
        tcp->deleteLater();
        return;
    }
    // A peer that never reads the last bytes does not keep the socket.
    QTimer::singleShot(kFinalFlushMs, tcp, [tcp] {
        tcp->abort();
        tcp->deleteLater();
    });
}

ControlConnection::ControlConnection(QIODevice* socket, const ControlContext& context, crypto::TransportCodec codec,
                                     std::optional<http::WebSocketFramer> webSocket,
                                     std::shared_ptr<const ControlHandler> handler, const Options& options,
                                     QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_context(context)
    , m_codec(std::move(codec))
    , m_ws(std::move(webSocket))
    , m_handler(std::move(handler))
    , m_options(options)
{
    socket->setParent(this);
    auto dispatch = [this](const http::Http2Request& request, http::Http2Response response) {
        qCDebug(lcControl).noquote() << m_context.machineKey.toString().left(13) << request.method << request.path;
        m_sinceBusy.restart();
        if (request.path.startsWith("/machine/register") || request.path.startsWith("/machine/map"))
            m_established = true;
        if (m_handler && *m_handler)
            (*m_handler)(m_context, request, std::move(response));
        else
            response.respond(503);
    };
    m_session = new http::Http2ServerSession(dispatch, m_options.http2, this);
    connect(m_session, &http::Http2Session::outgoing, this, &ControlConnection::sendPlaintext);
    connect(m_session, &http::Http2Session::errorOccurred, this, [this](const QString& message) {
        qCDebug(lcControl).noquote() << "http/2 error from" << m_context.peer.toString() << message;
    });
    connect(m_session, &http::Http2Session::closed, this, &ControlConnection::closeTransport);

    if (auto* tcp = qobject_cast<QAbstractSocket*>(socket)) {
        // Bounded: when we stop reading, Qt stops too and the kernel's TCP window closes.
        tcp->setReadBufferSize(m_options.readChunk);
        connect(tcp, &QAbstractSocket::disconnected, this, [this] {
            if (m_session)
                m_session->transportClosed();
            finish();
        });
        connect(tcp, &QAbstractSocket::bytesWritten, this, &ControlConnection::onBytesWritten);
    }
    connect(socket, &QIODevice::readyRead, this, &ControlConnection::readSome);

    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &ControlConnection::checkIdle);

    m_stallTimer.setSingleShot(true);
    connect(&m_stallTimer, &QTimer::timeout, this, [this] {
        if (m_closing) {  // a last flush that the peer never takes
            if (auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data()))
                tcp->abort();
            finish();
            return;
        }
        fail(QStringLiteral("peer stopped reading for %1 ms").arg(m_options.writeStallTimeout.count()));
    });
}

ControlConnection::~ControlConnection()
{
    // The session's closed() must not reach a half-destroyed object.
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
}

void ControlConnection::start(const QByteArray& firstWrite, const QByteArray& buffered)
{
    writeWire(firstWrite);
    m_sinceBusy.start();
    if (m_options.establishTimeout.count() > 0)
        m_idleTimer.start(m_options.establishTimeout);
    m_session->start();  // our SETTINGS right behind the early payload, as Go's server does
    if (!buffered.isEmpty())
        process(buffered);
    if (m_socket && m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &ControlConnection::readSome, Qt::QueuedConnection);
}

void ControlConnection::shutdown(std::chrono::milliseconds grace)
{
    if (m_session && !m_session->isClosed())
        m_session->shutdown(grace);
}

void ControlConnection::checkIdle()
{
    if (m_closing || !m_session || m_session->isClosed())
        return;
    if (m_session->activeStreamCount() > 0)
        m_sinceBusy.restart();
    const std::chrono::milliseconds limit = m_established ? m_options.idleTimeout : m_options.establishTimeout;
    if (limit.count() <= 0)
        return;
    const qint64 idleFor = m_sinceBusy.elapsed();
    if (idleFor < limit.count()) {
        m_idleTimer.start(int(limit.count() - idleFor));
        return;
    }
    qCDebug(lcControl) << "closing ts2021 connection from" << m_context.peer.toString() << "idle for" << idleFor << "ms"
                       << (m_established ? "" : "(no register or map request)");
    m_session->shutdown(std::chrono::milliseconds(1000));
}

qint64 ControlConnection::pendingWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void ControlConnection::readSome()
{
    while (m_socket && !m_closing && !m_paused) {
        // Asking for exactly what is buffered lets QIODevice hand over its buffer chunk instead of
        // copying out of it, so an idle socket keeps no 16 KiB read chunk (memory per node).
        const qint64 available = m_socket->bytesAvailable();
        const QByteArray chunk = m_socket->read(available > 0 ? std::min(available, m_options.readChunk) : m_options.readChunk);
        if (chunk.isEmpty())
            return;
        process(chunk);
        if (pendingWrite() > m_options.writeHighWater) {
            m_paused = true;
            m_stallTimer.start(m_options.writeStallTimeout);
            qCDebug(lcControl) << "pausing reads from" << m_context.peer.toString() << "with" << pendingWrite()
                               << "bytes unsent";
        }
    }
}

void ControlConnection::onBytesWritten()
{
    if (m_paused && pendingWrite() <= m_options.writeLowWater) {
        m_paused = false;
        m_stallTimer.stop();
        QMetaObject::invokeMethod(this, &ControlConnection::readSome, Qt::QueuedConnection);
    } else if (m_paused) {
        m_stallTimer.start(m_options.writeStallTimeout);  // progress: the peer reads, slowly
    }
}

void ControlConnection::process(const QByteArray& wire)
{
    QByteArray ciphertext = wire;
    bool peerClosedWs = false;
    if (m_ws) {
        const bool ok = m_ws->feed(wire);
        const QByteArray replies = m_ws->takeReplies();
        if (!replies.isEmpty() && m_socket)
            m_socket->write(replies);
        if (!ok) {
            fail(QStringLiteral("websocket: %1").arg(m_ws->errorString()));
            return;
        }
        ciphertext = m_ws->takeData();
        peerClosedWs = m_ws->peerClosed();
    }
    if (!ciphertext.isEmpty()) {
        if (!m_codec.feed(ciphertext)) {
            fail(QStringLiteral("noise: %1").arg(m_codec.receiveError()));
            return;
        }
        const QByteArray plaintext = m_codec.takePlaintext();
        if (!plaintext.isEmpty() && m_session)
            m_session->feed(plaintext);
    }
    if (peerClosedWs && m_session) {
        m_session->transportClosed();
        closeTransport();
    }
}

void ControlConnection::sendPlaintext(const QByteArray& plaintext)
{
    if (!m_socket || plaintext.isEmpty())
        return;
    QByteArray records;
    if (!m_codec.seal(plaintext, records)) {
        fail(QStringLiteral("noise: %1").arg(m_codec.sendError()));
        return;
    }
    writeWire(records);
}

void ControlConnection::writeWire(const QByteArray& bytes)
{
    if (!m_socket || bytes.isEmpty())
        return;
    http::writeDirect(m_socket, m_ws ? m_ws->binaryStream(bytes) : bytes);
}

void ControlConnection::fail(const QString& why)
{
    if (m_closing)
        return;
    qCDebug(lcControl).noquote() << "closing ts2021 connection from" << m_context.peer.toString() << ":" << why;
    m_closing = true;
    m_stallTimer.stop();
    if (m_session && !m_session->isClosed())
        m_session->transportClosed();  // fails every stream; nothing more is written
    auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data());
    if (tcp && m_ws) {
        // A broken transport gets nothing more than what the WebSocket layer owed (its close frame).
        m_stallTimer.start(kFinalFlushMs);
        tcp->disconnectFromHost();
        if (tcp->state() != QAbstractSocket::UnconnectedState)
            return;  // finish() when disconnected
    } else if (tcp) {
        tcp->abort();
    }
    finish();
}

void ControlConnection::closeTransport()
{
    if (m_closing)
        return;
    m_closing = true;
    m_stallTimer.stop();
    if (!m_socket || !isConnected(m_socket)) {
        finish();
        return;
    }
    if (m_ws)
        m_socket->write(m_ws->close(1000, {}));
    m_stallTimer.start(kFinalFlushMs);
    if (auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data()))
        tcp->disconnectFromHost();  // the GOAWAY and anything queued go out first
    else
        m_socket->close();
    if (!m_socket || !isConnected(m_socket))
        finish();
}

void ControlConnection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_stallTimer.stop();
    m_idleTimer.stop();
    emit finished();
    deleteLater();
}

} // namespace keel::control
