#pragma once

#include "acme/AccountKey.h"

#include <QByteArray>
#include <QString>

namespace keel::acme {

// The PKCS#10 request sent to finalize an order (RFC 8555 7.4): one DNS name, in the subject's
// CN and the subjectAltName, signed with the certificate's own (new) key.
struct CertificateRequest
{
    // DER; empty on failure.
    static QByteArray der(const QString& hostname, const AccountKey& certificateKey);
};

} // namespace keel::acme
