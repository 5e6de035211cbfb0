#include "acme/AcmeTlsServer.h"

#include "acme/AcmeLog.h"
#include "acme/ChallengeStore.h"
#include "acme/ClientHello.h"
#include "platform/Sockets.h"

#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QTimer>

namespace keel::acme {

namespace {

const QByteArray kAcmeTls = QByteArrayLiteral("acme-tls/1");
constexpr int kMaxRecord = 5 + 16384;

} // namespace

AcmeTlsServer::AcmeTlsServer(const ChallengeStore* challenges, QObject* parent)
    : QTcpServer(parent)
    , m_challenges(challenges)
{
}

void AcmeTlsServer::setConfiguration(const QSslConfiguration& configuration)
{
    m_configuration = configuration;
}

void AcmeTlsServer::incomingConnection(qintptr descriptor)
{
    if (m_inspecting >= kMaxInspecting) {
        qCDebug(lcAcme) << "too many TLS connections still to send their ClientHello; closing a new one";
        platform::closeSocket(descriptor);
        return;
    }
    inspect(descriptor);
}

// One connection whose ClientHello is awaited. Peeking leaves the bytes in the kernel for the TLS
// library. The notifier is level-triggered, so while a ClientHello is incomplete we look again
// after a pause instead of on every wakeup.
class Inspection : public QObject
{
public:
    Inspection(qintptr descriptor, QObject* parent)
        : QObject(parent)
        , descriptor(descriptor)
        , notifier(descriptor, QSocketNotifier::Read, this)
    {
        clock.start();
    }
    const qintptr descriptor;
    QSocketNotifier notifier;
    QElapsedTimer clock;
    bool done = false;
};

void AcmeTlsServer::inspect(qintptr descriptor)
{
    ++m_inspecting;
    auto* in = new Inspection(descriptor, this);
    auto end = [this, in](bool handOn, const QList<QByteArray>& alpn) {
        if (in->done)
            return;
        in->done = true;
        in->notifier.setEnabled(false);
        --m_inspecting;
        in->deleteLater();
        if (handOn)
            decide(in->descriptor, alpn);
        else
            platform::closeSocket(in->descriptor);
    };
    auto look = std::make_shared<std::function<void()>>();
    std::function<void()>* again = look.get();   // owned by the notifier's connection below
    *look = [in, end, again] {
        if (in->done)
            return;
        QByteArray buffer(kMaxRecord, '\0');
        const qint64 n = platform::peekNow(in->descriptor, buffer.data(), buffer.size());
        if (n == -1) {
            in->notifier.setEnabled(true);
            return;
        }
        const ClientHello hello = n > 0 ? ClientHello::parse(buffer.left(n)) : ClientHello{ClientHello::Result::NotTls, {}};
        if (hello.result == ClientHello::Result::NeedMore) {
            QTimer::singleShot(20, in, [again] { (*again)(); });
            return;
        }
        end(hello.result == ClientHello::Result::Complete, hello.alpn);
    };
    connect(&in->notifier, &QSocketNotifier::activated, in, [in, look] {
        in->notifier.setEnabled(false);
        (*look)();
    });
    QTimer::singleShot(kHandshakeTimeoutMs, in, [end] { end(false, {}); });
}

void AcmeTlsServer::decide(qintptr descriptor, const QList<QByteArray>& alpn)
{
    if (alpn.contains(kAcmeTls)) {
        const TlsAlpnCertificate challenge = m_challenges ? m_challenges->anyTlsAlpn() : TlsAlpnCertificate();
        if (challenge.isNull()) {
            qCInfo(lcAcme) << "a TLS-ALPN-01 validation connection came in, but no challenge is pending; closing it";
            platform::closeSocket(descriptor);
            return;
        }
        QSslConfiguration c = QSslConfiguration::defaultConfiguration();
        c.setLocalCertificate(challenge.certificate);
        c.setPrivateKey(challenge.key);
        c.setAllowedNextProtocols({kAcmeTls});
        c.setPeerVerifyMode(QSslSocket::VerifyNone);
        startTls(descriptor, c, true);
        return;
    }
    if (!hasCertificate()) {
        qCDebug(lcAcme) << "HTTPS connection before the first certificate was obtained; closing it";
        platform::closeSocket(descriptor);
        return;
    }
    startTls(descriptor, m_configuration, false);
}

void AcmeTlsServer::startTls(qintptr descriptor, const QSslConfiguration& configuration, bool challenge)
{
    auto* socket = new QSslSocket(this);
    socket->setSslConfiguration(configuration);
    if (!socket->setSocketDescriptor(descriptor)) {
        platform::closeSocket(descriptor);
        delete socket;
        return;
    }
    // `guard` carries the handshake-time connections; it goes when the socket is handed on.
    auto* guard = new QObject(socket);
    auto* timer = new QTimer(guard);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, guard, [socket] { socket->abort(); });
    timer->start(kHandshakeTimeoutMs);
    connect(socket, &QSslSocket::disconnected, guard, [socket] { socket->deleteLater(); });
    connect(socket, &QAbstractSocket::errorOccurred, guard, [socket](QAbstractSocket::SocketError) {
        qCDebug(lcAcme) << "TLS error from" << socket->peerAddress().toString() << socket->errorString();
        socket->deleteLater();
    });
    connect(socket, &QSslSocket::encrypted, guard, [this, socket, guard, challenge] {
        if (challenge) {
            qCInfo(lcAcme).noquote() << "answered a TLS-ALPN-01 validation from" << socket->peerAddress().toString();
            return;   // the validator closes; the timer ends a lingering one
        }
        // Hand-over: the handshake-time connections go (their lambda, this one included, stays
        // alive until it returns), then the socket is queued like QSslServer's.
        AcmeTlsServer* server = this;
        QSslSocket* ready = socket;
        delete guard;
        server->addPendingConnection(ready);
    });
    socket->startServerEncryption();
}

} // namespace keel::acme
