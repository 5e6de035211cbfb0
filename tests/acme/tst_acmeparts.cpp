// The socket-free parts of the ACME client: the ClientHello reader (with a real ClientHello from
// Qt's TLS client), the account key and its JWS signatures (verified with OpenSSL), the TLS-ALPN-01
// certificate's extension, and the cache's file modes.
#include "acme/AccountKey.h"
#include "acme/AcmeCache.h"
#include "acme/ClientHello.h"
#include "acme/Jws.h"
#include "acme/TlsAlpnCertificate.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <sys/stat.h>

using namespace keel::acme;

namespace {

// The first bytes a Qt TLS client sends when it offers `protocols` by ALPN.
QByteArray realClientHello(const QList<QByteArray>& protocols)
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return {};
    QSslSocket client;
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setAllowedNextProtocols(protocols);
    client.setSslConfiguration(c);
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort(), QStringLiteral("keel.example.com"));
    QByteArray hello;
    QTcpSocket* accepted = nullptr;
    (void)QTest::qWaitFor([&] {
        if (!accepted && server.hasPendingConnections())
            accepted = server.nextPendingConnection();
        if (accepted)
            hello += accepted->readAll();
        return ClientHello::parse(hello).result == ClientHello::Result::Complete;
    }, 10000);
    return hello;
}

bool verifyEs256(const AccountKey& key, const QByteArray& data, const QByteArray& raw)
{
    if (raw.size() != 64)
        return false;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.constData()), 32, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.constData()) + 32, 32, nullptr));
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &der);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.handle()) == 1
                    && EVP_DigestVerify(ctx, der, size_t(len), reinterpret_cast<const unsigned char*>(data.constData()), size_t(data.size())) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return ok;
}

} // namespace

class TestAcmeParts : public QObject
{
    Q_OBJECT

private slots:
    void clientHelloFromQt()
    {
        const QByteArray hello = realClientHello({QByteArrayLiteral("acme-tls/1"), QByteArrayLiteral("h2")});
        const ClientHello parsed = ClientHello::parse(hello);
        QCOMPARE(parsed.result, ClientHello::Result::Complete);
        QCOMPARE(parsed.alpn, (QList<QByteArray>{"acme-tls/1", "h2"}));
        // Every prefix of it is "need more", never a misreading.
        for (qsizetype n = 1; n < hello.size(); n += 7)
            QCOMPARE(ClientHello::parse(hello.left(n)).result, ClientHello::Result::NeedMore);
        // Without ALPN: complete, no protocols.
        QVERIFY(ClientHello::parse(realClientHello({})).alpn.isEmpty());
    }

    void clientHelloRefusesOtherBytes()
    {
        QCOMPARE(ClientHello::parse("GET / HTTP/1.1\r\n").result, ClientHello::Result::NotTls);
        QCOMPARE(ClientHello::parse(QByteArray()).result, ClientHello::Result::NeedMore);
        // A record that claims more than it holds, and garbage inside a complete record.
        QByteArray bogus("\x16\x03\x01\x00\x10", 5);
        bogus += QByteArray(16, '\xff');
        const ClientHello parsed = ClientHello::parse(bogus);
        QCOMPARE(parsed.result, ClientHello::Result::Complete);
        QVERIFY(parsed.alpn.isEmpty());
    }

