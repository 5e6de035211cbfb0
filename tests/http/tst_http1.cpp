#include "http/HttpRequestParser.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include "platform/Endpoint.h"

#include <QFileInfo>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace keel::http;

namespace {

// Sends raw bytes and reads until the peer closes or `until` appears.
QByteArray exchange(QIODevice& socket, const QByteArray& bytes, const QByteArray& until = {}, int timeoutMs = 3000)
{
    socket.write(bytes);
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (!until.isEmpty() && got.contains(until))
            break;
        auto* tcp = qobject_cast<QAbstractSocket*>(&socket);
        if (tcp && tcp->state() != QAbstractSocket::ConnectedState && tcp->bytesAvailable() == 0)
            break;
        if (socket.bytesAvailable() || socket.waitForReadyRead(50))
            got += socket.readAll();
        else
            QCoreApplication::processEvents();
    }
    return got;
}

} // namespace

class TestHttp1 : public QObject
{
    Q_OBJECT

private:
    Router m_router;
    std::unique_ptr<HttpServer> m_server;
    QByteArray m_upgradeBuffered;
    QByteArray m_upgradeLaterBytes;

private slots:
    void initTestCase()
    {
        m_router.add("GET", QStringLiteral("/hello"), [](HttpRequest& r) {
            return HttpResponse::text(200, "hi " + r.query().queryItemValue(QStringLiteral("name")).toUtf8());
        });
        m_router.add("POST", QStringLiteral("/echo"), [](HttpRequest& r) { return HttpResponse::text(200, r.body); });
        m_router.add("GET", QStringLiteral("/node/{id}/rename/{name}"), [](HttpRequest& r) {
            return HttpResponse::text(200, (r.pathParams.value(QStringLiteral("id")) + QLatin1Char('=') + r.pathParams.value(QStringLiteral("name"))).toUtf8());
        });
        m_router.add("GET", QStringLiteral("/transport"), [](HttpRequest& r) {
            return HttpResponse::text(200, r.transport == Transport::UnixSocket ? "unix" : "tcp");
        });
        m_router.addAny(QStringLiteral("/hello/*"), [](HttpRequest&) { return HttpResponse::text(200, "wild"); });
        m_router.add("POST", QStringLiteral("/upgrade"), [this](HttpRequest&) {
            HttpResponse r;
            r.status = 101;
            r.setHeader("Upgrade", "test-proto");
            r.setHeader("Connection", "upgrade");
            r.upgrade = [this](QIODevice* socket, const QByteArray& buffered) {
                socket->setParent(this);   // the upgrade handler owns the socket from here
                m_upgradeBuffered = buffered;
                QObject::connect(socket, &QIODevice::readyRead, socket, [this, socket] { m_upgradeLaterBytes += socket->readAll(); });
                socket->write("after-upgrade");
            };
            return r;
        });
        m_server = std::make_unique<HttpServer>(m_router);
        HttpConnection::Options options;
        options.limits.maxHeaderBytes = 1024;
        options.limits.maxBodyBytes = 100;
        options.idleTimeoutMs = 300;
        options.headerTimeoutMs = 300;
        m_server->setOptions(options);
        QString error;
        QVERIFY2(m_server->listen(QStringLiteral("127.0.0.1:0"), &error), qPrintable(error));
        QVERIFY(m_server->tcpPort() > 0);
    }

