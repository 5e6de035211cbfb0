#include "acme/CertificateRequest.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace keel::acme {

QByteArray CertificateRequest::der(const QString& hostname, const AccountKey& certificateKey)
{
    if (certificateKey.isNull() || hostname.isEmpty())
        return {};
    const QByteArray host = hostname.toLatin1();
    X509_REQ* req = X509_REQ_new();
    X509_NAME* name = X509_NAME_new();
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    QByteArray out;
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(host.constData()), -1, -1, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, ("DNS:" + host).constData());
    if (san)
        sk_X509_EXTENSION_push(exts, san);
    if (san && X509_REQ_set_version(req, 0) == 1 && X509_REQ_set_subject_name(req, name) == 1
        && X509_REQ_add_extensions(req, exts) == 1 && X509_REQ_set_pubkey(req, certificateKey.handle()) == 1
        && X509_REQ_sign(req, certificateKey.handle(), EVP_sha256()) > 0) {
        const int len = i2d_X509_REQ(req, nullptr);
        if (len > 0) {
            out.resize(len);
            unsigned char* p = reinterpret_cast<unsigned char*>(out.data());
            i2d_X509_REQ(req, &p);
        }
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    X509_NAME_free(name);
    X509_REQ_free(req);
    return out;
}

} // namespace keel::acme
