#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace keel::acme {

// The self-signed certificate a TLS-ALPN-01 validator must see (RFC 8737 3): the hostname as its
// only subjectAltName and the critical acmeIdentifier extension (1.3.6.1.5.5.7.1.31) holding
// SHA-256 of the key authorization. Offered only on connections that ask for ALPN "acme-tls/1".
struct TlsAlpnCertificate
{
    QSslCertificate certificate;
    QSslKey key;
    bool isNull() const { return certificate.isNull() || key.isNull(); }

    static TlsAlpnCertificate make(const QString& hostname, const QByteArray& keyAuthorization);
};

} // namespace keel::acme
