#include "http/HttpServer.h"

#include "common/Log.h"
#include "http/ClientAddress.h"
#include "platform/Endpoint.h"

#include <QFile>
#include <QLocalSocket>
#include <QSslServer>
#include <QSslSocket>
#include <QTimer>

#include <algorithm>

namespace keel::http {

HttpServer::HttpServer(const Router& router, QObject* parent)
    : QObject(parent)
    , m_router(router)
{
}

HttpServer::~HttpServer()
{
    close();
}

bool HttpServer::parseHostPort(const QString& hostPort, QHostAddress* address, quint16* port, QString* error)
{
    const int colon = hostPort.lastIndexOf(QLatin1Char(':'));
    if (colon < 0) {
        *error = QStringLiteral("'%1' is not host:port").arg(hostPort);
        return false;
    }
    QString host = hostPort.left(colon);
    const QString portText = hostPort.mid(colon + 1);
    bool ok = false;
    const uint p = portText.toUInt(&ok);
    if (!ok || p > 65535) {
        *error = QStringLiteral("'%1' has an invalid port").arg(hostPort);
        return false;
    }
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty()) {
        *address = QHostAddress::Any;
    } else if (host == QLatin1String("localhost")) {
        *address = QHostAddress::LocalHost;
    } else if (!address->setAddress(host)) {
        *error = QStringLiteral("'%1' is not an IP address (listen addresses take IPs, not names)").arg(host);
        return false;
    }
    *port = static_cast<quint16>(p);
    return true;
}

bool HttpServer::listen(const QString& hostPort, QString* error, const QSslConfiguration* tls)
{
    std::unique_ptr<QTcpServer> server;
    if (tls) {
        auto sslServer = std::make_unique<QSslServer>();
        sslServer->setSslConfiguration(*tls);
        // The TLS handshake finishes before the connection is queued as pending.
        connect(sslServer.get(), &QSslServer::errorOccurred, this, [](QSslSocket* socket, QAbstractSocket::SocketError) {
            qCDebug(lcHttp) << "TLS error from" << socket->peerAddress().toString() << socket->errorString();
        });
        server = std::move(sslServer);
    } else {
        server = std::make_unique<QTcpServer>();
    }
    return listen(hostPort, error, std::move(server));
}

bool HttpServer::listen(const QString& hostPort, QString* error, std::unique_ptr<QTcpServer> server)
{
    QHostAddress address;
    quint16 port = 0;
    if (!parseHostPort(hostPort, &address, &port, error))
        return false;
    m_tcp = std::move(server);
    m_tcp->setListenBacklogSize(kListenBacklog);
    if (!m_tcp->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(hostPort, m_tcp->errorString());
        // Say what to do about the two a new operator meets.
        if (m_tcp->serverError() == QAbstractSocket::AddressInUseError)
            *error += QStringLiteral(" (another program, or another Keel, listens there: stop it or choose another address)");
        else if (m_tcp->serverError() == QAbstractSocket::SocketAccessError && port < 1024)
            *error += QStringLiteral(" (ports below 1024 need root or CAP_NET_BIND_SERVICE)");
        m_tcp.reset();
        return false;
    }
    connect(m_tcp.get(), &QTcpServer::pendingConnectionAvailable, this, &HttpServer::acceptTcp);
    connect(m_tcp.get(), &QTcpServer::acceptError, this, &HttpServer::onAcceptError);
    return true;
}

bool HttpServer::listenUnix(const QString& path, int permissions, QString* error)
{
    // A Windows pipe leaves no file behind, and a second server could add instances to it: probe
    // whenever the endpoint could be taken.
    if (QFile::exists(path) || platform::localEndpointName(path) != path) {
        QLocalSocket probe;
        probe.connectToServer(platform::localEndpointName(path));
        if (probe.waitForConnected(200)) {
            *error = QStringLiteral("another server is already listening on %1").arg(path);
            return false;
        }
        QLocalServer::removeServer(path);
    }
    m_unix = std::make_unique<QLocalServer>();
    // A unix socket with the configured mode bits on POSIX; an owner-only named pipe on Windows.
    if (!platform::listenLocalEndpoint(*m_unix, path, permissions, error)) {
        m_unix.reset();
        return false;
    }
    m_unixPath = path;
    connect(m_unix.get(), &QLocalServer::newConnection, this, &HttpServer::acceptUnix);
    return true;
}

