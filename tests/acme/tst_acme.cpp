// ACME against a real CA: Debian's pebble on loopback validates real HTTP-01 and TLS-ALPN-01
// challenges against Keel's listeners (no PEBBLE_VA_ALWAYS_VALID), then a TLS client checks what
// Keel serves against pebble's root.
#include "PebbleCa.h"

#include "acme/AcmeManager.h"
#include "acme/AcmeTlsServer.h"
#include "acme/Http01Route.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sys/stat.h>

using namespace keel;
using keel::test::PebbleCa;

namespace {

const QString kHost = QStringLiteral("keel.example.com");

// Keel's two ACME-facing listeners, as the server sets them up: plain HTTP for HTTP-01 and the
// HTTPS listener whose certificate the manager replaces.
struct KeelSide
{
    http::Router plainRouter, tlsRouter;
    std::unique_ptr<http::HttpServer> plain, tls;
    acme::AcmeTlsServer* tlsServer = nullptr;
    std::unique_ptr<acme::AcmeManager> manager;

    bool listen()
    {
        QString error;
        plain = std::make_unique<http::HttpServer>(plainRouter);
        tls = std::make_unique<http::HttpServer>(tlsRouter);
        auto server = std::make_unique<acme::AcmeTlsServer>(nullptr);
        tlsServer = server.get();
        tlsRouter.add("GET", QStringLiteral("/hello"), [](http::HttpRequest&) { return http::HttpResponse::text(200, "hello\n"); });
        return plain->listen(QStringLiteral("127.0.0.1:0"), &error) && tls->listen(QStringLiteral("127.0.0.1:0"), &error, std::move(server));
    }

    // Creates the manager for `ca`, wires it to the listeners, starts it.
    bool start(acme::AcmeManager::Options options, QString* error)
    {
        manager = std::make_unique<acme::AcmeManager>(std::move(options));
        acme::Http01Route::install(plainRouter, manager->challenges(), QStringLiteral("https://") + kHost);
        tlsServer->setChallenges(&manager->challenges());
        auto apply = [this] {
            QSslConfiguration c = QSslConfiguration::defaultConfiguration();
            c.setLocalCertificateChain(manager->chain());
            c.setPrivateKey(manager->key());
            c.setPeerVerifyMode(QSslSocket::VerifyNone);
            tlsServer->setConfiguration(c);
        };
        QObject::connect(manager.get(), &acme::AcmeManager::certificateChanged, manager.get(), apply);
        if (!manager->start(error))
            return false;
        if (manager->hasCertificate())
            apply();
        return true;
    }
};

acme::AcmeManager::Options options(const PebbleCa& ca, const QString& cacheDir, acme::AcmeOrder::Challenge challenge)
{
    acme::AcmeManager::Options o;
    o.hostname = kHost;
    o.challenge = challenge;
    o.directory = ca.directory();
    o.email = QStringLiteral("ops@example.com");
    o.cacheDir = cacheDir;
    o.extraCas = ca.httpsTrust();
    return o;
}

QSslCertificate served(quint16 port, const QSslCertificate& root, QString* error)
{
    return PebbleCa::servedCertificate(port, kHost, root, error);
}

// One HTTP/1.1 GET over TLS (trusting only `root`) to the HTTPS listener; the raw answer.
QByteArray httpsGet(quint16 port, const QSslCertificate& root, const QByteArray& target)
{
    QSslSocket socket;
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setCaCertificates({root});
    socket.setSslConfiguration(c);
    QByteArray answer;
    QEventLoop loop;
    QObject::connect(&socket, &QSslSocket::encrypted, &loop, [&] {
        socket.write("GET " + target + " HTTP/1.1\r\nHost: keel.example.com\r\nConnection: close\r\n\r\n");
    });
    QObject::connect(&socket, &QSslSocket::readyRead, &loop, [&] { answer += socket.readAll(); });
    QObject::connect(&socket, &QSslSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QAbstractSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, kHost);
    loop.exec();
    return answer + socket.readAll();
}

// One HTTP/1.1 GET on the plain listener; the raw answer.
QByteArray plainGet(quint16 port, const QByteArray& target)
{
    QTcpSocket socket;
    QByteArray answer;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] {
        socket.write("GET " + target + " HTTP/1.1\r\nHost: keel.example.com\r\nConnection: close\r\n\r\n");
    });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] { answer += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QAbstractSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();
    return answer + socket.readAll();
}

