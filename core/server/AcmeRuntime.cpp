#include "server/AcmeRuntime.h"

#include "acme/AcmeManager.h"
#include "acme/AcmeTlsServer.h"
#include "acme/Http01Route.h"
#include "common/Log.h"
#include "http/HttpServer.h"

#include <QSslSocket>

namespace keel::server {

AcmeRuntime::AcmeRuntime(const config::Config& config, const QSslCertificate& derpMetaCertificate, QObject* parent)
    : QObject(parent)
    , m_config(config)
    , m_derpMeta(derpMetaCertificate)
{
}

AcmeRuntime::~AcmeRuntime() = default;

QString AcmeRuntime::numericListen(const QString& listen)
{
    if (listen.endsWith(QLatin1String(":http")))
        return listen.chopped(4) + QStringLiteral("80");
    if (listen.endsWith(QLatin1String(":https")))
        return listen.chopped(5) + QStringLiteral("443");
    return listen;
}

QString AcmeRuntime::describeTls(const config::Config& config)
{
    const auto& letsencrypt = config.tls.letsencrypt;
    if (!letsencrypt.hostname.isEmpty()) {
        const bool http01 = letsencrypt.challengeType != QLatin1String("TLS-ALPN-01");
        return QStringLiteral("TLS: ACME certificate for %1 from %2 by %3%4, cached in %5, renewed when a third of its lifetime is left%6")
            .arg(letsencrypt.hostname, config.acmeUrl, letsencrypt.challengeType,
                 http01 ? QStringLiteral(" (challenges on %1)").arg(numericListen(letsencrypt.listen)) : QStringLiteral(" (on %1)").arg(config.listenAddr),
                 letsencrypt.cacheDir,
                 qEnvironmentVariableIsEmpty("KEEL_ACME_CA_BUNDLE") ? QString()
                                                                   : QStringLiteral("; extra CAs from KEEL_ACME_CA_BUNDLE=%1").arg(qEnvironmentVariable("KEEL_ACME_CA_BUNDLE")));
    }
    if (!config.tls.certPath.isEmpty())
        return QStringLiteral("TLS: certificate from %1, key from %2").arg(config.tls.certPath, config.tls.keyPath);
    return QStringLiteral("TLS: none, %1 serves plain HTTP (a reverse proxy or tls_letsencrypt_hostname/tls_cert_path adds it)").arg(config.listenAddr);
}

bool AcmeRuntime::start(QString* error)
{
    const auto& letsencrypt = m_config.tls.letsencrypt;
    acme::AcmeManager::Options o;
    o.hostname = letsencrypt.hostname;
    o.challenge = letsencrypt.challengeType == QLatin1String("TLS-ALPN-01") ? acme::AcmeOrder::Challenge::TlsAlpn01 : acme::AcmeOrder::Challenge::Http01;
    o.directory = QUrl(m_config.acmeUrl);
    o.email = m_config.acmeEmail;
    o.cacheDir = letsencrypt.cacheDir;
    QString bundleError;
    o.extraCas = acme::AcmeManager::caBundleFromEnvironment(&bundleError);
    if (!bundleError.isEmpty()) {
        *error = bundleError;
        return false;
    }
    if (!o.extraCas.isEmpty())
        qCInfo(lcServer).noquote() << "ACME: trusting" << o.extraCas.size() << "extra CA certificate(s) from KEEL_ACME_CA_BUNDLE for" << m_config.acmeUrl;
    m_manager = std::make_unique<acme::AcmeManager>(o);

    if (o.challenge == acme::AcmeOrder::Challenge::Http01) {
        acme::Http01Route::install(m_challengeRouter, m_manager->challenges(), m_config.serverUrl);
        m_challengeServer = std::make_unique<http::HttpServer>(m_challengeRouter);
        const QString listen = numericListen(letsencrypt.listen);
        if (!m_challengeServer->listen(listen, error)) {
            *error = QStringLiteral("tls_letsencrypt_listen: %1").arg(*error);
            return false;
        }
        qCInfo(lcServer).noquote() << QStringLiteral("ACME HTTP-01 challenges on http://%1 (port %2); other requests there are redirected to %3")
                                          .arg(listen).arg(m_challengeServer->tcpPort()).arg(m_config.serverUrl);
    }
    m_listener = std::make_unique<acme::AcmeTlsServer>(&m_manager->challenges());
    m_live = m_listener.get();
    connect(m_manager.get(), &acme::AcmeManager::certificateChanged, this, &AcmeRuntime::apply);
    if (!m_manager->start(error))
        return false;
    if (m_manager->hasCertificate())
        apply();
    return true;
}

std::unique_ptr<QTcpServer> AcmeRuntime::takeListener()
{
    return std::move(m_listener);
}

quint16 AcmeRuntime::challengePort() const
{
    return m_challengeServer ? m_challengeServer->tcpPort() : 0;
}

void AcmeRuntime::apply()
{
    if (!m_live)
        return;
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    QList<QSslCertificate> chain = m_manager->chain();
    if (!m_derpMeta.isNull())
        chain << m_derpMeta;
    c.setLocalCertificateChain(chain);
    c.setPrivateKey(m_manager->key());
    c.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_live->setConfiguration(c);
}

} // namespace keel::server
