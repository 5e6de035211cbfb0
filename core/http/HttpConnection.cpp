#include "http/HttpConnection.h"

#include "common/Log.h"
#include "http/ClientAddress.h"
#include "http/DirectWrite.h"
#include "http/Router.h"
#include "metrics/Metrics.h"
#include "platform/Endpoint.h"

#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QLocalSocket>

namespace keel::http {

namespace {
void closeDevice(QIODevice* device)
{
    if (auto* tcp = qobject_cast<QAbstractSocket*>(device))
        tcp->disconnectFromHost();
    else if (auto* local = qobject_cast<QLocalSocket*>(device))
        local->disconnectFromServer();
    else
        device->close();
}

// True until the socket is fully closed: a socket in ClosingState still has bytes to flush.
// The uid of the process at the other end of a unix socket (for the audit log), or -1.
qint64 peerUidOf(QIODevice* device)
{
    auto* local = qobject_cast<QLocalSocket*>(device);
    return local ? platform::localPeerUid(local->socketDescriptor()) : -1;
}

bool isOpen(QIODevice* device)
{
    if (auto* tcp = qobject_cast<QAbstractSocket*>(device))
        return tcp->state() != QAbstractSocket::UnconnectedState;
    if (auto* local = qobject_cast<QLocalSocket*>(device))
        return local->state() != QLocalSocket::UnconnectedState;
    return device->isOpen();
}
} // namespace

HttpConnection::HttpConnection(QIODevice* socket, Transport transport, const QHostAddress& peer, const Router& router,
                               const Options& options, QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_transport(transport)
    , m_peer(peer)
    , m_router(router)
    , m_options(options)
    , m_parser(options.limits)
{
    socket->setParent(this);
    connect(socket, &QIODevice::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QIODevice::bytesWritten, this, &HttpConnection::onBytesWritten);
    if (auto* tcp = qobject_cast<QAbstractSocket*>(socket)) {
        // Bounded: while we do not read, Qt does not either and the kernel's TCP window closes.
        tcp->setReadBufferSize(m_options.readChunk);
        connect(tcp, &QAbstractSocket::disconnected, this, &HttpConnection::finish);
    } else if (auto* local = qobject_cast<QLocalSocket*>(socket)) {
        local->setReadBufferSize(m_options.readChunk);
        connect(local, &QLocalSocket::disconnected, this, &HttpConnection::finish);
    }
    m_stallTimer.setSingleShot(true);
    connect(&m_stallTimer, &QTimer::timeout, this, &HttpConnection::abortNow);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        // Slow-loris and idle keep-alive connections both end here, quietly.
        closeAfterWrite();
    });
    m_timer.start(m_options.headerTimeoutMs);
    m_peerUid = peerUidOf(socket);
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::onReadyRead()
{
    processBuffered();
}

void HttpConnection::onBytesWritten()
{
    if (m_closing || !m_paused)
        return;
    if (unsentBytes(m_socket) > m_options.writeLowWater) {
        m_stallTimer.start(m_options.writeStallTimeoutMs); // progress: the peer reads, slowly
        return;
    }
    m_paused = false;
    m_stallTimer.stop();
    processBuffered();
}

void HttpConnection::processBuffered()
{
    int served = 0;
    while (m_socket && !m_closing) {
        if (unsentBytes(m_socket) > m_options.writeHighWater) {
            // The peer does not read what we answer: stop reading its requests until it does.
            if (!m_paused) {
                m_paused = true;
                m_stallTimer.start(m_options.writeStallTimeoutMs);
            }
            return;
        }
        const auto state = m_parser.state();
        if (state == HttpRequestParser::State::Error) {
            fail(m_parser.errorStatus(), m_parser.errorMessage());
            return;
        }
        if (state == HttpRequestParser::State::Incomplete) {
            // Read a bounded chunk only when the parser needs it: pipelined requests wait in the
            // kernel, not in our memory.
            const QByteArray bytes = m_socket->read(m_options.readChunk);
            if (bytes.isEmpty())
                return;
            if (!m_timer.isActive())
                m_timer.start(m_options.headerTimeoutMs);
            m_parser.feed(bytes);
            continue;
        }
        if (served++ >= m_options.requestsPerSlice) {
            // A long pipeline does not hold the event loop: the rest is served in the next slice.
            if (!m_sliceQueued) {
                m_sliceQueued = true;
                QMetaObject::invokeMethod(this, [this] {
                    m_sliceQueued = false;
                    processBuffered();
                }, Qt::QueuedConnection);
            }
            return;
        }

        HttpRequest request = m_parser.takeRequest();
        request.transport = m_transport;
        request.peerAddress = m_peer;
        request.peerUid = m_peerUid;
        const bool keepAlive = request.keepAlive();
        QElapsedTimer timer;
        timer.start();
        HttpResponse response = m_router.dispatch(request);
        qCDebug(lcHttp).noquote() << ClientAddress::describe(request) << request.method << request.path() << "->" << response.status;
        recordMetrics(request, response.status, timer.nsecsElapsed());

        if (response.upgrade) {
            handOver(response);
            return;
        }
        m_socket->write(response.serialize(keepAlive));
        if (!keepAlive) {
            closeAfterWrite();
            return;
        }
        m_timer.start(m_options.idleTimeoutMs);
        m_parser.feed({});  // go on with pipelined bytes, if any
    }
}

void HttpConnection::recordMetrics(const HttpRequest& request, int status, qint64 nanoseconds)
{
    // Labelled by the matched route pattern, never the raw path: label values stay a small, fixed
    // set whatever paths clients send (go-chi's collector does the same).
    const QByteArray endpoint = request.routePattern.isEmpty() ? QByteArray() : request.method + ' ' + request.routePattern.toUtf8();
    auto& registry = metrics::Registry::instance();
    registry.counter("http_requests_total", "Total HTTP requests processed.",
                     {{"status", QByteArray::number(status)}, {"endpoint", endpoint}, {"proto", request.version}}).inc();
    registry.histogram("http_request_duration_seconds", "Time spent processing HTTP requests.",
                       metrics::Registry::defaultDurationBuckets(), {{"endpoint", endpoint}})
        .observe(double(nanoseconds) / 1e9);
}

void HttpConnection::handOver(const HttpResponse& response)
{
    QIODevice* socket = m_socket;
    if (!response.rawUpgrade)
        writeDirect(socket, response.serialize(true)); // no write buffer kept for the upgraded stream
    const QByteArray buffered = m_parser.takeBuffered();
    // From here the socket belongs to the upgrade handler: detach it completely.
    m_timer.stop();
    m_stallTimer.stop();
    disconnect(socket, nullptr, this, nullptr);
    // The upgraded protocol sets its own read bound; bytes still in the socket are its to read.
    if (auto* tcp = qobject_cast<QAbstractSocket*>(socket))
        tcp->setReadBufferSize(0);
    else if (auto* local = qobject_cast<QLocalSocket*>(socket))
        local->setReadBufferSize(0);
    socket->setParent(nullptr);
    m_socket = nullptr;
    response.upgrade(socket, buffered);
    finish();
}

void HttpConnection::fail(int status, const QString& message)
{
    // The message names the limit or syntax rule; it is never attacker-controlled text.
    qCDebug(lcHttp) << "rejecting request from" << m_peer.toString() << status << message;
    HttpResponse response = HttpResponse::text(status, message.toUtf8() + '\n');
    m_socket->write(response.serialize(false));
    closeAfterWrite();
}

void HttpConnection::closeAfterWrite()
{
    if (!m_socket) {
        finish();
        return;
    }
    m_closing = true;
    m_timer.stop();
    if (!isOpen(m_socket)) {
        finish();
        return;
    }
    closeDevice(m_socket);  // flushes pending writes first, then emits disconnected
    if (m_socket && !isOpen(m_socket)) {
        finish();
        return;
    }
    // A peer that never takes the last bytes does not keep the connection (and its buffer).
    m_stallTimer.start(m_options.finalFlushMs);
}

void HttpConnection::abortNow()
{
    qCDebug(lcHttp) << "dropping connection from" << m_peer.toString() << "with" << unsentBytes(m_socket)
                    << "bytes it does not read";
    m_closing = true;
    m_timer.stop();
    if (auto* tcp = qobject_cast<QAbstractSocket*>(m_socket.data()))
        tcp->abort();
    else if (auto* local = qobject_cast<QLocalSocket*>(m_socket.data()))
        local->abort();
    finish();
}

void HttpConnection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_stallTimer.stop();
    emit finished();
    deleteLater();
}

} // namespace keel::http
