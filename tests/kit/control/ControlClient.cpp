#include "control/ControlClient.h"

#include "common/Log.h"
#include "crypto/Ts2021.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>

namespace keel::control {

namespace {
constexpr qsizetype kMaxResponseHead = 64 << 10;
} // namespace

ControlClient::ControlClient(const crypto::MachinePrivate& machineKey, QObject* parent)
    : ControlClient(machineKey, Options{}, parent)
{
}

ControlClient::ControlClient(const crypto::MachinePrivate& machineKey, const Options& options, QObject* parent)
    : QObject(parent)
    , m_machineKey(machineKey)
    , m_options(options)
{
    m_http2 = new http::Http2ClientSession(this);
    connect(m_http2, &http::Http2Session::outgoing, this, [this](const QByteArray& plaintext) {
        if (!m_codec) {
            m_pendingPlain += plaintext;
            return;
        }
        QByteArray records;
        if (!m_codec->seal(plaintext, records)) {
            fail(QStringLiteral("noise: %1").arg(m_codec->sendError()));
            return;
        }
        if (m_socket)
            m_socket->write(records);
    });
    connect(m_http2, &http::Http2Session::closed, this, [this] {
        if (m_socket && m_state == State::Connected)
            m_socket->disconnectFromHost();
    });
    m_dialTimer.setSingleShot(true);
    connect(&m_dialTimer, &QTimer::timeout, this, [this] { fail(QStringLiteral("dial timed out")); });
}

ControlClient::~ControlClient()
{
    if (m_socket)
        disconnect(m_socket, nullptr, this, nullptr);
}

QByteArray ControlClient::upgradeRequest(const QByteArray& host, const QByteArray& initiation)
{
    // Go writes Host and User-Agent first, then the other fields sorted by name.
    return "POST /ts2021 HTTP/1.1\r\n"
           "Host: " + host + "\r\n"
           "User-Agent: Go-http-client/1.1\r\n"
           "Content-Length: 0\r\n"
           "Connection: upgrade\r\n"
           "Upgrade: tailscale-control-protocol\r\n"
           "X-Tailscale-Handshake: " + initiation.toBase64() + "\r\n\r\n";
}

std::optional<crypto::MachinePublic> ControlClient::parseKeyResponse(const QByteArray& body, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("/key response is not JSON");
        return std::nullopt;
    }
    QString keyError;
    auto key = crypto::MachinePublic::parse(doc.object().value(QStringLiteral("publicKey")).toString(), &keyError);
    if (!key || key->isZero()) {
        // The real client's words for a server without a Noise key.
        *error = QStringLiteral("control server is too old; no noise key");
        return std::nullopt;
    }
    return key;
}

QAbstractSocket* ControlClient::newSocket()
{
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_buffer.clear();
    if (m_options.tls) {
        auto* ssl = new QSslSocket(this);
        ssl->setPeerVerifyMode(QSslSocket::VerifyNone);  // Noise authenticates; TLS is only a wrapper
        ssl->connectToHostEncrypted(m_host, m_port);
        m_socket = ssl;
    } else {
        auto* tcp = new QTcpSocket(this);
        if (!m_options.localAddress.isNull())
            tcp->bind(m_options.localAddress, 0);
        tcp->connectToHost(m_host, m_port);
        m_socket = tcp;
    }
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_state == State::Connected || m_state == State::Closed)
            return;  // disconnected() handles the end of a running connection
        if (m_state == State::FetchingKey && m_keyLength < 0 && m_socket->error() == QAbstractSocket::RemoteHostClosedError)
            return;  // a /key body delimited by the close; onKeyBytes sees it
        fail(m_socket->errorString());
    });
    return m_socket;
}

void ControlClient::connectToServer(const QString& host, quint16 port, std::optional<crypto::MachinePublic> serverKey)
{
    m_host = host;
    m_port = port;
    if (m_options.hostHeader.isEmpty()) {
        const bool v6 = host.contains(QLatin1Char(':'));
        m_options.hostHeader = (v6 ? '[' + host.toLatin1() + ']' : host.toLatin1()) + ':' + QByteArray::number(port);
    }
    m_dialTimer.start(m_options.dialTimeoutMs);
    if (serverKey) {
        m_serverKey = *serverKey;
        startUpgrade();
    } else {
        startKeyFetch();
    }
}

