#include "ApiCall.h"

#include "platform/Endpoint.h"

#include <QLocalSocket>
#include <QSslSocket>

namespace keel::gui {

ApiCall::ApiCall(const ApiEndpoint& endpoint, const QByteArray& method, const QString& pathAndQuery,
                 const QByteArray& jsonBody, QObject* parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_method(method)
    , m_path(pathAndQuery)
    , m_body(jsonBody)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] { finish(tr("the server did not answer in time")); });
}

QByteArray ApiCall::requestBytes() const
{
    QString path = m_path;
    QByteArray host = "localhost";
    if (!m_endpoint.isSocket()) {
        const QString base = m_endpoint.baseUrl.path();
        path = (base.endsWith(QLatin1Char('/')) ? base.chopped(1) : base) + path;
        const QUrl& url = m_endpoint.baseUrl;
        host = (url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host()).toUtf8();
    }
    QByteArray out = m_method + ' ' + QUrl(path).toEncoded() + " HTTP/1.1\r\nHost: " + host
                     + "\r\nUser-Agent: keel-manager\r\nConnection: close\r\n";
    out += m_streaming ? "Accept: text/event-stream\r\n" : "Accept: application/json\r\n";
    if (!m_endpoint.isSocket() && !m_endpoint.apiKey.isEmpty())
        out += "Authorization: Bearer " + m_endpoint.apiKey.toUtf8() + "\r\n";
    out += m_extraHeaders;
    if (!m_body.isEmpty() || m_method == "POST" || m_method == "PUT")
        out += "Content-Type: application/json\r\n";
    out += "Content-Length: " + QByteArray::number(m_body.size()) + "\r\n\r\n" + m_body;
    return out;
}

void ApiCall::start(int timeoutMs)
{
    if (timeoutMs > 0)
        m_timeout.start(timeoutMs);
    if (m_endpoint.isSocket()) {
        auto* socket = new QLocalSocket(this);
        m_device = socket;
        connect(socket, &QLocalSocket::connected, this, &ApiCall::onConnected);
        connect(socket, &QLocalSocket::readyRead, this, &ApiCall::onReadyRead);
        connect(socket, &QLocalSocket::disconnected, this, &ApiCall::onClosed);
        connect(socket, &QLocalSocket::errorOccurred, this, [this, socket](QLocalSocket::LocalSocketError error) {
            if (error == QLocalSocket::PeerClosedError)
                return onClosed();
            finish(error == QLocalSocket::SocketAccessError
                       ? tr("permission denied on %1: the user running Keel Manager must be in the socket's group").arg(m_endpoint.socketPath)
                       : tr("cannot reach the Keel server at %1 (%2)").arg(m_endpoint.socketPath, socket->errorString()));
        });
        socket->connectToServer(platform::localEndpointName(m_endpoint.socketPath));
        return;
    }
    const bool tls = m_endpoint.baseUrl.scheme() == QLatin1String("https");
    QTcpSocket* socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
    m_device = socket;
    connect(socket, &QTcpSocket::readyRead, this, &ApiCall::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &ApiCall::onClosed);
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            return onClosed();
        finish(tr("cannot reach %1 (%2)").arg(m_endpoint.describe(), socket->errorString()));
    });
    if (tls) {
        auto* ssl = static_cast<QSslSocket*>(socket);
        if (m_endpoint.insecure)
            ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        connect(ssl, &QSslSocket::encrypted, this, &ApiCall::onConnected);
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError>& errors) {
            if (!errors.isEmpty() && !m_endpoint.insecure)
                finish(tr("the TLS certificate of %1 is not trusted: %2").arg(m_endpoint.describe(), errors.first().errorString()));
        });
        ssl->connectToHostEncrypted(m_endpoint.baseUrl.host(), quint16(m_endpoint.baseUrl.port(443)));
    } else {
        connect(socket, &QTcpSocket::connected, this, &ApiCall::onConnected);
        socket->connectToHost(m_endpoint.baseUrl.host(), quint16(m_endpoint.baseUrl.port(80)));
    }
}

void ApiCall::onConnected()
{
    if (!m_done)
        m_device->write(requestBytes());
}

void ApiCall::onReadyRead()
{
    if (m_done)
        return;
    const bool hadHead = m_parser.headComplete();
    const QByteArray data = m_parser.feed(m_device->readAll());
    if (!hadHead && m_parser.headComplete()) {
        m_reply.status = m_parser.status();
        Q_EMIT headReceived(m_parser.status());
        if (m_streaming && m_parser.status() == 200)
            m_timeout.stop();
    }
    if (m_streaming && m_parser.status() == 200) {
        if (!data.isEmpty())
            Q_EMIT bodyData(data);
    } else {
        m_reply.body += data;
    }
    if (m_parser.state() == HttpResponseParser::State::Failed)
        finish(m_parser.error());
    else if (m_parser.state() == HttpResponseParser::State::Done)
        finish();
}

void ApiCall::onClosed()
{
    if (m_done)
        return;
    if (m_device->bytesAvailable() > 0)
        onReadyRead();
    if (m_done)
        return;
    m_parser.closed();
    finish(m_parser.state() == HttpResponseParser::State::Failed ? m_parser.error() : QString());
}

void ApiCall::abort()
{
    m_done = true;
    m_timeout.stop();
    if (m_device) {
        m_device->disconnect(this);
        m_device->close();
    }
}

void ApiCall::finish(const QString& transportError)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    if (!transportError.isEmpty()) {
        m_reply.status = 0;
        m_reply.transportError = transportError;
    }
    if (m_device) {
        m_device->disconnect(this);
        m_device->close();
    }
    Q_EMIT finished(m_reply);
}

} // namespace keel::gui