#ifndef Q_OS_WIN
int modeOf(const QString& path)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}
#endif

} // namespace

class TestAcme : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString why;
        if (!PebbleCa::available(&why))
            QFAIL(qPrintable(why));   // never skip silently: CI installs pebble
        QVERIFY(m_tmp.isValid());
    }

    void http01IssuesServesAndCaches()
    {
        KeelSide keel;
        QVERIFY(keel.listen());
        PebbleCa ca(dir(QStringLiteral("http01-ca")));
        QString error;
        QVERIFY2(ca.start({keel.plain->tcpPort(), keel.tls->tcpPort(), 0, -1}, &error), qPrintable(error));
        const QString cache = dir(QStringLiteral("http01-cache")) + QStringLiteral("/acme");
        QVERIFY2(keel.start(options(ca, cache, acme::AcmeOrder::Challenge::Http01), &error), qPrintable(error));
        QVERIFY(!keel.manager->hasCertificate());
        QSignalSpy changed(keel.manager.get(), &acme::AcmeManager::certificateChanged);
        QSignalSpy failed(keel.manager.get(), &acme::AcmeManager::issuanceFailed);
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() + failed.size() > 0, 60000);
        QVERIFY2(failed.isEmpty(), qPrintable(keel.manager->lastError() + QLatin1Char('\n') + ca.log()));

        const QSslCertificate root = ca.issuingRoot();
        QVERIFY(!root.isNull());
        const QSslCertificate leaf = served(keel.tls->tcpPort(), root, &error);
        QVERIFY2(!leaf.isNull(), qPrintable(error));
        QCOMPARE(leaf, keel.manager->chain().first());
        QVERIFY(leaf.subjectAlternativeNames().values(QSsl::DnsEntry).contains(kHost));
        QVERIFY(keel.manager->chain().size() >= 2);   // leaf and pebble's intermediate
        // Requests over the ACME listener reach the router like any TLS request.
        const QByteArray hello = httpsGet(keel.tls->tcpPort(), root, "/hello");
        QVERIFY2(hello.startsWith("HTTP/1.1 200") && hello.endsWith("hello\n"), hello.constData());

        // The cache: 0700 directory, 0600 files, the account key and <host>.pem.
#ifndef Q_OS_WIN // POSIX mode bits; Windows keeps these owner-only with an ACL (test_platform)
        QCOMPARE(modeOf(cache), 0700);
        QCOMPARE(modeOf(cache + QStringLiteral("/account.key")), 0600);
        QCOMPARE(modeOf(cache + QLatin1Char('/') + kHost + QStringLiteral(".pem")), 0600);