void ControlClient::startKeyFetch()
{
    setState(State::FetchingKey);
    QAbstractSocket* socket = newSocket();
    const QByteArray request = "GET /key?v=" + QByteArray::number(m_options.capabilityVersion) + " HTTP/1.1\r\n"
                               "Host: " + m_options.hostHeader + "\r\n"
                               "User-Agent: Go-http-client/1.1\r\n\r\n";
    socket->write(request);  // queued until connected (and encrypted for TLS)
    connect(socket, &QIODevice::readyRead, this, &ControlClient::onKeyBytes);
    connect(socket, &QAbstractSocket::disconnected, this, &ControlClient::onKeyBytes);
}

bool ControlClient::takeResponseHead(int* status, QByteArray* statusLine, QList<QPair<QByteArray, QByteArray>>* headers)
{
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_buffer.size() > kMaxResponseHead)
            fail(QStringLiteral("HTTP response head too large"));
        return false;
    }
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    m_buffer.remove(0, end + 4);
    *statusLine = lines.value(0).trimmed();
    const QList<QByteArray> parts = statusLine->split(' ');
    bool ok = false;
    *status = parts.size() >= 2 && parts[0].startsWith("HTTP/1.") ? parts[1].toInt(&ok) : 0;
    if (!ok)
        *status = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            headers->append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
    }
    return true;
}

void ControlClient::onKeyBytes()
{
    if (m_state != State::FetchingKey || !m_socket)
        return;
    m_buffer += m_socket->readAll();
    const bool closed = m_socket->state() == QAbstractSocket::UnconnectedState;
    if (m_keyStatus == 0) {
        QByteArray statusLine;
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!takeResponseHead(&m_keyStatus, &statusLine, &headers)) {
            if (closed && m_state == State::FetchingKey)
                fail(QStringLiteral("/key: connection closed before a response"));
            return;
        }
        if (m_keyStatus != 200) {
            fail(QStringLiteral("/key: unexpected response %1").arg(QString::fromLatin1(statusLine)));
            return;
        }
        for (const auto& [name, value] : headers) {
            if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
                m_keyLength = value.toLongLong();
        }
    }
    if (m_buffer.size() > m_options.keyResponseLimit) {
        fail(QStringLiteral("/key: response over %1 bytes").arg(m_options.keyResponseLimit));
        return;
    }
    if (m_keyLength >= 0 ? m_buffer.size() < m_keyLength : !closed)
        return;
    QString error;
    const auto key = parseKeyResponse(m_keyLength >= 0 ? m_buffer.left(m_keyLength) : m_buffer, &error);
    if (!key) {
        fail(error);
        return;
    }
    m_serverKey = *key;
    // Like the real client: the /key connection is closed and ts2021 dials afresh.
    startUpgrade();
}

void ControlClient::startUpgrade()
{
    setState(State::Upgrading);
    m_initiator = std::make_unique<crypto::Ts2021Initiator>(m_machineKey, m_serverKey, m_options.capabilityVersion);
    if (m_initiator->initiation().isEmpty()) {
        fail(QStringLiteral("noise: cannot start the handshake: %1").arg(m_initiator->errorString()));
        return;
    }
    QAbstractSocket* socket = newSocket();
    socket->write(upgradeRequest(m_options.hostHeader, m_initiator->initiation()));
    connect(socket, &QIODevice::readyRead, this, &ControlClient::onUpgradeBytes);
    connect(socket, &QAbstractSocket::disconnected, this, [this] {
        if (m_state == State::Connected) {
            setState(State::Closed);
            m_http2->transportClosed();
            emit disconnected();
        } else if (m_state != State::Failed && m_state != State::Closed) {
            onUpgradeBytes();  // whatever arrived last (a type-3 error frame, say)
            if (m_state != State::Failed)
                fail(QStringLiteral("connection closed during the handshake"));
        }
    });
}

