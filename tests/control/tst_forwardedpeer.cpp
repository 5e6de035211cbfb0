// Behind a trusted proxy (trusted_proxies), a node's ts2021 connection belongs to the address the
// proxy forwarded, not to the proxy: the per-address connection count and limit, the address the
// registration sees (its per-address pending bound) and the log lines all use it. From a peer that
// is not a trusted proxy the header is ignored.
#include "ChannelFixture.h"

#include "http/ClientAddress.h"

#include <QTest>

using namespace keel;
using namespace keel::control;

namespace {

// The native ts2021 upgrade with an X-Forwarded-For header, as nginx sends it.
bool handshakeVia(test::RawClient& raw, const crypto::MachinePublic& serverKey, const QByteArray& forwardedFor)
{
    crypto::Ts2021Initiator initiator(crypto::MachinePrivate::generate(), serverKey, 115);
    QByteArray request = ControlClient::upgradeRequest("127.0.0.1", initiator.initiation());
    request.insert(request.size() - 2, "X-Forwarded-For: " + forwardedFor + "\r\n");
    QByteArray head, rest;
    if (!raw.exchange(request, &head, &rest, 51) || !head.startsWith("HTTP/1.1 101 "))
        return false;
    return initiator.feed(rest.left(51)) == crypto::Ts2021Initiator::Status::Done;
}

} // namespace

class TestForwardedPeer : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { http::ClientAddress::setTrustedProxies({}); }

    void trustedProxyNamesTheNode()
    {
        http::ClientAddress::setTrustedProxies({QStringLiteral("127.0.0.1/32")});
        ControlEndpoint::Options options;
        options.maxConnectionsPerAddress = 1;
        test::ChannelFixture fx(options);
        QVERIFY(fx.listen());
        test::RawClient a;
        QVERIFY(a.connect(fx.port()));
        QVERIFY(handshakeVia(a, fx.serverKey().publicKey(), "198.51.100.7"));
        QTRY_COMPARE(fx.endpoint().connectionsFrom(QHostAddress(QStringLiteral("198.51.100.7"))), 1);
        QCOMPARE(fx.endpoint().connectionsFrom(QHostAddress(QHostAddress::LocalHost)), 0);
        // A second node behind the same proxy but from another client address gets in: the
        // per-address limit (1 here) counts clients, not the proxy.
        test::RawClient b;
        QVERIFY(b.connect(fx.port()));
        QVERIFY(handshakeVia(b, fx.serverKey().publicKey(), "198.51.100.8"));
        QTRY_COMPARE(fx.endpoint().connectionsFrom(QHostAddress(QStringLiteral("198.51.100.8"))), 1);
        // The same client address again is over its limit.
        test::RawClient c;
        QVERIFY(c.connect(fx.port()));
        QVERIFY(!handshakeVia(c, fx.serverKey().publicKey(), "198.51.100.7"));
        QCOMPARE(fx.endpoint().connectionCount(), 2);
    }

    void untrustedPeerCannotNameItself()
    {
        http::ClientAddress::setTrustedProxies({QStringLiteral("10.0.0.0/8")});
        test::ChannelFixture fx;
        QVERIFY(fx.listen());
        test::RawClient a;
        QVERIFY(a.connect(fx.port()));
        QVERIFY(handshakeVia(a, fx.serverKey().publicKey(), "198.51.100.7"));
        QTRY_COMPARE(fx.endpoint().connectionsFrom(QHostAddress(QHostAddress::LocalHost)), 1);
        QCOMPARE(fx.endpoint().connectionsFrom(QHostAddress(QStringLiteral("198.51.100.7"))), 0);
    }
};

QTEST_MAIN(TestForwardedPeer)
#include "tst_forwardedpeer.moc"
