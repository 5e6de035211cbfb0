// HTTP/1.1 abuse over real TCP on loopback (issue 16): a client that pipelines requests and never
// reads the answers, and one that never takes the last response of a closing connection. The
// server must bound what it holds for them and let them go.
#include "http/DirectWrite.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QTcpSocket>
#include <QTest>

using namespace keel::http;

namespace {

qint64 largestBacklog(const HttpServer& server)
{
    qint64 most = 0;
    for (const QTcpSocket* s : server.findChildren<QTcpSocket*>())
        most = std::max(most, unsentBytes(s));
    return most;
}

} // namespace

class TestHttpAbuse : public QObject
{
    Q_OBJECT

private:
    Router m_router;
    int m_served = 0;

    std::unique_ptr<HttpServer> serve(const HttpConnection::Options& options)
    {
        auto server = std::make_unique<HttpServer>(m_router);
        server->setOptions(options);
        QString error;
        if (!server->listen(QStringLiteral("127.0.0.1:0"), &error))
            qWarning() << error;
        return server;
    }

    static QHostAddress loopback(int last) { return QHostAddress(QStringLiteral("127.0.0.%1").arg(last)); }

    // A connection from `from` that sends half a request line and never the rest.
    static std::unique_ptr<QTcpSocket> slowClient(const HttpServer& server, const QHostAddress& from)
    {
        auto socket = std::make_unique<QTcpSocket>();
        if (!socket->bind(from, 0))
            return nullptr;
        socket->connectToHost(QHostAddress::LocalHost, server.tcpPort());
        if (!socket->waitForConnected(5000))
            return nullptr;
        socket->write("GET /page HTTP/1.1\r\nHo");
        return socket;
    }

    // One whole request from `from`, answered 200.
    static bool servedFrom(const HttpServer& server, const QHostAddress& from)
    {
        QTcpSocket client;
        if (!client.bind(from, 0))
            return false;
        client.connectToHost(QHostAddress::LocalHost, server.tcpPort());
        if (!client.waitForConnected(5000))
            return false;
        client.write("GET /page HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray got;
        return QTest::qWaitFor([&] { got += client.readAll(); return got.startsWith("HTTP/1.1 200"); }, 5000);
    }

private slots:
    void initTestCase()
    {
        m_router.add("GET", QStringLiteral("/page"), [this](HttpRequest&) {
            ++m_served;
            return HttpResponse::text(200, QByteArray(2048, 'p'));
        });
        m_router.add("GET", QStringLiteral("/huge"), [](HttpRequest&) { return HttpResponse::text(200, QByteArray(16 << 20, 'h')); });
    }

    // The probe: 4 MiB of pipelined GETs on a connection whose reader never reads held ~118 MiB
    // per connection and stalled the event loop. Now the server stops reading that peer while
    // more than writeHighWater is unsent, and drops it when it takes nothing for a while.
    void pipelinedRequestsToAPeerThatNeverReads()
    {
        HttpConnection::Options options;
        options.writeHighWater = 64 << 10;
        options.writeLowWater = 16 << 10;
        options.writeStallTimeoutMs = 800;
        options.idleTimeoutMs = 60'000;
        auto server = serve(options);
        QVERIFY(server->tcpPort());
        m_served = 0;
        QTcpSocket client;
        client.setReadBufferSize(4096); // Qt stops reading too: the kernel's window closes
        client.connectToHost(QHostAddress::LocalHost, server->tcpPort());
        QVERIFY(client.waitForConnected(5000));
        const QByteArray one = "GET /page HTTP/1.1\r\nHost: x\r\n\r\n";
        const int requests = 40'000; // 1.2 MiB of requests, 80 MiB of answers
        client.write(one.repeated(requests));
        QVERIFY(QTest::qWaitFor([&] { return m_served > 0 && largestBacklog(*server) > 0; }, 5000));
        qint64 worst = 0;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 500 && server->openConnections() > 0) {
            worst = std::max(worst, largestBacklog(*server));
            QTest::qWait(10);
        }
        QVERIFY2(worst <= options.writeHighWater + 4096, qPrintable(QString::number(worst)));
        QVERIFY2(m_served < requests / 2, qPrintable(QString::number(m_served)));
        // It takes nothing: the connection is dropped, and with it what was queued.
        QVERIFY(QTest::qWaitFor([&] { return server->openConnections() == 0; }, 5000));
    }

