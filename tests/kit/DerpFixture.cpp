#include "DerpFixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

namespace keel::derp::test {

DerpFixture::DerpFixture() = default;

DerpFixture::~DerpFixture()
{
    m_http.reset();
    m_server.reset();
}

bool DerpFixture::makeCertificate(const QString& dir, QSslConfiguration* tls, QString* error)
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        *error = QStringLiteral("openssl command not found");
        return false;
    }
    const QString key = dir + QStringLiteral("/key.pem");
    const QString cert = dir + QStringLiteral("/cert.pem");
    QProcess process;
    process.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                            QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("1"),
                            QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                            QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        *error = QStringLiteral("openssl failed: %1").arg(QString::fromUtf8(process.readAllStandardError()));
        return false;
    }
    QFile keyFile(key), certFile(cert);
    if (!keyFile.open(QIODevice::ReadOnly) || !certFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the generated certificate");
        return false;
    }
    const QSslKey sslKey(&keyFile, QSsl::Ec);
    const QList<QSslCertificate> chain = QSslCertificate::fromDevice(&certFile);
    if (sslKey.isNull() || chain.isEmpty()) {
        *error = QStringLiteral("generated certificate does not load");
        return false;
    }
    *tls = QSslConfiguration::defaultConfiguration();
    tls->setPrivateKey(sslKey);
    tls->setLocalCertificateChain(chain);
    tls->setPeerVerifyMode(QSslSocket::VerifyNone);
    return true;
}

bool DerpFixture::start(bool tls, QString* error, const DerpServer::Options& options)
{
    m_tls = tls;
    m_server = std::make_unique<DerpServer>(crypto::NodePrivate::generate());
    m_server->setOptions(options);
    m_server->registerRoutes(m_router);
    m_http = std::make_unique<http::HttpServer>(m_router);
    QSslConfiguration config;
    if (tls && !makeCertificate(m_dir.path(), &config, error))
        return false;
    if (tls && m_metaCertificate) {
        const QSslCertificate meta = m_server->metaCertificate();
        if (meta.isNull()) {
            *error = QStringLiteral("no meta certificate");
            return false;
        }
        config.setLocalCertificateChain(config.localCertificateChain() << meta);
    }
    return m_http->listen(QStringLiteral("127.0.0.1:0"), error, tls ? &config : nullptr);
}

QUrl DerpFixture::url() const
{
    const QString scheme = m_webSocket ? (m_tls ? QStringLiteral("wss") : QStringLiteral("ws"))
                                       : (m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    return QUrl(QStringLiteral("%1://127.0.0.1:%2/derp").arg(scheme).arg(port()));
}

std::unique_ptr<DerpClient> DerpFixture::connectClient(const crypto::NodePrivate& key, const DerpClient::Options& options)
{
    auto client = std::make_unique<DerpClient>(key);
    DerpClient::Options o = options;
    o.ignoreTlsErrors = true;
    client->setOptions(o);
    QSignalSpy connected(client.get(), &DerpClient::connected);
    QSignalSpy disconnected(client.get(), &DerpClient::disconnected);
    client->connectToServer(url());
    QElapsedTimer timer;
    timer.start();
    while (connected.isEmpty() && disconnected.isEmpty() && timer.elapsed() < 10000)
        QTest::qWait(5);
    if (connected.isEmpty())
        return nullptr;
    return client;
}

QByteArray DerpFixture::rawExchange(const QByteArray& request, int timeoutMs, bool* closed)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    if (!socket.waitForConnected(5000)) {
        *closed = true;
        return {};
    }
    socket.write(request);
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    *closed = false;
    while (timer.elapsed() < timeoutMs) {
        QTest::qWait(5);
        got += socket.readAll();
        if (socket.state() != QAbstractSocket::ConnectedState) {
            got += socket.readAll();
            *closed = true;
            break;
        }
    }
    return got;
}

} // namespace keel::derp::test
