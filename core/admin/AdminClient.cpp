#include "admin/AdminClient.h"

#include "platform/Endpoint.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QSslSocket>

#include <memory>

namespace keel::admin {

namespace {

// Reads one HTTP/1.1 response (Content-Length, chunked, or until close) from a blocking device.
AdminClient::Reply readResponse(QIODevice& device, const QDeadlineTimer& deadline,
                                const std::function<bool(int)>& waitForReadyRead, const std::function<bool()>& connected)
{
    AdminClient::Reply reply;
    QByteArray buffer;
    const auto fill = [&]() -> bool {
        if (device.bytesAvailable() == 0 && !waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            return false;
        buffer += device.readAll();
        return true;
    };
    int headEnd = -1;
    while ((headEnd = buffer.indexOf("\r\n\r\n")) < 0) {
        if (deadline.hasExpired() || !fill()) {
            reply.transportError = deadline.hasExpired() ? QStringLiteral("timed out waiting for the server")
                                                         : QStringLiteral("the server closed the connection");
            return reply;
        }
    }
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    reply.status = statusLine.size() >= 2 ? statusLine[1].toInt() : 0;
    qint64 length = -1;
    bool chunked = false;
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const int colon = line.indexOf(':');
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            length = value.toLongLong();
        else if (name == "transfer-encoding" && value.toLower().contains("chunked"))
            chunked = true;
    }
    buffer.remove(0, headEnd + 4);
    if (chunked) {
        QByteArray body;
        for (;;) {
            int lineEnd;
            while ((lineEnd = buffer.indexOf("\r\n")) < 0) {
                if (deadline.hasExpired() || !fill())
                    return reply.transportError = QStringLiteral("incomplete chunked response"), reply.status = 0, reply;
            }
            bool ok = false;
            const qint64 size = buffer.left(lineEnd).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok)
                return reply.transportError = QStringLiteral("malformed chunked response"), reply.status = 0, reply;
            while (buffer.size() < lineEnd + 2 + size + 2) {
                if (deadline.hasExpired() || !fill())
                    return reply.transportError = QStringLiteral("incomplete chunked response"), reply.status = 0, reply;
            }
            body += buffer.mid(lineEnd + 2, size);
            buffer.remove(0, lineEnd + 2 + size + 2);
            if (size == 0)
                break;
        }
        reply.body = body;
    } else if (length >= 0) {
        while (buffer.size() < length) {
            if (deadline.hasExpired() || !fill())
                return reply.transportError = QStringLiteral("incomplete response"), reply.status = 0, reply;
        }
        reply.body = buffer.left(length);
    } else {
        while (connected() && !deadline.hasExpired() && fill()) {
        }
        reply.body = buffer;
    }
    return reply;
}

QByteArray requestBytes(const QByteArray& method, const QString& pathAndQuery, const QByteArray& host,
                        const QString& apiKey, const QJsonObject& body)
{
    QByteArray out = method + ' ' + QUrl(pathAndQuery).toEncoded() + " HTTP/1.1\r\nHost: " + host + "\r\n"
                     "User-Agent: keel-cli\r\nAccept: application/json\r\nConnection: close\r\n";
    if (!apiKey.isEmpty())
        out += "Authorization: Bearer " + apiKey.toUtf8() + "\r\n";
    QByteArray payload;
    if (!body.isEmpty() || method == "POST" || method == "PUT") {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        out += "Content-Type: application/json\r\n";
    }
    out += "Content-Length: " + QByteArray::number(payload.size()) + "\r\n\r\n" + payload;
    return out;
}

} // namespace

QJsonObject AdminClient::Reply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString AdminClient::Reply::errorMessage() const
{
    if (status == 0)
        return transportError;
    const QJsonObject obj = json();
    for (const char* key : {"detail", "message", "error"}) {
        const QString text = obj.value(QLatin1String(key)).toString();
        if (!text.isEmpty())
            return text;
    }
    const QString text = QString::fromUtf8(body).trimmed();
    return text.isEmpty() ? QStringLiteral("HTTP status %1").arg(status) : text;
}