    // A peer that reads slowly but steadily gets everything it asked for.
    void pipelinedRequestsToASlowReaderAllArrive()
    {
        HttpConnection::Options options;
        options.writeHighWater = 32 << 10;
        options.writeLowWater = 8 << 10;
        auto server = serve(options);
        m_served = 0;
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server->tcpPort());
        QVERIFY(client.waitForConnected(5000));
        const int requests = 500;
        client.write(QByteArray("GET /page HTTP/1.1\r\nHost: x\r\n\r\n").repeated(requests));
        QByteArray got;
        QVERIFY(QTest::qWaitFor([&] {
            got += client.readAll();
            return got.count("HTTP/1.1 200 OK") == requests;
        }, 20'000));
        QCOMPARE(m_served, requests);
    }

    // At the connection cap a new client gets in and the oldest slow one goes (the probe's 1,100
    // slow connections under a 1,024 limit kept every new client out). Each slow connection comes
    // from its own address here, so the per-source share plays no part.
    void slowConnectionsCannotKeepNewClientsOut()
    {
        HttpConnection::Options options;
        auto server = serve(options);
        server->setMaxConnections(4);
        std::vector<std::unique_ptr<QTcpSocket>> slow;
        for (int i = 0; i < 4; ++i) {
            slow.push_back(slowClient(*server, loopback(2 + i)));
            QVERIFY(slow.back());
            QVERIFY(QTest::qWaitFor([&] { return server->openConnections() == i + 1; }, 5000));
        }
        QVERIFY(servedFrom(*server, loopback(10)));
        QVERIFY(QTest::qWaitFor([&] { return slow.front()->state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(server->openConnections(), 4);
        for (size_t i = 1; i < slow.size(); ++i)
            QCOMPARE(slow[i]->state(), QAbstractSocket::ConnectedState);
    }

    // One host opening slow connections faster than others finish theirs used to push everybody's
    // oldest connection out at the cap. Now a source at its share closes its own oldest, and the
    // other hosts' connections stay.
    void oneSourceCannotPushOthersOut()
    {
        HttpConnection::Options options;
        auto server = serve(options);
        server->setMaxConnections(8);
        server->setMaxConnectionsPerSource(2);
        const QHostAddress victimAddress = loopback(2), attackerAddress = loopback(3);
        const std::unique_ptr<QTcpSocket> victim = slowClient(*server, victimAddress);
        QVERIFY(victim);
        QVERIFY(QTest::qWaitFor([&] { return server->openConnectionsFrom(victimAddress) == 1; }, 5000));
        std::vector<std::unique_ptr<QTcpSocket>> attack;
        for (int i = 0; i < 10; ++i) {
            attack.push_back(slowClient(*server, attackerAddress));
            QVERIFY(attack.back());
            // Each new one is tracked once the previous oldest of the same source has gone.
            QVERIFY(QTest::qWaitFor([&] { return server->openConnectionsFrom(attackerAddress) == std::min(i + 1, 2); }, 5000));
        }
        for (size_t i = 0; i + 2 < attack.size(); ++i)
            QVERIFY(QTest::qWaitFor([&] { return attack[i]->state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(attack[attack.size() - 1]->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(attack[attack.size() - 2]->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(victim->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(server->openConnectionsFrom(victimAddress), 1);
        QVERIFY(servedFrom(*server, loopback(4)));
    }

    // Close-after-write used to wait for a flush forever when the peer never reads.
    void closingConnectionThatNeverFlushesIsDropped()
    {
        HttpConnection::Options options;
        options.finalFlushMs = 500;
        auto server = serve(options);
        QTcpSocket client;
        client.setReadBufferSize(4096);
        client.connectToHost(QHostAddress::LocalHost, server->tcpPort());
        QVERIFY(client.waitForConnected(5000));
        client.write("GET /huge HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return largestBacklog(*server) > 0; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return server->openConnections() == 0; }, 5000));
    }
};

QTEST_GUILESS_MAIN(TestHttpAbuse)
#include "tst_httpabuse.moc"
