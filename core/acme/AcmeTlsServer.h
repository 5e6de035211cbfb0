#pragma once

#include <QSslConfiguration>
#include <QTcpServer>

namespace keel::acme {

class ChallengeStore;

// The HTTPS listener when the certificate comes from ACME. It differs from QSslServer in two ways:
// the certificate can be replaced while it runs (renewal: new connections get the new one), and it
// reads the ClientHello before the handshake so that a TLS-ALPN-01 validator (ALPN "acme-tls/1")
// gets the challenge certificate instead (RFC 8737). Connections are queued as pending once their
// handshake finished, like QSslServer's, so HttpServer serves them as it serves any TLS listener.
class AcmeTlsServer : public QTcpServer
{
public:
    explicit AcmeTlsServer(const ChallengeStore* challenges, QObject* parent = nullptr);
    void setChallenges(const ChallengeStore* challenges) { m_challenges = challenges; }

    // The certificate chain and key for ordinary connections; applies to connections accepted from
    // now on. Until one is set, only challenge connections are served (others are closed).
    void setConfiguration(const QSslConfiguration& configuration);
    bool hasCertificate() const { return !m_configuration.localCertificate().isNull(); }
    QSslConfiguration configuration() const { return m_configuration; }

    static constexpr int kHandshakeTimeoutMs = 10'000;
    static constexpr int kMaxInspecting = 512;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void inspect(qintptr descriptor);
    void decide(qintptr descriptor, const QList<QByteArray>& alpn);
    void startTls(qintptr descriptor, const QSslConfiguration& configuration, bool challenge);

    const ChallengeStore* m_challenges;
    QSslConfiguration m_configuration;
    int m_inspecting = 0;
};

} // namespace keel::acme
