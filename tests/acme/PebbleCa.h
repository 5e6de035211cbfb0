#pragma once

#include <QList>
#include <QProcess>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <memory>

namespace keel::test {

// A real ACME CA on loopback for the tests: Debian's `pebble`, with `pebble-challtestsrv` as its
// DNS server answering every name with 127.0.0.1 (no AAAA), so the CA validates challenges
// against the Keel listeners on this machine. Ports are chosen free; pebble's HTTPS certificate is
// made with the `openssl` tool in `dir`. Both processes are stopped by stop() or the destructor.
class PebbleCa
{
public:
    struct Options
    {
        quint16 httpPort = 0;              // where the CA validates HTTP-01 (Keel's plain listener)
        quint16 tlsPort = 0;               // where it validates TLS-ALPN-01 (Keel's TLS listener)
        int certificateValiditySeconds = 0; // 0 = pebble's default (years)
        int nonceRejectPercent = -1;        // -1 = pebble's default (5%)
    };

    explicit PebbleCa(QString dir);
    ~PebbleCa();
    PebbleCa(const PebbleCa&) = delete;
    PebbleCa& operator=(const PebbleCa&) = delete;

    static bool available(QString* why);
    bool start(const Options& options, QString* error);
    void stop();

    QUrl directory() const;
    // pebble's own HTTPS certificate: what the client must trust to talk to it.
    QList<QSslCertificate> httpsTrust() const { return m_httpsTrust; }
    // The root of the chains it issues (management endpoint /roots/0); null on failure.
    QSslCertificate issuingRoot() const;
    QString log() const;

    static quint16 freePort();
    // What a TLS client that trusts only `root` sees on 127.0.0.1:`port` when it asks for
    // `hostname`: the served leaf certificate, or null with `error` set. Runs the event loop
    // (the server may live on this thread).
    static QSslCertificate servedCertificate(quint16 port, const QString& hostname, const QSslCertificate& root, QString* error);

private:
    bool makeHttpsCertificate(QString* error);
    void startDns(quint16 dnsPort);
    QString writeConfig(const Options& options) const;   // the config file's path, empty on failure
    bool startPebble(const QString& configPath, quint16 dnsPort, const Options& options, QString* error);
    bool waitForPorts(const QList<quint16>& ports, QString* error);

    QString m_dir;
    quint16 m_acmePort = 0, m_managementPort = 0;
    QList<QSslCertificate> m_httpsTrust;
    std::unique_ptr<QProcess> m_pebble, m_dns;
    QByteArray m_pebbleLog;
};

} // namespace keel::test
