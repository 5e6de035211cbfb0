// TLS defaults of `keel serve` with tls_cert_path/tls_key_path, checked from outside with the
// openssl command line (as an auditor would): TLS 1.2 and 1.3 are accepted, TLS 1.0/1.1 are
// refused, and so is every weak cipher suite (NULL, export, RC4, DES/3DES, anonymous, static RSA
// key exchange, CBC) even when the client offers nothing else. The client is told to offer them
// (@SECLEVEL=0), so a refusal is the server's, not OpenSSL's own client policy.
#include "KeelProcess.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using keel::test::KeelProcess;

namespace {

struct Handshake
{
    bool ok = false;
    QByteArray output;
};

Handshake sClient(quint16 port, const QStringList& options)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("openssl"), QStringList{QStringLiteral("s_client"), QStringLiteral("-connect"),
                                                  QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("-servername"),
                                                  QStringLiteral("localhost")} + options);
    p.closeWriteChannel();   // EOF on stdin: s_client ends after the handshake
    Handshake h;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        h.output = "timed out";
        return h;
    }
    h.output = p.readAll();
    // A completed handshake prints "New, TLSv1.x, Cipher is <suite>"; a refused one "New, (NONE),
    // Cipher is (NONE)". (Not the session's "Protocol" line: with TLS 1.3 s_client prints the
    // session only if the server's ticket arrived before stdin's end made it quit.)
    static const QRegularExpression done(QStringLiteral("New, TLSv1(\\.[0-9])?, Cipher is [A-Z0-9_-]+"));
    h.ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 && done.match(QString::fromLatin1(h.output)).hasMatch()
        && !h.output.contains("Cipher is (NONE)");
    return h;
}

} // namespace

class TestTlsDefaults : public QObject
{
    Q_OBJECT

private:
    KeelProcess m_keel;

private slots:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty(),
                 "the openssl command line is needed (Debian package openssl, installed by scripts/setup.sh --test)");
        // An RSA certificate: it allows the most cipher suites, weak ones included, to be tried.
        QProcess gen;
        gen.setWorkingDirectory(m_keel.dir());
        gen.setProcessChannelMode(QProcess::MergedChannels);
        gen.start(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                                             QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("key.pem"), QStringLiteral("-out"),
                                             QStringLiteral("cert.pem"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                                             QStringLiteral("/CN=localhost")});
        QVERIFY(gen.waitForFinished(60000));
        QVERIFY2(gen.exitCode() == 0, gen.readAll().constData());
        m_keel.writeConfig("tls_cert_path: cert.pem\ntls_key_path: key.pem\n");
        QString error;
        QVERIFY2(m_keel.start(true, &error), qPrintable(error));
    }

    void modernProtocolsAreAccepted_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::newRow("TLS 1.2") << QStringLiteral("-tls1_2");
        QTest::newRow("TLS 1.3") << QStringLiteral("-tls1_3");
    }

    void modernProtocolsAreAccepted()
    {
        QFETCH(QString, flag);
        const Handshake h = sClient(m_keel.port(), {flag});
        QVERIFY2(h.ok, h.output.right(600).constData()); // the end says why (the start is the certificate)
    }

    void oldProtocolsAreRefused_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::newRow("TLS 1.0") << QStringLiteral("-tls1");
        QTest::newRow("TLS 1.1") << QStringLiteral("-tls1_1");
    }

    void oldProtocolsAreRefused()
    {
        QFETCH(QString, flag);
        const Handshake h = sClient(m_keel.port(), {flag, QStringLiteral("-cipher"), QStringLiteral("ALL:@SECLEVEL=0")});
        QVERIFY2(!h.ok, h.output.constData());
        // The server said no (an alert), the client did not give up on its own.
        QVERIFY2(h.output.contains("alert") || h.output.contains("unsupported protocol") || h.output.contains("wrong version"),
                 h.output.constData());
    }

    void weakCiphersAreRefused_data()
    {
        QTest::addColumn<QString>("ciphers");
        QTest::newRow("NULL") << QStringLiteral("eNULL:aNULL");
        QTest::newRow("RC4") << QStringLiteral("RC4");
        QTest::newRow("DES and 3DES") << QStringLiteral("DES:3DES");
        QTest::newRow("export and low") << QStringLiteral("EXPORT:LOW");
        QTest::newRow("static RSA key exchange") << QStringLiteral("kRSA");
        QTest::newRow("CBC, even with ECDHE") << QStringLiteral("ECDHE+AES128+SHA:ECDHE+AES256+SHA:ECDHE+AES+SHA256:ECDHE+AES+SHA384");
        QTest::newRow("MD5 and SHA-1 MACs in CBC suites") << QStringLiteral("MD5:SHA1");
    }

    void weakCiphersAreRefused()
    {
        QFETCH(QString, ciphers);
        const Handshake h = sClient(m_keel.port(), {QStringLiteral("-tls1_2"), QStringLiteral("-cipher"), ciphers + QStringLiteral(":@SECLEVEL=0")});
        QVERIFY2(!h.ok, h.output.constData());
        QVERIFY2(!h.output.contains("no ciphers available"), "the client offered the suites");
    }

    void strongTls12CiphersAreAccepted()
    {
        // What Go's crypto/tls (tailscaled) offers for TLS 1.2 with an RSA certificate.
        for (const char* suite : {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"}) {
            const Handshake h = sClient(m_keel.port(), {QStringLiteral("-tls1_2"), QStringLiteral("-cipher"), QLatin1String(suite)});
            QVERIFY2(h.ok && h.output.contains(suite), h.output.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestTlsDefaults)
#include "tst_tlsdefaults.moc"
