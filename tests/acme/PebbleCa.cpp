#include "PebbleCa.h"

#include "ChildProcess.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUdpSocket>

namespace keel::test {

PebbleCa::PebbleCa(QString dir)
    : m_dir(std::move(dir))
{
}

PebbleCa::~PebbleCa()
{
    stop();
}

bool PebbleCa::available(QString* why)
{
    for (const char* tool : {"pebble", "pebble-challtestsrv", "openssl"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            *why = QStringLiteral("%1 is not installed (scripts/setup.sh --test installs it)").arg(QString::fromLatin1(tool));
            return false;
        }
    }
    return true;
}

quint16 PebbleCa::freePort()
{
    // Free for both TCP and UDP (the DNS server takes both).
    for (int i = 0; i < 50; ++i) {
        QTcpServer tcp;
        if (!tcp.listen(QHostAddress::LocalHost, 0))
            continue;
        QUdpSocket udp;
        if (udp.bind(QHostAddress::LocalHost, tcp.serverPort()))
            return tcp.serverPort();
    }
    return 0;
}

bool PebbleCa::makeHttpsCertificate(QString* error)
{
    QProcess openssl;
    openssl.setWorkingDirectory(m_dir);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("pebble-key.pem"),
                   QStringLiteral("-out"), QStringLiteral("pebble-cert.pem"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=localhost"), QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0) {
        *error = QStringLiteral("openssl req failed: %1").arg(QString::fromLocal8Bit(openssl.readAllStandardError()));
        return false;
    }
    QFile cert(QDir(m_dir).filePath(QStringLiteral("pebble-cert.pem")));
    if (!cert.open(QIODevice::ReadOnly))
        return false;
    m_httpsTrust = QSslCertificate::fromData(cert.readAll(), QSsl::Pem);
    return !m_httpsTrust.isEmpty();
}

bool PebbleCa::start(const Options& options, QString* error)
{
    if (m_httpsTrust.isEmpty() && !makeHttpsCertificate(error))
        return false;
    const quint16 dnsPort = freePort();
    m_acmePort = freePort();
    m_managementPort = freePort();
    startDns(dnsPort);
    const QString configPath = writeConfig(options);
    if (configPath.isEmpty()) {
        *error = QStringLiteral("cannot write pebble's config in %1").arg(m_dir);
        return false;
    }
    return startPebble(configPath, dnsPort, options, error) && waitForPorts({m_acmePort, m_managementPort, dnsPort}, error);
}

void PebbleCa::startDns(quint16 dnsPort)
{
    const quint16 dnsManagement = freePort();
    m_dns = std::make_unique<QProcess>();
    m_dns->setProcessChannelMode(QProcess::MergedChannels);
    keel::test::dieWithTest(*m_dns);
    m_dns->start(QStringLiteral("pebble-challtestsrv"),
                 {QStringLiteral("-dns01"), QStringLiteral("127.0.0.1:%1").arg(dnsPort), QStringLiteral("-http01"), QString(),
                  QStringLiteral("-https01"), QString(), QStringLiteral("-tlsalpn01"), QString(), QStringLiteral("-management"),
                  QStringLiteral("127.0.0.1:%1").arg(dnsManagement), QStringLiteral("-defaultIPv6"), QString()});
}

QString PebbleCa::writeConfig(const Options& options) const
{
    QJsonObject pebble{{QStringLiteral("listenAddress"), QStringLiteral("127.0.0.1:%1").arg(m_acmePort)},
                       {QStringLiteral("managementListenAddress"), QStringLiteral("127.0.0.1:%1").arg(m_managementPort)},
                       {QStringLiteral("certificate"), QDir(m_dir).filePath(QStringLiteral("pebble-cert.pem"))},
                       {QStringLiteral("privateKey"), QDir(m_dir).filePath(QStringLiteral("pebble-key.pem"))},
                       {QStringLiteral("httpPort"), int(options.httpPort)},
                       {QStringLiteral("tlsPort"), int(options.tlsPort)},
                       {QStringLiteral("ocspResponderURL"), QString()},
                       {QStringLiteral("externalAccountBindingRequired"), false}};
    if (options.certificateValiditySeconds > 0)
        pebble.insert(QStringLiteral("certificateValidityPeriod"), options.certificateValiditySeconds);
    const QString configPath = QDir(m_dir).filePath(QStringLiteral("pebble-config.json"));
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    config.write(QJsonDocument(QJsonObject{{QStringLiteral("pebble"), pebble}}).toJson());
    return configPath;
}

bool PebbleCa::startPebble(const QString& configPath, quint16 dnsPort, const Options& options, QString* error)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PEBBLE_VA_NOSLEEP"), QStringLiteral("1"));
    env.remove(QStringLiteral("PEBBLE_VA_ALWAYS_VALID"));
    if (options.nonceRejectPercent >= 0)
        env.insert(QStringLiteral("PEBBLE_WFE_NONCEREJECT"), QString::number(options.nonceRejectPercent));
    m_pebble = std::make_unique<QProcess>();
    m_pebble->setProcessEnvironment(env);
    m_pebble->setProcessChannelMode(QProcess::MergedChannels);
    m_pebble->setWorkingDirectory(m_dir);
    keel::test::dieWithTest(*m_pebble);
    m_pebble->start(QStringLiteral("pebble"), {QStringLiteral("-config"), configPath, QStringLiteral("-dnsserver"),
                                               QStringLiteral("127.0.0.1:%1").arg(dnsPort)});
    QByteArray out;
    for (int i = 0; i < 300 && !out.contains("ACME directory available at"); ++i) {
        if (m_pebble->state() == QProcess::NotRunning)
            break;
        m_pebble->waitForReadyRead(100);
        out += m_pebble->readAll();
    }
    m_pebbleLog = out;
    if (!out.contains("ACME directory available at")) {
        *error = QStringLiteral("pebble did not start: %1").arg(QString::fromLocal8Bit(out));
        return false;
    }
    return true;
}