AdminClient AdminClient::forUnixSocket(const QString& path, int timeoutMs)
{
    AdminClient c;
    c.m_socketPath = path;
    c.m_timeoutMs = timeoutMs;
    return c;
}

AdminClient AdminClient::forRemote(const QUrl& baseUrl, const QString& apiKey, bool insecure, int timeoutMs)
{
    AdminClient c;
    c.m_baseUrl = baseUrl;
    c.m_apiKey = apiKey;
    c.m_insecure = insecure;
    c.m_timeoutMs = timeoutMs;
    return c;
}

QString AdminClient::describe() const
{
    return m_socketPath.isEmpty() ? m_baseUrl.toString() : QStringLiteral("unix socket %1").arg(m_socketPath);
}

std::unique_ptr<QIODevice> AdminClient::connectSocket(QString* error) const
{
    if (!m_socketPath.isEmpty()) {
        auto socket = std::make_unique<QLocalSocket>();
        socket->connectToServer(platform::localEndpointName(m_socketPath));
        if (!socket->waitForConnected(m_timeoutMs)) {
            *error = socket->error() == QLocalSocket::SocketAccessError
                ? QStringLiteral("permission denied on %1: run as a user in the socket's group, or as root").arg(m_socketPath)
                : QStringLiteral("cannot reach the Keel server at %1 (%2); is `keel serve` running?").arg(m_socketPath, socket->errorString());
            return nullptr;
        }
        return socket;
    }
    if (m_baseUrl.scheme() == QLatin1String("https")) {
        auto ssl = std::make_unique<QSslSocket>();
        if (m_insecure)
            ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        ssl->connectToHostEncrypted(m_baseUrl.host(), quint16(m_baseUrl.port(443)));
        if (!ssl->waitForEncrypted(m_timeoutMs)) {
            *error = QStringLiteral("TLS connection to %1 failed: %2").arg(describe(), ssl->errorString());
            return nullptr;
        }
        return ssl;
    }
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(m_baseUrl.host(), quint16(m_baseUrl.port(80)));
    if (!socket->waitForConnected(m_timeoutMs)) {
        *error = QStringLiteral("cannot connect to %1: %2").arg(describe(), socket->errorString());
        return nullptr;
    }
    return socket;
}

QByteArray AdminClient::host() const
{
    return m_socketPath.isEmpty() ? m_baseUrl.authority().toUtf8() : QByteArrayLiteral("localhost");
}

QString AdminClient::fullPath(const QString& pathAndQuery) const
{
    if (!m_socketPath.isEmpty())
        return pathAndQuery;
    const QString basePath = m_baseUrl.path().endsWith(QLatin1Char('/')) ? m_baseUrl.path().chopped(1) : m_baseUrl.path();
    return basePath + pathAndQuery;
}

AdminClient::Reply AdminClient::stream(const QString& pathAndQuery, const std::function<bool(const QByteArray&)>& onBytes) const
{
    Reply reply;
    std::unique_ptr<QIODevice> socket = connectSocket(&reply.transportError);
    if (!socket)
        return reply;
    QByteArray request = requestBytes("GET", fullPath(pathAndQuery), host(), m_socketPath.isEmpty() ? m_apiKey : QString(), {});
    request.replace("Accept: application/json", "Accept: text/event-stream");
    socket->write(request);
    auto* local = qobject_cast<QLocalSocket*>(socket.get());
    auto* tcp = qobject_cast<QTcpSocket*>(socket.get());
    const auto connected = [&] {
        return local ? local->state() == QLocalSocket::ConnectedState : tcp->state() == QAbstractSocket::ConnectedState;
    };
    const auto waitForData = [&](int ms) { return local ? local->waitForReadyRead(ms) : tcp->waitForReadyRead(ms); };
    QByteArray buffer;
    int headEnd = -1;
    const QDeadlineTimer headDeadline(m_timeoutMs);
    while ((headEnd = int(buffer.indexOf("\r\n\r\n"))) < 0) {
        if (headDeadline.hasExpired() || (socket->bytesAvailable() == 0 && !waitForData(int(qMax<qint64>(1, headDeadline.remainingTime()))))) {
            reply.transportError = QStringLiteral("no answer from %1").arg(describe());
            return reply;
        }
        buffer += socket->readAll();
    }
    const QList<QByteArray> statusLine = buffer.left(headEnd).split('\n').first().trimmed().split(' ');
    reply.status = statusLine.size() >= 2 ? statusLine[1].toInt() : 0;
    buffer.remove(0, headEnd + 4);
    if (!reply.ok()) {
        // An error answer is a normal response with a length: read it like call() would.
        while (connected() && waitForData(m_timeoutMs))
            buffer += socket->readAll();
        reply.body = buffer + socket->readAll();
        return reply;
    }
    if (!buffer.isEmpty() && !onBytes(buffer))
        return reply;
    for (;;) {
        if (socket->bytesAvailable() == 0 && !waitForData(1000)) {
            if (!connected())
                break;
            continue; // quiet stream: keep waiting (keep-alive comments arrive every 15 s)
        }
        const QByteArray chunk = socket->readAll();
        if (!chunk.isEmpty() && !onBytes(chunk))
            break;
    }
    return reply;
}

