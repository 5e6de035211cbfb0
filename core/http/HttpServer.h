#pragma once

#include "http/HttpConnection.h"

#include <QHash>
#include <QHostAddress>
#include <QLocalServer>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>

#include <list>
#include <memory>

namespace keel::http {

class Router;

// The listeners: plain TCP, TLS (QSslServer) and a unix socket, all served by one Router.
// Each accepted connection becomes an HttpConnection living on this object's thread.
class HttpServer : public QObject
{
    Q_OBJECT

public:
    explicit HttpServer(const Router& router, QObject* parent = nullptr);
    ~HttpServer() override;

    void setOptions(const HttpConnection::Options& options) { m_options = options; }
    // Connections not yet handed to an upgrade (requests, slow or idle ones) held at once. At the
    // cap a new connection closes the oldest of them: many slow connections (slowloris) cannot
    // keep new clients out, they only push each other out.
    void setMaxConnections(int max) { m_maxConnections = max; }
    // Of those, one source (an IPv4 address, an IPv6 /64) may hold this many; a new connection from
    // a source at its share closes that source's own oldest, so one host opening connections
    // faster than others finish theirs pushes out only itself. 0 = a quarter of the cap (at least
    // 1). The unix socket and `trusted_proxies` (a reverse proxy carries many clients) are exempt.
    void setMaxConnectionsPerSource(int max) { m_maxPerSource = max; }
    // The kernel's queue of connections not yet accepted (Qt's default is 50).
    static constexpr int kListenBacklog = 4096;

    // "127.0.0.1:8080", "[::1]:8080", ":8080" (all interfaces), "0.0.0.0:443".
    // With a TLS configuration the listener speaks HTTPS only.
    bool listen(const QString& hostPort, QString* error, const QSslConfiguration* tls = nullptr);
    // The same with a listener built by the caller (acme::AcmeTlsServer: a certificate replaced
    // at runtime). Its connections are TLS when they are QSslSockets.
    bool listen(const QString& hostPort, QString* error, std::unique_ptr<QTcpServer> server);
    // A unix socket at `path` with the given permission bits (e.g. 0770). A stale socket file left
    // by a crashed process is removed; a live one (another server answering) is an error.
    bool listenUnix(const QString& path, int permissions, QString* error);

    quint16 tcpPort() const;
    QHostAddress tcpAddress() const;
    QString unixPath() const;
    int openConnections() const { return m_connections; }
    int openConnectionsFrom(const QHostAddress& peer) const;
    void close();

    // Splits "host:port" as Go's net.SplitHostPort does (IPv6 in brackets, empty host = any).
    static bool parseHostPort(const QString& hostPort, QHostAddress* address, quint16* port, QString* error);

private:
    void acceptTcp();
    void acceptUnix();
    // An accepted connection, counted under `source` (empty: exempt from the per-source share).
    void track(HttpConnection* connection, const QString& source);
    void onAcceptError(QAbstractSocket::SocketError error);
    bool evictOldest(const QString& source = {}); // of that source, or of all; false if nothing could be freed
    int maxPerSource() const;

    struct Open
    {
        QPointer<HttpConnection> connection;
        QString source;
    };

    const Router& m_router;
    HttpConnection::Options m_options;
    std::unique_ptr<QTcpServer> m_tcp;
    std::unique_ptr<QLocalServer> m_unix;
    QString m_unixPath;
    int m_connections = 0;
    int m_maxConnections = 4096;
    int m_maxPerSource = 0;
    std::list<Open> m_open; // oldest first
    QHash<QString, int> m_perSource;
    bool m_acceptRetryQueued = false;
};

} // namespace keel::http
