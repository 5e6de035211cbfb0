// trusted_proxies: which peer may name the client (X-Forwarded-For, X-Real-IP, True-Client-IP,
// X-Forwarded-Proto), and which address a request then counts as.
#include "http/ClientAddress.h"

#include <QTest>

using keel::http::ClientAddress;
using keel::http::HttpRequest;
using keel::http::Transport;

namespace {

HttpRequest request(const char* peer, QList<QPair<QByteArray, QByteArray>> headers = {}, Transport t = Transport::Tcp)
{
    HttpRequest r;
    r.method = "GET";
    r.target = "/";
    r.version = "HTTP/1.1";
    r.headers = std::move(headers);
    r.peerAddress = QHostAddress(QString::fromLatin1(peer));
    r.transport = t;
    return r;
}

} // namespace

class TestClientAddress : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { ClientAddress::setTrustedProxies({}); }

    void nothingIsTrustedByDefault()
    {
        ClientAddress::setTrustedProxies({});
        const HttpRequest r = request("127.0.0.1", {{"X-Forwarded-For", "198.51.100.7"}, {"X-Real-IP", "198.51.100.8"},
                                                    {"X-Forwarded-Proto", "https"}});
        QCOMPARE(ClientAddress::of(r), QHostAddress("127.0.0.1"));
        QCOMPARE(ClientAddress::scheme(r), QByteArray("http"));
        QCOMPARE(ClientAddress::describe(r), QStringLiteral("127.0.0.1"));
    }

    void headersFromAnUntrustedPeerAreIgnored()
    {
        ClientAddress::setTrustedProxies({"10.0.0.0/8"});
        const HttpRequest r = request("192.0.2.1", {{"X-Forwarded-For", "198.51.100.7"}, {"True-Client-IP", "198.51.100.9"}});
        QCOMPARE(ClientAddress::of(r), QHostAddress("192.0.2.1"));
        QVERIFY(!ClientAddress::isTrustedProxy(QHostAddress("192.0.2.1")));
        QVERIFY(ClientAddress::isTrustedProxy(QHostAddress("10.1.2.3")));
    }

    void forwardedForFromATrustedProxy_data()
    {
        QTest::addColumn<QByteArray>("xff");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one hop") << QByteArray("198.51.100.7") << "198.51.100.7";
        // nginx's $proxy_add_x_forwarded_for appends what it saw: a client-sent value stays left of it.
        QTest::newRow("spoofed left part") << QByteArray("203.0.113.9, 198.51.100.7") << "198.51.100.7";
        QTest::newRow("two trusted proxies") << QByteArray("198.51.100.7, 10.0.0.5") << "198.51.100.7";
        QTest::newRow("only proxies") << QByteArray("10.0.0.6, 10.0.0.5") << "10.0.0.6";
        QTest::newRow("with port") << QByteArray("198.51.100.7:4242") << "198.51.100.7";
        QTest::newRow("ipv6 bracketed") << QByteArray("[2001:db8::7]:4242") << "2001:db8::7";
        QTest::newRow("ipv6 bare") << QByteArray("2001:db8::7") << "2001:db8::7";
        QTest::newRow("garbage falls back to the peer") << QByteArray("not-an-address") << "10.0.0.1";
        QTest::newRow("garbage left of a good hop") << QByteArray("junk, 198.51.100.7") << "198.51.100.7";
    }

    void forwardedForFromATrustedProxy()
    {
        QFETCH(QByteArray, xff);
        QFETCH(QString, expected);
        ClientAddress::setTrustedProxies({"10.0.0.0/8"});
        const HttpRequest r = request("10.0.0.1", {{"X-Forwarded-For", xff}});
        QCOMPARE(ClientAddress::of(r), QHostAddress(expected));
    }

    void realIpThenTrueClientIp()
    {
        ClientAddress::setTrustedProxies({"127.0.0.1/32"});
        QCOMPARE(ClientAddress::of(request("127.0.0.1", {{"X-Real-IP", "198.51.100.8"}, {"True-Client-IP", "198.51.100.9"}})),
                 QHostAddress("198.51.100.8"));
        QCOMPARE(ClientAddress::of(request("127.0.0.1", {{"True-Client-IP", "198.51.100.9"}})), QHostAddress("198.51.100.9"));
        const HttpRequest both = request("127.0.0.1", {{"X-Forwarded-For", "198.51.100.7"}, {"X-Real-IP", "198.51.100.8"}});
        QCOMPARE(ClientAddress::of(both), QHostAddress("198.51.100.7"));
        QCOMPARE(ClientAddress::describe(both), QStringLiteral("198.51.100.7 via 127.0.0.1"));
    }

    void bareAddressesAndMappedPeers()
    {
        ClientAddress::setTrustedProxies({"127.0.0.3", "::1", "fd00::/8", "not a cidr"});
        QCOMPARE(ClientAddress::trustedProxies(), (QStringList{"127.0.0.3", "::1", "fd00::/8"}));
        QVERIFY(ClientAddress::isTrustedProxy(QHostAddress("127.0.0.3")));
        QVERIFY(!ClientAddress::isTrustedProxy(QHostAddress("127.0.0.4")));
        // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
        QVERIFY(ClientAddress::isTrustedProxy(QHostAddress("::ffff:127.0.0.3")));
        QVERIFY(ClientAddress::isTrustedProxy(QHostAddress("::1")));
        QVERIFY(ClientAddress::isTrustedProxy(QHostAddress("fd12::1")));
        QCOMPARE(ClientAddress::of(request("::1", {{"X-Forwarded-For", "198.51.100.7"}})), QHostAddress("198.51.100.7"));
    }

    void forwardedProto()
    {
        ClientAddress::setTrustedProxies({"127.0.0.1/32"});
        QCOMPARE(ClientAddress::scheme(request("127.0.0.1", {{"X-Forwarded-Proto", "https"}})), QByteArray("https"));
        QCOMPARE(ClientAddress::scheme(request("127.0.0.1", {{"X-Forwarded-Proto", "gopher"}})), QByteArray("http"));
        QCOMPARE(ClientAddress::scheme(request("127.0.0.1", {}, Transport::Tls)), QByteArray("https"));
        QCOMPARE(ClientAddress::scheme(request("127.0.0.2", {{"X-Forwarded-Proto", "https"}})), QByteArray("http"));
    }

    void unixSocketRequestsAreNeverForwarded()
    {
        ClientAddress::setTrustedProxies({"127.0.0.1/32"});
        HttpRequest r = request("127.0.0.1", {{"X-Forwarded-For", "198.51.100.7"}}, Transport::UnixSocket);
        QCOMPARE(ClientAddress::of(r), QHostAddress("127.0.0.1"));
    }
};

QTEST_GUILESS_MAIN(TestClientAddress)
#include "tst_clientaddress.moc"
