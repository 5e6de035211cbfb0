#pragma once

#include "acme/TlsAlpnCertificate.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace keel::acme {

// The answers to the challenges in flight, read by the listeners that serve them: HTTP-01 key
// authorizations by token (/.well-known/acme-challenge/<token>) and TLS-ALPN-01 certificates by
// hostname. Entries are added before Keel tells the CA to validate and removed once it decided.
class ChallengeStore
{
public:
    void setHttp01(const QByteArray& token, const QByteArray& keyAuthorization) { m_http01.insert(token, keyAuthorization); }
    void removeHttp01(const QByteArray& token) { m_http01.remove(token); }
    QByteArray http01(const QByteArray& token) const { return m_http01.value(token); }

    void setTlsAlpn(const QString& hostname, const TlsAlpnCertificate& cert) { m_tlsAlpn.insert(hostname.toLower(), cert); }
    void removeTlsAlpn(const QString& hostname) { m_tlsAlpn.remove(hostname.toLower()); }
    // Any pending one: the validator's ClientHello is read for ALPN only, not for its SNI.
    TlsAlpnCertificate anyTlsAlpn() const { return m_tlsAlpn.isEmpty() ? TlsAlpnCertificate() : m_tlsAlpn.begin().value(); }
    TlsAlpnCertificate tlsAlpn(const QString& hostname) const { return m_tlsAlpn.value(hostname.toLower()); }

private:
    QHash<QByteArray, QByteArray> m_http01;
    QHash<QString, TlsAlpnCertificate> m_tlsAlpn;
};

} // namespace keel::acme