AdminClient::Reply AdminClient::call(const QByteArray& method, const QString& pathAndQuery, const QJsonObject& body) const
{
    const QDeadlineTimer deadline(m_timeoutMs);
    Reply failed;
    if (!m_socketPath.isEmpty()) {
        QLocalSocket socket;
        socket.connectToServer(platform::localEndpointName(m_socketPath));
        if (!socket.waitForConnected(m_timeoutMs)) {
            switch (socket.error()) {
            case QLocalSocket::SocketAccessError:
                failed.transportError = QStringLiteral("permission denied on %1: run as a user in the socket's group, or as root").arg(m_socketPath);
                break;
            case QLocalSocket::ServerNotFoundError:   // no such file (Qt says "Invalid name")
            case QLocalSocket::ConnectionRefusedError:   // a socket file left by a server that is gone
                failed.transportError = QStringLiteral("no Keel server is running at %1 (start one with `keel serve`, or name its "
                                                       "config with -c so the CLI finds its unix_socket)").arg(m_socketPath);
                break;
            default:
                failed.transportError = QStringLiteral("cannot reach the Keel server at %1 (%2); is `keel serve` running?").arg(m_socketPath, socket.errorString());
            }
            return failed;
        }
        socket.write(requestBytes(method, pathAndQuery, "localhost", {}, body));
        return readResponse(socket, deadline, [&](int ms) { return socket.waitForReadyRead(ms); },
                            [&] { return socket.state() == QLocalSocket::ConnectedState; });
    }

    const bool tls = m_baseUrl.scheme() == QLatin1String("https");
    std::unique_ptr<QTcpSocket> socket;
    if (tls) {
        auto ssl = std::make_unique<QSslSocket>();
        if (m_insecure)
            ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        ssl->connectToHostEncrypted(m_baseUrl.host(), quint16(m_baseUrl.port(443)));
        if (!ssl->waitForEncrypted(m_timeoutMs)) {
            failed.transportError = QStringLiteral("TLS connection to %1 failed: %2").arg(describe(), ssl->errorString());
            return failed;
        }
        socket = std::move(ssl);
    } else {
        socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(m_baseUrl.host(), quint16(m_baseUrl.port(80)));
        if (!socket->waitForConnected(m_timeoutMs)) {
            failed.transportError = QStringLiteral("cannot connect to %1: %2").arg(describe(), socket->errorString());
            return failed;
        }
    }
    const QString basePath = m_baseUrl.path().endsWith(QLatin1Char('/')) ? m_baseUrl.path().chopped(1) : m_baseUrl.path();
    socket->write(requestBytes(method, basePath + pathAndQuery, m_baseUrl.authority().toUtf8(), m_apiKey, body));
    QTcpSocket* s = socket.get();
    return readResponse(*s, deadline, [s](int ms) { return s->waitForReadyRead(ms); },
                        [s] { return s->state() == QAbstractSocket::ConnectedState; });
}

} // namespace keel::admin