quint16 HttpServer::tcpPort() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QHostAddress HttpServer::tcpAddress() const
{
    return m_tcp ? m_tcp->serverAddress() : QHostAddress();
}

QString HttpServer::unixPath() const
{
    return m_unixPath;
}

void HttpServer::close()
{
    if (m_tcp)
        m_tcp->close();
    if (m_unix) {
        m_unix->close();
        QLocalServer::removeServer(m_unixPath);
    }
    m_tcp.reset();
    m_unix.reset();
}

void HttpServer::acceptTcp()
{
    while (m_tcp && m_tcp->hasPendingConnections()) {
        QTcpSocket* socket = m_tcp->nextPendingConnection();
        const Transport transport = qobject_cast<QSslSocket*>(socket) ? Transport::Tls : Transport::Tcp;
        const QHostAddress peer = socket->peerAddress();
        const QString source = ClientAddress::isTrustedProxy(peer) ? QString() : ClientAddress::sourceKey(peer);
        track(new HttpConnection(socket, transport, peer, m_router, m_options, this), source);
    }
}

void HttpServer::acceptUnix()
{
    while (m_unix && m_unix->hasPendingConnections()) {
        QLocalSocket* socket = m_unix->nextPendingConnection();
        track(new HttpConnection(socket, Transport::UnixSocket, QHostAddress::LocalHost, m_router, m_options, this), QString());
    }
}

int HttpServer::maxPerSource() const
{
    return m_maxPerSource > 0 ? m_maxPerSource : std::max(1, m_maxConnections / 4);
}

int HttpServer::openConnectionsFrom(const QHostAddress& peer) const
{
    return m_perSource.value(ClientAddress::sourceKey(peer));
}

void HttpServer::track(HttpConnection* connection, const QString& source)
{
    // A source at its share makes room from its own connections; at the cap the oldest of all go.
    if (!source.isEmpty()) {
        while (m_perSource.value(source) >= maxPerSource() && evictOldest(source)) {
        }
    }
    while (m_connections >= m_maxConnections && !m_open.empty() && evictOldest()) {
    }
    ++m_connections;
    if (!source.isEmpty())
        ++m_perSource[source];
    // Each entry leaves the list exactly once: when its connection finishes (also when evicted).
    const auto it = m_open.insert(m_open.end(), Open{QPointer<HttpConnection>(connection), source});
    connect(connection, &HttpConnection::finished, this, [this, it] {
        --m_connections;
        if (!it->source.isEmpty()) {
            const auto count = m_perSource.find(it->source);
            if (--*count == 0)
                m_perSource.erase(count);
        }
        m_open.erase(it);
    });
}

bool HttpServer::evictOldest(const QString& source)
{
    auto it = m_open.begin();
    if (!source.isEmpty())
        it = std::find_if(m_open.begin(), m_open.end(), [&](const Open& o) { return o.source == source; });
    if (it == m_open.end())
        return false;
    const QPointer<HttpConnection> oldest = it->connection;
    const std::size_t before = m_open.size();
    if (oldest)
        oldest->abandon(); // finishes at once, which takes its entry out of the list
    return m_open.size() < before;
}

void HttpServer::onAcceptError(QAbstractSocket::SocketError error)
{
    // Qt pauses accepting on a resource error (EMFILE: no descriptor left). A level-triggered
    // listener must not spin on it: free the oldest pending connection and try again shortly.
    qCWarning(lcHttp) << "accept failed:" << (m_tcp ? m_tcp->errorString() : QString()) << "(" << error
                      << "); closing the oldest HTTP connection and retrying";
    if (!m_open.empty())
        evictOldest();
    if (m_acceptRetryQueued)
        return;
    m_acceptRetryQueued = true;
    QTimer::singleShot(100, this, [this] {
        m_acceptRetryQueued = false;
        if (m_tcp)
            m_tcp->resumeAccepting();
    });
}

} // namespace keel::http