bool PebbleCa::waitForPorts(const QList<quint16>& ports, QString* error)
{
    // pebble logs its addresses before it binds them: wait until they accept connections.
    for (const quint16 port : ports) {
        bool up = false;
        for (int i = 0; i < 200 && !up; ++i) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, port);
            up = probe.waitForConnected(1000);
            if (!up)
                QThread::msleep(50);
        }
        if (!up) {
            *error = QStringLiteral("pebble or its DNS server does not accept connections on port %1: %2").arg(port).arg(log());
            return false;
        }
    }
    return true;
}

void PebbleCa::stop()
{
    for (auto* p : {m_pebble.get(), m_dns.get()}) {
        if (p && p->state() != QProcess::NotRunning) {
            p->terminate();
            if (!p->waitForFinished(5000)) {
                p->kill();
                p->waitForFinished(5000);
            }
        }
    }
    m_pebble.reset();
    m_dns.reset();
}

QUrl PebbleCa::directory() const
{
    return QUrl(QStringLiteral("https://127.0.0.1:%1/dir").arg(m_acmePort));
}

QString PebbleCa::log() const
{
    QString text = QString::fromLocal8Bit(m_pebbleLog);
    if (m_pebble)
        text += QString::fromLocal8Bit(m_pebble->readAll());
    return text;
}

QSslCertificate PebbleCa::issuingRoot() const
{
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(QStringLiteral("https://127.0.0.1:%1/roots/0").arg(m_managementPort)));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(m_httpsTrust);
    request.setSslConfiguration(tls);
    request.setTransferTimeout(10000);
    QNetworkReply* reply = nam.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QList<QSslCertificate> roots = QSslCertificate::fromData(reply->readAll(), QSsl::Pem);
    delete reply;
    return roots.isEmpty() ? QSslCertificate() : roots.first();
}

QSslCertificate PebbleCa::servedCertificate(quint16 port, const QString& hostname, const QSslCertificate& root, QString* error)
{
    QSslSocket socket;
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setCaCertificates({root});
    socket.setSslConfiguration(c);
    QEventLoop loop;
    QObject::connect(&socket, &QSslSocket::encrypted, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QAbstractSocket::errorOccurred, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QSslSocket::sslErrors, &loop, [&](const QList<QSslError>& errors) {
        for (const QSslError& e : errors)
            *error += e.errorString() + QLatin1Char(';');
        loop.quit();
    });
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, hostname);
    loop.exec();
    if (!socket.isEncrypted()) {
        *error += socket.errorString();
        return QSslCertificate();
    }
    return socket.peerCertificate();
}

} // namespace keel::test
