#include "acme/TlsAlpnCertificate.h"

#include "acme/AccountKey.h"

#include <QCryptographicHash>

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace keel::acme {

namespace {

bool addAcmeIdentifier(X509* cert, const QByteArray& keyAuthorization)
{
    // extnValue is the DER of an OCTET STRING holding the 32-byte digest.
    QByteArray value("\x04\x20", 2);
    value += QCryptographicHash::hash(keyAuthorization, QCryptographicHash::Sha256);
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
    ASN1_OCTET_STRING* data = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(data, reinterpret_cast<const unsigned char*>(value.constData()), int(value.size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 1, data);
    const bool ok = ext && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(data);
    ASN1_OBJECT_free(oid);
    return ok;
}

QByteArray certificatePem(X509* cert)
{
    BIO* bio = BIO_new(BIO_s_mem());
    QByteArray out;
    if (PEM_write_bio_X509(bio, cert) == 1) {
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        out = QByteArray(data, int(len));
    }
    BIO_free(bio);
    return out;
}

} // namespace

TlsAlpnCertificate TlsAlpnCertificate::make(const QString& hostname, const QByteArray& keyAuthorization)
{
    const AccountKey key = AccountKey::generate();
    const QByteArray host = hostname.toLatin1();
    X509* cert = X509_new();
    TlsAlpnCertificate out;
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    X509_NAME* name = X509_NAME_new();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(host.constData()), -1, -1, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, ("DNS:" + host).constData());
    const bool ok = !key.isNull() && san && X509_set_version(cert, 2) == 1
                    && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert))
                    && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) && X509_gmtime_adj(X509_getm_notAfter(cert), 7 * 86400)
                    && X509_set_subject_name(cert, name) == 1 && X509_set_issuer_name(cert, name) == 1
                    && X509_set_pubkey(cert, key.handle()) == 1 && X509_add_ext(cert, san, -1) == 1
                    && addAcmeIdentifier(cert, keyAuthorization) && X509_sign(cert, key.handle(), EVP_sha256()) > 0;
    if (ok) {
        out.certificate = QSslCertificate(certificatePem(cert), QSsl::Pem);
        out.key = QSslKey(key.toPem(), QSsl::Ec, QSsl::Pem);
    }
    X509_EXTENSION_free(san);
    X509_NAME_free(name);
    BN_free(bn);
    X509_free(cert);
    return out;
}

} // namespace keel::acme