void ControlClient::onUpgradeBytes()
{
    if (!m_socket)
        return;
    const QByteArray bytes = m_socket->readAll();
    if (m_state != State::Upgrading) {
        onNoiseBytes(bytes);
        return;
    }
    m_buffer += bytes;
    int status = 0;
    QByteArray statusLine;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!takeResponseHead(&status, &statusLine, &headers))
        return;
    QByteArray upgrade;
    for (const auto& [name, value] : headers) {
        if (name.compare("Upgrade", Qt::CaseInsensitive) == 0)
            upgrade = value;
    }
    // controlhttp's checks: exactly 101, and the Upgrade value compared as a plain string.
    if (status != 101) {
        m_upgradeRefusedStatus = status;
        fail(QStringLiteral("unexpected HTTP response: %1").arg(QString::fromLatin1(statusLine)));
        return;
    }
    if (upgrade != "tailscale-control-protocol") {
        fail(QStringLiteral("server switched to unexpected protocol %1").arg(QString::fromLatin1(upgrade)));
        return;
    }
    setState(State::Handshaking);
    onNoiseBytes(std::exchange(m_buffer, {}));
}

void ControlClient::onNoiseBytes(const QByteArray& bytes)
{
    if (m_state == State::Handshaking) {
        switch (m_initiator->feed(bytes)) {
        case crypto::Ts2021Initiator::Status::NeedMore:
            return;
        case crypto::Ts2021Initiator::Status::Failed:
            fail(m_initiator->errorString());
            return;
        case crypto::Ts2021Initiator::Status::Done:
            break;
        }
        m_codec = m_initiator->takeCodec();
        startHttp2();
        // Bytes after the response already went into the codec.
        onPlaintext(m_codec->takePlaintext());
        return;
    }
    if (!m_codec || m_state == State::Failed || m_state == State::Closed)
        return;
    if (!m_codec->feed(bytes)) {
        fail(QStringLiteral("noise: %1").arg(m_codec->receiveError()));
        return;
    }
    onPlaintext(m_codec->takePlaintext());
}

void ControlClient::startHttp2()
{
    setState(State::ReadingEarly);
    // The HTTP/2 transport writes its preface as soon as the Noise conn exists, without waiting
    // for the server's first bytes (the early payload is read lazily on the first Read).
    m_http2->start();
    if (!m_pendingPlain.isEmpty()) {
        QByteArray records;
        if (!m_codec->seal(std::exchange(m_pendingPlain, {}), records)) {
            fail(QStringLiteral("noise: %1").arg(m_codec->sendError()));
            return;
        }
        m_socket->write(records);
    }
}

void ControlClient::onPlaintext(const QByteArray& plaintext)
{
    if (m_state == State::ReadingEarly) {
        switch (m_early.feed(plaintext)) {
        case EarlyNoiseReader::Status::NeedMore:
            return;
        case EarlyNoiseReader::Status::Failed:
            fail(QStringLiteral("early payload: %1").arg(m_early.errorString()));
            return;
        case EarlyNoiseReader::Status::Done:
            break;
        }
        m_dialTimer.stop();
        setState(State::Connected);
        emit connected();
        if (m_state != State::Connected)
            return;
        const QByteArray rest = m_early.takeRemainder();
        if (!rest.isEmpty())
            m_http2->feed(rest);
        return;
    }
    if (m_state == State::Connected && !plaintext.isEmpty())
        m_http2->feed(plaintext);
}

http::Http2ClientStream* ControlClient::request(const QByteArray& method, const QByteArray& path, const QByteArray& body,
                                                const http::Http2Headers& headers)
{
    QByteArray authority = m_options.hostHeader;
    if (authority.isEmpty())
        authority = m_host.toLatin1();
    return m_http2->request(method, path, body, headers, authority, "https");
}

void ControlClient::fail(const QString& error)
{
    if (m_state == State::Failed || m_state == State::Closed)
        return;
    const bool wasConnected = m_state == State::Connected;
    m_error = error;
    setState(State::Failed);
    m_dialTimer.stop();
    qCDebug(lcControl).noquote() << "control client:" << error;
    if (m_socket)
        m_socket->abort();
    m_http2->transportClosed();
    emit failed(error);
    if (wasConnected)
        emit disconnected();
}

void ControlClient::close()
{
    if (m_state == State::Closed || m_state == State::Failed)
        return;
    const bool wasConnected = m_state == State::Connected;
    setState(State::Closed);
    m_dialTimer.stop();
    if (m_socket)
        m_socket->disconnectFromHost();
    m_http2->transportClosed();
    if (wasConnected)
        emit disconnected();
}

} // namespace keel::control
