// Security details of a real `keel serve` (issue 16, items 8 and 9): files created owner-only, the
// admin API's scheme and method handling for callers without a key, and the registration page
// that only exists for a pending registration.
#include "KeelProcess.h"

#include "control/ControlClient.h"
#include "crypto/Keys.h"
#include "http/Http2ClientStream.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

#include <sys/stat.h>

using keel::test::KeelProcess;
using namespace keel;

namespace {

struct Answer
{
    int status = 0;
    QByteArray body;
};

Answer httpCall(quint16 port, const QByteArray& method, const QByteArray& path, const QByteArray& authorization = {})
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(5000))
        return {};
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!authorization.isEmpty())
        request += "Authorization: " + authorization + "\r\n";
    s.write(request + "Content-Length: 0\r\n\r\n");
    QByteArray in;
    while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(5000))
        in += s.readAll();
    in += s.readAll();
    Answer a;
    a.status = in.mid(9, 3).toInt();
    a.body = in.mid(in.indexOf("\r\n\r\n") + 4);
    return a;
}

int modeOf(const QString& path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 0777);
}

} // namespace

class TestE2eSecurity : public QObject
{
    Q_OBJECT

    std::unique_ptr<KeelProcess> m_keel;

private slots:
    void initTestCase()
    {
        m_keel = std::make_unique<KeelProcess>();
        m_keel->writeConfig();
        QString error;
        QVERIFY2(m_keel->start(true, &error), qPrintable(error));
    }
    void cleanupTestCase() { m_keel.reset(); }

    void databaseFilesAreOwnerOnly()
    {
#ifdef Q_OS_WIN
        QSKIP("POSIX mode bits; on Windows the database is owner-only through its ACL (test_platform checks that)");
#endif
        const QString db = m_keel->databasePath();
        QCOMPARE(modeOf(db), 0600);
        for (const char* suffix : {"-wal", "-shm"}) {
            if (QFileInfo::exists(db + QLatin1String(suffix)))
                QCOMPARE(modeOf(db + QLatin1String(suffix)), 0600);
        }
        QVERIFY(QFileInfo::exists(db + QLatin1String("-wal"))); // WAL mode: checked above, not skipped
    }

    void wrongMethodWithoutAKeyIs401()
    {
        // Revealing 405 + Allow to an unauthenticated caller maps the API.
        const Answer a = httpCall(m_keel->port(), "DELETE", "/api/v1/user");
        QCOMPARE(a.status, 401);
        QCOMPARE(a.body, QByteArray("Unauthorized"));
    }

    void bearerSchemeIsCaseInsensitive()
    {
        const auto r = m_keel->cli({QStringLiteral("-c"), m_keel->configPath(), QStringLiteral("apikeys"), QStringLiteral("create")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray key = r.out.trimmed();
        for (const QByteArray scheme : {"Bearer ", "bearer ", "BEARER "})
            QCOMPARE(httpCall(m_keel->port(), "GET", "/api/v1/user", scheme + key).status, 200);
        // With a valid key, a wrong method is a plain 405.
        QCOMPARE(httpCall(m_keel->port(), "DELETE", "/api/v1/user", "Bearer " + key).status, 405);
    }

    void registerPageOnlyForAPendingRegistration()
    {
        // Any text used to be echoed into the admin command the page shows.
        const Answer unknown = httpCall(m_keel->port(), "GET", "/register/x%3Bcurl%20evil%7Csh");
        QCOMPARE(unknown.status, 404);
        QVERIFY(!unknown.body.contains("keel nodes register"));
        QCOMPARE(httpCall(m_keel->port(), "GET", "/register/hskey-authreq-000000000000000000000000").status, 404);

        // A real interactive registration over ts2021 makes one.
        control::ControlClient client(crypto::MachinePrivate::generate());
        client.connectToServer(QStringLiteral("127.0.0.1"), m_keel->port());
        QVERIFY(QTest::qWaitFor([&] { return client.state() == control::ControlClient::State::Connected
                                             || client.state() == control::ControlClient::State::Failed; }, 10'000));
        QCOMPARE(client.state(), control::ControlClient::State::Connected);
        const QJsonObject request{{"Version", 115},
                                  {"NodeKey", crypto::NodePrivate::generate().publicKey().toString()},
                                  {"Hostinfo", QJsonObject{{"Hostname", "page-test"}}}};
        QByteArray body;
        bool done = false;
        http::Http2ClientStream* s = client.request("POST", "/machine/register", QJsonDocument(request).toJson());
        connect(s, &http::Http2ClientStream::dataReceived, this, [&](const QByteArray& c) { body += c; });
        connect(s, &http::Http2ClientStream::finished, this, [&] { done = true; });
        QVERIFY(QTest::qWaitFor([&] { return done; }, 10'000));
        const QString url = QJsonDocument::fromJson(body).object().value(QStringLiteral("AuthURL")).toString();
        const QString id = url.mid(url.lastIndexOf(QLatin1Char('/')) + 1);
        QVERIFY2(id.startsWith(QLatin1String("hskey-authreq-")), body.constData());
        const Answer page = httpCall(m_keel->port(), "GET", "/register/" + id.toUtf8());
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("keel nodes register --user USERNAME --key " + id.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TestE2eSecurity)
#include "tst_e2esecurity.moc"