    void parser_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("expectedStatus");  // 0 = parses
        QTest::addColumn<QByteArray>("expectedBody");
        QTest::newRow("get") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << 0 << QByteArray();
        QTest::newRow("body") << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc") << 0 << QByteArray("abc");
        QTest::newRow("leading-crlf") << QByteArray("\r\nGET / HTTP/1.0\r\n\r\n") << 0 << QByteArray();
        QTest::newRow("no-version") << QByteArray("GET /\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("http2-version") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505 << QByteArray();
        QTest::newRow("relative-target") << QByteArray("GET foo HTTP/1.1\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("bad-header") << QByteArray("GET / HTTP/1.1\r\nNoColon\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("space-in-name") << QByteArray("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("folding") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("neg-length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("plus-length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\nx") << 400 << QByteArray();
        QTest::newRow("conflicting-length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx") << 400 << QByteArray();
        QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") << 501 << QByteArray();
        QTest::newRow("too-big-body") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n") << 413 << QByteArray();
        QTest::newRow("garbage") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15) << 400 << QByteArray();
    }

    void parser()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, expectedStatus);
        QFETCH(QByteArray, expectedBody);
        HttpRequestParser::Limits limits;
        limits.maxBodyBytes = 100;
        // Byte by byte and all at once must agree.
        for (int chunk : {1, 1 << 20}) {
            HttpRequestParser parser(limits);
            for (int i = 0; i < input.size(); i += chunk)
                parser.feed(input.mid(i, chunk));
            if (expectedStatus == 0) {
                QCOMPARE(parser.state(), HttpRequestParser::State::Complete);
                QCOMPARE(parser.takeRequest().body, expectedBody);
            } else {
                QCOMPARE(parser.state(), HttpRequestParser::State::Error);
                QCOMPARE(parser.errorStatus(), expectedStatus);
                QVERIFY(!parser.errorMessage().isEmpty());
            }
        }
    }

    void parserKeepsBytesAfterTheRequest()
    {
        HttpRequestParser parser;
        parser.feed("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nrest");
        QCOMPARE(parser.takeRequest().path(), QStringLiteral("/a"));
        QCOMPARE(parser.feed({}), HttpRequestParser::State::Complete);
        QCOMPARE(parser.takeRequest().path(), QStringLiteral("/b"));
        QCOMPARE(parser.takeBuffered(), QByteArray("rest"));
    }

    void headerTooLarge()
    {
        HttpRequestParser::Limits limits;
        limits.maxHeaderBytes = 64;
        HttpRequestParser parser(limits);
        parser.feed("GET / HTTP/1.1\r\nX: " + QByteArray(100, 'a'));
        QCOMPARE(parser.state(), HttpRequestParser::State::Error);
        QCOMPARE(parser.errorStatus(), 431);
    }

    void servesKeepAliveAndPipelining()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
        QVERIFY(socket.waitForConnected(2000));
        const QByteArray got = exchange(socket,
            "GET /hello?name=a%20b HTTP/1.1\r\nHost: x\r\n\r\n"
            "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
            "GET /node/7/rename/web HTTP/1.1\r\n\r\n", "7=web");
        QVERIFY2(got.contains("hi a b"), got.constData());
        QVERIFY(got.contains("\r\n\r\nhello"));
        QVERIFY(got.contains("7=web"));
        QCOMPARE(got.count("HTTP/1.1 200 OK"), 3);
        QVERIFY(got.contains("X-Frame-Options: DENY"));
        QVERIFY(got.contains("X-Content-Type-Options: nosniff"));
    }

    void notFoundAndMethodNotAllowed()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
        QVERIFY(socket.waitForConnected(2000));
        QByteArray got = exchange(socket, "GET /nope HTTP/1.1\r\n\r\n", "not found");
        QVERIFY(got.startsWith("HTTP/1.1 404"));
        got = exchange(socket, "DELETE /hello HTTP/1.1\r\nConnection: close\r\n\r\n");
        QVERIFY2(got.startsWith("HTTP/1.1 405"), got.constData());
        QVERIFY(got.contains("Allow: GET"));
        QVERIFY(got.contains("Connection: close"));
    }

    void exactRoutesWinOverWildcards()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
        QVERIFY(socket.waitForConnected(2000));
        // "/hello" exists for GET only: a POST is 405 although "/hello/*" matches any method...
        QByteArray got = exchange(socket, "POST /hello HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "not allowed");
        QVERIFY2(got.startsWith("HTTP/1.1 405"), got.constData());
        // ...and a deeper path goes to the wildcard.
        got = exchange(socket, "GET /hello/there HTTP/1.1\r\nConnection: close\r\n\r\n");
        QVERIFY2(got.endsWith("wild"), got.constData());
    }

    void badRequestClosesOnlyThatConnection()
    {
        QTcpSocket good;
        good.connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
        QVERIFY(good.waitForConnected(2000));
        QTcpSocket bad;
        bad.connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
        QVERIFY(bad.waitForConnected(2000));
        const QByteArray got = exchange(bad, "BROKEN\r\n\r\n");
        QVERIFY2(got.startsWith("HTTP/1.1 400"), got.constData());
        QTRY_COMPARE(bad.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(exchange(good, "GET /hello HTTP/1.1\r\n\r\n", "hi").contains("200 OK"));
    }

    void oversizedBodyIs413()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
        QVERIFY(socket.waitForConnected(2000));
        const QByteArray got = exchange(socket, "POST /echo HTTP/1.1\r\nContent-Length: 1000\r\n\r\n");
        QVERIFY2(got.startsWith("HTTP/1.1 413"), got.constData());
    }

    void idleConnectionsAreClosed()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
        QVERIFY(socket.waitForConnected(2000));
        socket.write("GET /hel");  // never finished: the header timeout ends it
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 3000);
    }

    void upgradeHandsOverEveryByte()
    {
        m_upgradeBuffered.clear();
        m_upgradeLaterBytes.clear();
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->tcpPort());
        QVERIFY(socket.waitForConnected(2000));
        // The first bytes of the new protocol arrive in the same segment as the request.
        const QByteArray got = exchange(socket, "POST /upgrade HTTP/1.1\r\nUpgrade: test-proto\r\nConnection: upgrade\r\n\r\nEARLY", "after-upgrade");
        QVERIFY2(got.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), got.constData());
        QVERIFY(got.contains("Upgrade: test-proto"));
        QVERIFY(!got.contains("Content-Length"));
        QVERIFY(got.endsWith("\r\n\r\nafter-upgrade"));
        QCOMPARE(m_upgradeBuffered, QByteArray("EARLY"));
        socket.write("LATER");
        QTRY_COMPARE(m_upgradeLaterBytes, QByteArray("LATER"));
        // Idle timeouts of the HTTP layer no longer apply to the upgraded socket.
        QTest::qWait(500);
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    }

    void unixSocketWithPermissions()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("keel.sock"));
        HttpServer server(m_router);
        QString error;
        QVERIFY2(server.listenUnix(path, 0660, &error), qPrintable(error));
