#include "derp/MetaCertificate.h"

#include "derp/DerpProtocol.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace keel::derp {

namespace {

template <auto Free>
struct Deleter
{
    template <typename T>
    void operator()(T* p) const { Free(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

constexpr long ThirtyDays = 30L * 24 * 3600;

} // namespace

QSslCertificate MetaCertificate::create(const crypto::NodePublic& serverKey)
{
    PKeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    X509Ptr cert(X509_new());
    if (!key || !cert)
        return QSslCertificate();
    const QByteArray commonName = QByteArray(CommonNamePrefix) + serverKey.toByteArray().toHex();
    X509_NAME* name = X509_get_subject_name(cert.get());
    // Go's x509.CreateCertificate with BasicConstraintsValid (macOS wants it on self-signed certs).
    ExtPtr basic(X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:FALSE"));
    const bool ok = X509_set_version(cert.get(), X509_VERSION_3)
        && ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ProtocolVersion)
        && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -ThirtyDays)
        && X509_gmtime_adj(X509_getm_notAfter(cert.get()), ThirtyDays)
        // 71 characters: above RFC 5280's 64 for a CN, which OpenSSL enforces for MBSTRING_*
        // input. Go does not; a raw PrintableString (Go's choice for this text) skips the check.
        && X509_NAME_add_entry_by_txt(name, "CN", V_ASN1_PRINTABLESTRING,
                                      reinterpret_cast<const unsigned char*>(commonName.constData()), int(commonName.size()), -1, 0)
        && X509_set_issuer_name(cert.get(), name)
        && X509_set_pubkey(cert.get(), key.get())
        && basic && X509_add_ext(cert.get(), basic.get(), -1)
        && X509_sign(cert.get(), key.get(), nullptr) > 0;   // Ed25519 takes no separate digest
    if (!ok)
        return QSslCertificate();
    const int length = i2d_X509(cert.get(), nullptr);
    if (length <= 0)
        return QSslCertificate();
    QByteArray der(length, Qt::Uninitialized);
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    i2d_X509(cert.get(), &out);
    return QSslCertificate(der, QSsl::Der);
}

std::optional<MetaCertificate::Found> MetaCertificate::find(const QList<QSslCertificate>& chain)
{
    for (const QSslCertificate& cert : chain) {
        const QStringList names = cert.subjectInfo(QSslCertificate::CommonName);
        if (names.isEmpty() || !names.first().startsWith(QLatin1String(CommonNamePrefix)))
            continue;
        const QByteArray hex = names.first().mid(int(qstrlen(CommonNamePrefix))).toLatin1();
        const QByteArray raw = QByteArray::fromHex(hex);
        if (hex.size() != 2 * KeyLength || raw.toHex() != hex.toLower())
            continue;
        // The serial as Qt shows it: hex bytes separated by colons ("02").
        bool numeric = false;
        const uint serial = cert.serialNumber().replace(':', "").toUInt(&numeric, 16);
        if (!numeric || serial > 255)
            continue;
        const auto key = crypto::NodePublic::fromBytes(raw);
        if (!key)
            continue;
        return Found{*key, int(serial)};
    }
    return std::nullopt;
}

} // namespace keel::derp