    void accountKeyRoundTripsAndSigns()
    {
        const AccountKey key = AccountKey::generate();
        QVERIFY(!key.isNull());
        const AccountKey again = AccountKey::fromPem(key.toPem());
        QVERIFY(!again.isNull());
        QCOMPARE(again.jwk(), key.jwk());
        QCOMPARE(again.thumbprint(), key.thumbprint());
        QCOMPARE(key.thumbprint().size(), 43);   // base64url of 32 bytes
        QVERIFY(AccountKey::fromPem("not a key").isNull());

        const QByteArray body = Jws::sign(key, QStringLiteral("https://ca/new-order"), "nonce-1", QString(), "{\"a\":1}");
        const QJsonObject jws = QJsonDocument::fromJson(body).object();
        const QByteArray protectedPart = jws.value(QStringLiteral("protected")).toString().toLatin1();
        const QByteArray payloadPart = jws.value(QStringLiteral("payload")).toString().toLatin1();
        const QJsonObject header = QJsonDocument::fromJson(QByteArray::fromBase64(protectedPart, QByteArray::Base64UrlEncoding)).object();
        QCOMPARE(header.value(QStringLiteral("alg")).toString(), QStringLiteral("ES256"));
        QCOMPARE(header.value(QStringLiteral("nonce")).toString(), QStringLiteral("nonce-1"));
        QCOMPARE(header.value(QStringLiteral("jwk")).toObject(), key.jwk());
        QVERIFY(!header.contains(QStringLiteral("kid")));
        const QByteArray signature = QByteArray::fromBase64(jws.value(QStringLiteral("signature")).toString().toLatin1(), QByteArray::Base64UrlEncoding);
        QVERIFY(verifyEs256(key, protectedPart + '.' + payloadPart, signature));
        QVERIFY(!verifyEs256(AccountKey::generate(), protectedPart + '.' + payloadPart, signature));

        // With an account URL: kid instead of jwk; POST-as-GET has an empty payload.
        const QJsonObject asGet = QJsonDocument::fromJson(Jws::sign(key, QStringLiteral("https://ca/authz/1"), "n2",
                                                                    QStringLiteral("https://ca/acct/7"), QByteArray())).object();
        const QJsonObject h2 = QJsonDocument::fromJson(QByteArray::fromBase64(asGet.value(QStringLiteral("protected")).toString().toLatin1(),
                                                                              QByteArray::Base64UrlEncoding)).object();
        QCOMPARE(h2.value(QStringLiteral("kid")).toString(), QStringLiteral("https://ca/acct/7"));
        QVERIFY(!h2.contains(QStringLiteral("jwk")));
        QCOMPARE(asGet.value(QStringLiteral("payload")).toString(), QString());
    }

    void tlsAlpnCertificateCarriesTheChallenge()
    {
        const QByteArray keyAuthorization = "token.thumbprint";
        const TlsAlpnCertificate cert = TlsAlpnCertificate::make(QStringLiteral("keel.example.com"), keyAuthorization);
        QVERIFY(!cert.isNull());
        QCOMPARE(cert.certificate.subjectAlternativeNames().values(QSsl::DnsEntry), QStringList{QStringLiteral("keel.example.com")});
        const QByteArray der = cert.certificate.toDer();
        const unsigned char* p = reinterpret_cast<const unsigned char*>(der.constData());
        X509* x = d2i_X509(nullptr, &p, long(der.size()));
        QVERIFY(x);
        ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
        const int at = X509_get_ext_by_OBJ(x, oid, -1);
        QVERIFY(at >= 0);
        X509_EXTENSION* ext = X509_get_ext(x, at);
        QVERIFY(X509_EXTENSION_get_critical(ext));
        const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
        const QByteArray bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)), ASN1_STRING_length(value));
        QCOMPARE(bytes, QByteArray("\x04\x20", 2) + QCryptographicHash::hash(keyAuthorization, QCryptographicHash::Sha256));
        ASN1_OBJECT_free(oid);
        X509_free(x);
    }

    void cacheFilesArePrivate()
    {
        QTemporaryDir tmp;
        const AcmeCache cache(tmp.filePath(QStringLiteral("a/b")));
        QString error;
        QVERIFY2(cache.prepare(&error), qPrintable(error));
        QVERIFY2(cache.write(QStringLiteral("x.pem"), "secret", &error), qPrintable(error));
        QVERIFY2(cache.write(QStringLiteral("x.pem"), "replaced", &error), qPrintable(error));
        QCOMPARE(cache.read(QStringLiteral("x.pem")), QByteArray("replaced"));
#ifndef Q_OS_WIN // POSIX mode bits; Windows keeps these owner-only with an ACL (test_platform)
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(cache.path(QStringLiteral("x.pem"))).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        QCOMPARE(::stat(QFile::encodeName(cache.dir()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0700);
#endif
        QVERIFY(!QFile::exists(cache.path(QStringLiteral("x.pem.tmp"))));
        QVERIFY(!AcmeCache(QString()).prepare(&error));
    }
};

QTEST_MAIN(TestAcmeParts)
#include "tst_acmeparts.moc"