#ifndef Q_OS_WIN // a named pipe there, no file with mode bits: test_platform checks the pipe's ACL
        const QFileInfo info(path);
        QCOMPARE(int(info.permissions() & (QFile::ReadOther | QFile::WriteOther)), 0);
        QVERIFY(info.permissions() & QFile::WriteGroup);
#endif

        // A second server on the same live socket is refused; the first keeps working.
        HttpServer second(m_router);
        QVERIFY(!second.listenUnix(path, 0660, &error));
        QVERIFY(error.contains(QStringLiteral("already listening")));

        QLocalSocket socket;
        socket.connectToServer(keel::platform::localEndpointName(path)); // the path itself on POSIX
        QVERIFY(socket.waitForConnected(2000));
        const QByteArray got = exchange(socket, "GET /transport HTTP/1.1\r\n\r\n", "unix");
        QVERIFY2(got.endsWith("unix"), got.constData());
    }

    void hostPortParsing_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("address");
        QTest::addColumn<int>("port");
        QTest::newRow("v4") << "127.0.0.1:8080" << true << "127.0.0.1" << 8080;
        QTest::newRow("any") << ":443" << true << "" << 443;
        QTest::newRow("v6") << "[::1]:9090" << true << "::1" << 9090;
        QTest::newRow("no-port") << "127.0.0.1" << false << "" << 0;
        QTest::newRow("big-port") << "127.0.0.1:70000" << false << "" << 0;
        QTest::newRow("name") << "example.com:80" << false << "" << 0;
    }

    void hostPortParsing()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, address);
        QFETCH(int, port);
        QHostAddress a;
        quint16 p = 0;
        QString error;
        QCOMPARE(HttpServer::parseHostPort(text, &a, &p, &error), ok);
        if (ok) {
            QCOMPARE(int(p), port);
            if (!address.isEmpty())
                QCOMPARE(a, QHostAddress(address));
        } else {
            QVERIFY(!error.isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestHttp1)
#include "tst_http1.moc"
