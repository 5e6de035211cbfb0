#pragma once

#include "config/Config.h"
#include "http/Router.h"

#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QTcpServer>

#include <memory>

namespace keel::acme {
class AcmeManager;
class AcmeTlsServer;
}
namespace keel::http {
class HttpServer;
}

namespace keel::server {

// TLS by ACME for a running server (tls_letsencrypt_hostname): the certificate manager, the plain
// listener for HTTP-01 (tls_letsencrypt_listen) and the HTTPS listener the public server listens
// with, whose certificate is replaced on every issuance and renewal. The embedded DERP's meta
// certificate, when there is one, ends the served chain as with tls_cert_path.
class AcmeRuntime : public QObject
{
public:
    AcmeRuntime(const config::Config& config, const QSslCertificate& derpMetaCertificate, QObject* parent = nullptr);
    ~AcmeRuntime() override;

    // Opens the HTTP-01 listener, loads the cache and starts the first check (asynchronous).
    bool start(QString* error);
    // The HTTPS listener for http::HttpServer::listen (once).
    std::unique_ptr<QTcpServer> takeListener();

    const acme::AcmeManager& manager() const { return *m_manager; }
    quint16 challengePort() const;

    // One line for `keel configtest`: where the HTTPS certificate comes from (ACME, files, none).
    static QString describeTls(const config::Config& config);
    // Headscale's listen syntax for tls_letsencrypt_listen: ":http" and ":https" name ports 80 and 443.
    static QString numericListen(const QString& listen);

private:
    void apply();

    const config::Config& m_config;
    QSslCertificate m_derpMeta;
    std::unique_ptr<acme::AcmeManager> m_manager;
    http::Router m_challengeRouter;
    std::unique_ptr<http::HttpServer> m_challengeServer;
    std::unique_ptr<acme::AcmeTlsServer> m_listener;   // until taken
    QPointer<acme::AcmeTlsServer> m_live;              // owned by the public HttpServer
};

} // namespace keel::server
