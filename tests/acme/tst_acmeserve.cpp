// A real `keel serve` with Headscale's ACME keys against pebble: the certificate is obtained at
// start (HTTP-01 on tls_letsencrypt_listen), served on listen_addr, cached, and `keel configtest`
// says ACME is in force.
#include "KeelProcess.h"
#include "PebbleCa.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTest>

using keel::test::KeelProcess;
using keel::test::PebbleCa;

class TestAcmeServe : public QObject
{
    Q_OBJECT

private slots:
    void serveObtainsAndServesCertificate()
    {
        QString why;
        if (!PebbleCa::available(&why))
            QFAIL(qPrintable(why));
        KeelProcess keel;
        const quint16 challengePort = PebbleCa::freePort();
        PebbleCa ca(keel.dir());
        QString error;
        QVERIFY2(ca.start({challengePort, keel.port(), 0, -1}, &error), qPrintable(error));
        const QString bundle = QDir(keel.dir()).filePath(QStringLiteral("pebble-cert.pem"));   // written by PebbleCa
        QVERIFY(QFile::exists(bundle));
        keel.addEnvironment(QStringLiteral("KEEL_ACME_CA_BUNDLE"), bundle);
        keel.writeConfig("tls_letsencrypt_hostname: keel.example.com\n"
                         "tls_letsencrypt_challenge_type: HTTP-01\n"
                         "tls_letsencrypt_listen: 127.0.0.1:" + QByteArray::number(challengePort) + "\n"
                         "tls_letsencrypt_cache_dir: acme-cache\n"
                         "acme_url: " + ca.directory().toEncoded() + "\n"
                         "acme_email: ops@example.com\n");

        const auto test = keel.cli({QStringLiteral("-c"), keel.configPath(), QStringLiteral("configtest")});
        QVERIFY2(test.exitCode == 0, test.err.constData());
        QVERIFY2(test.out.contains("TLS: ACME certificate for keel.example.com from " + ca.directory().toEncoded() + " by HTTP-01"),
                 test.out.constData());

        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QSslCertificate root = ca.issuingRoot();
        QVERIFY(!root.isNull());
        QSslCertificate leaf;
        QDeadlineTimer deadline(60000);
        while (leaf.isNull() && !deadline.hasExpired()) {
            error.clear();
            leaf = PebbleCa::servedCertificate(keel.port(), QStringLiteral("keel.example.com"), root, &error);
            if (leaf.isNull())
                QTest::qWait(200);
        }
        QVERIFY2(!leaf.isNull(), qPrintable(error + QLatin1Char('\n') + QString::fromLocal8Bit(keel.serverLog())));
        QVERIFY(leaf.subjectAlternativeNames().values(QSsl::DnsEntry).contains(QStringLiteral("keel.example.com")));
        const QByteArray log = keel.serverLog();
        QVERIFY2(log.contains("obtained a certificate for keel.example.com"), log.constData());
        QVERIFY2(log.contains("listening on https://"), log.constData());
        QVERIFY(QFile::exists(QDir(keel.dir()).filePath(QStringLiteral("acme-cache/keel.example.com.pem"))));
        QVERIFY(QFile::exists(QDir(keel.dir()).filePath(QStringLiteral("acme-cache/account.key"))));
        // No secret in the log: neither the account key nor the certificate key.
        QVERIFY(!log.contains("PRIVATE KEY"));

        // A restart with the CA gone serves the cached certificate.
        keel.stop();
        ca.stop();
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        error.clear();
        const QSslCertificate again = PebbleCa::servedCertificate(keel.port(), QStringLiteral("keel.example.com"), root, &error);
        QVERIFY2(again == leaf, qPrintable(error + QLatin1Char('\n') + QString::fromLocal8Bit(keel.serverLog())));
        QVERIFY(keel.serverLog().contains("serving the cached certificate for keel.example.com"));
    }
};

QTEST_MAIN(TestAcmeServe)
#include "tst_acmeserve.moc"