#endif
        // The plain listener sends everything that is not a challenge to HTTPS; a finished
        // challenge's token is gone.
        const QByteArray redirect = plainGet(keel.plain->tcpPort(), "/some/path?x=1");
        QVERIFY2(redirect.startsWith("HTTP/1.1 302"), redirect.constData());
        QVERIFY2(redirect.contains("Location: https://keel.example.com/some/path?x=1\r\n"), redirect.constData());
        QVERIFY(plainGet(keel.plain->tcpPort(), "/.well-known/acme-challenge/abc").startsWith("HTTP/1.1 404"));
    }

    void tlsAlpn01Issues()
    {
        KeelSide keel;
        QVERIFY(keel.listen());
        PebbleCa ca(dir(QStringLiteral("alpn-ca")));
        QString error;
        // Nothing listens on the CA's HTTP-01 port: only TLS-ALPN-01 can succeed. Nonces are
        // refused often, so the badNonce retry is exercised too.
        QVERIFY2(ca.start({PebbleCa::freePort(), keel.tls->tcpPort(), 0, 30}, &error), qPrintable(error));
        QVERIFY2(keel.start(options(ca, dir(QStringLiteral("alpn-cache")), acme::AcmeOrder::Challenge::TlsAlpn01), &error), qPrintable(error));
        QSignalSpy changed(keel.manager.get(), &acme::AcmeManager::certificateChanged);
        QSignalSpy failed(keel.manager.get(), &acme::AcmeManager::issuanceFailed);
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() + failed.size() > 0, 60000);
        QVERIFY2(failed.isEmpty(), qPrintable(keel.manager->lastError() + QLatin1Char('\n') + ca.log()));
        const QSslCertificate leaf = served(keel.tls->tcpPort(), ca.issuingRoot(), &error);
        QVERIFY2(!leaf.isNull(), qPrintable(error));
        QCOMPARE(leaf, keel.manager->chain().first());
    }

    void renewalReplacesServedCertificate()
    {
        KeelSide keel;
        QVERIFY(keel.listen());
        PebbleCa ca(dir(QStringLiteral("renew-ca")));
        QString error;
        // 12-second certificates: renewal is due after 8 seconds (a third of the lifetime left).
        QVERIFY2(ca.start({keel.plain->tcpPort(), keel.tls->tcpPort(), 12, -1}, &error), qPrintable(error));
        QVERIFY2(keel.start(options(ca, dir(QStringLiteral("renew-cache")), acme::AcmeOrder::Challenge::Http01), &error), qPrintable(error));
        QSignalSpy changed(keel.manager.get(), &acme::AcmeManager::certificateChanged);
        QSignalSpy failed(keel.manager.get(), &acme::AcmeManager::issuanceFailed);
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() + failed.size() > 0, 60000);
        QVERIFY2(failed.isEmpty(), qPrintable(keel.manager->lastError()));
        const QSslCertificate root = ca.issuingRoot();
        const QSslCertificate first = served(keel.tls->tcpPort(), root, &error);
        QVERIFY2(!first.isNull(), qPrintable(error));
        const QDateTime due = keel.manager->renewalTime();
        QVERIFY(due > first.effectiveDate() && due < first.expiryDate());

        QTRY_VERIFY_WITH_TIMEOUT(changed.size() + failed.size() > 1, 60000);
        QVERIFY2(failed.isEmpty(), qPrintable(keel.manager->lastError()));
        QVERIFY(QDateTime::currentDateTimeUtc() >= due);
        const QSslCertificate second = served(keel.tls->tcpPort(), root, &error);
        QVERIFY2(!second.isNull(), qPrintable(error));
        QVERIFY(second.serialNumber() != first.serialNumber());
        QCOMPARE(second, keel.manager->chain().first());
    }

    void refusingCaKeepsCachedCertificate()
    {
        const QString cache = dir(QStringLiteral("refuse-cache"));
        QSslCertificate cached, root;
        {
            KeelSide keel;
            QVERIFY(keel.listen());
            PebbleCa ca(dir(QStringLiteral("refuse-ca1")));
            QString error;
            QVERIFY2(ca.start({keel.plain->tcpPort(), keel.tls->tcpPort(), 0, -1}, &error), qPrintable(error));
            QVERIFY2(keel.start(options(ca, cache, acme::AcmeOrder::Challenge::Http01), &error), qPrintable(error));
            QSignalSpy changed(keel.manager.get(), &acme::AcmeManager::certificateChanged);
            QTRY_VERIFY_WITH_TIMEOUT(changed.size() > 0, 60000);
            cached = keel.manager->chain().first();
            root = ca.issuingRoot();
        }
        // A CA whose HTTP-01 validation goes to a port where nothing listens, and a Keel that
        // wants to renew at once: the CA refuses, the cached certificate stays in force.
        KeelSide keel;
        QVERIFY(keel.listen());
        PebbleCa ca(dir(QStringLiteral("refuse-ca2")));
        QString error;
        QVERIFY2(ca.start({PebbleCa::freePort(), keel.tls->tcpPort(), 0, -1}, &error), qPrintable(error));
        auto o = options(ca, cache, acme::AcmeOrder::Challenge::Http01);
        o.renewWhenRemaining = 1.0;
        QVERIFY2(keel.start(o, &error), qPrintable(error));
        QVERIFY(keel.manager->hasCertificate());
        QCOMPARE(keel.manager->chain().first(), cached);
        QSignalSpy changed(keel.manager.get(), &acme::AcmeManager::certificateChanged);
        QSignalSpy failed(keel.manager.get(), &acme::AcmeManager::issuanceFailed);
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() + failed.size() > 0, 60000);
        QVERIFY(changed.isEmpty());
        const QString why = failed.first().first().toString();
        QVERIFY2(why.contains(QStringLiteral("could not validate keel.example.com by http-01")), qPrintable(why));
        const QSslCertificate leaf = served(keel.tls->tcpPort(), root, &error);
        QVERIFY2(!leaf.isNull(), qPrintable(error));
        QCOMPARE(leaf, cached);
        // Unreachable for the renewal, not the validation challenge: nothing was left behind.
        QVERIFY(keel.manager->challenges().anyTlsAlpn().isNull());
    }

    void caDownAtStartServesCachedCertificate()
    {
        const QString cache = dir(QStringLiteral("down-cache"));
        QSslCertificate cached, root;
        QList<QSslCertificate> trust;
        {
            KeelSide keel;
            QVERIFY(keel.listen());
            PebbleCa ca(dir(QStringLiteral("down-ca")));
            QString error;
            QVERIFY2(ca.start({keel.plain->tcpPort(), keel.tls->tcpPort(), 0, -1}, &error), qPrintable(error));
            QVERIFY2(keel.start(options(ca, cache, acme::AcmeOrder::Challenge::Http01), &error), qPrintable(error));
            QSignalSpy changed(keel.manager.get(), &acme::AcmeManager::certificateChanged);
            QTRY_VERIFY_WITH_TIMEOUT(changed.size() > 0, 60000);
            cached = keel.manager->chain().first();
            root = ca.issuingRoot();
            trust = ca.httpsTrust();
        }   // pebble stops here
        KeelSide keel;
        QVERIFY(keel.listen());
        acme::AcmeManager::Options o;
        o.hostname = kHost;
        o.directory = QUrl(QStringLiteral("https://127.0.0.1:%1/dir").arg(PebbleCa::freePort()));
        o.cacheDir = cache;
        o.extraCas = trust;
        o.renewWhenRemaining = 1.0;   // it would renew if it could
        QString error;
        QVERIFY2(keel.start(o, &error), qPrintable(error));
        QSignalSpy failed(keel.manager.get(), &acme::AcmeManager::issuanceFailed);
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() > 0, 60000);
        const QString why = failed.first().first().toString();
        QVERIFY2(why.contains(QStringLiteral("cannot reach the ACME directory")), qPrintable(why));
        const QSslCertificate leaf = served(keel.tls->tcpPort(), root, &error);
        QVERIFY2(!leaf.isNull(), qPrintable(error));
        QCOMPARE(leaf, cached);
    }

private:
    QString dir(const QString& name)
    {
        const QString path = m_tmp.filePath(name);
        QDir().mkpath(path);
        return path;
    }

    QTemporaryDir m_tmp;
};

QTEST_MAIN(TestAcme)
#include "tst_acme.moc"
