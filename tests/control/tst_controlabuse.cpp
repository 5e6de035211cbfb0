// Abuse of the ts2021 channel from outside, over real TCP on loopback (issue 16, found by an abuse
// probe): request bodies that never end, sessions that only hold a descriptor, one host filling
// the connection cap. Each case checks the bound the server keeps, not just that it survives.
#include "ChannelFixture.h"

#include "control/ControlConnection.h"
#include "crypto/Ts2021Initiator.h"

#include <QTest>

#include <nghttp2/nghttp2.h>

using namespace keel;
using namespace keel::control;
using namespace std::chrono_literals;

namespace {

QByteArray frame(quint8 type, quint8 flags, qint32 stream, const QByteArray& payload)
{
    QByteArray f(9, '\0');
    f[0] = char(payload.size() >> 16);
    f[1] = char(payload.size() >> 8);
    f[2] = char(payload.size());
    f[3] = char(type);
    f[4] = char(flags);
    f[5] = char(stream >> 24);
    f[6] = char(stream >> 16);
    f[7] = char(stream >> 8);
    f[8] = char(stream);
    return f + payload;
}

// The client preface with a large window for our side (so flow control does not get in the way).
QByteArray preface()
{
    return "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, QByteArray::fromHex("000400ffffff"));
}

// POST `path` on `stream` with END_HEADERS only: the body follows (or never ends).
QByteArray postHeaders(nghttp2_hd_deflater* deflater, qint32 stream, const char* path)
{
    const QByteArray p(path);
    nghttp2_nv nv[] = {
        {(uint8_t*)":method", (uint8_t*)"POST", 7, 4, NGHTTP2_NV_FLAG_NONE},
        {(uint8_t*)":scheme", (uint8_t*)"https", 7, 5, NGHTTP2_NV_FLAG_NONE},
        {(uint8_t*)":path", (uint8_t*)p.constData(), 5, size_t(p.size()), NGHTTP2_NV_FLAG_NONE},
        {(uint8_t*)":authority", (uint8_t*)"unused", 10, 6, NGHTTP2_NV_FLAG_NONE},
    };
    QByteArray block(256, Qt::Uninitialized);
    const auto n = nghttp2_hd_deflate_hd(deflater, reinterpret_cast<uint8_t*>(block.data()), block.size(), nv, 4);
    block.truncate(n > 0 ? n : 0);
    return frame(1, 0x4, stream, block);
}

bool sendSealed(test::RawClient& raw, const QByteArray& plaintext)
{
    QByteArray records;
    if (!raw.codec->seal(plaintext, records))
        return false;
    raw.socket.write(records);
    return raw.socket.waitForBytesWritten(5000) || raw.socket.bytesToWrite() == 0;
}

// Opens `streams` POSTs to /machine/register and sends `bytesPerStream` of body on each, never
// ending them (the probe used 250 streams of 1 MiB - 1 per session).
bool floodBodies(test::RawClient& raw, int streams, int bytesPerStream)
{
    nghttp2_hd_deflater* deflater = nullptr;
    if (nghttp2_hd_deflate_new(&deflater, 4096) != 0)
        return false;
    QByteArray h2 = preface();
    for (int i = 0; i < streams; ++i) {
        const qint32 id = 1 + 2 * i;
        h2 += postHeaders(deflater, id, "/machine/register");
        for (int sent = 0; sent < bytesPerStream; sent += 16384)
            h2 += frame(0, 0, id, QByteArray(std::min(16384, bytesPerStream - sent), 'x'));
    }
    nghttp2_hd_deflate_del(deflater);
    return sendSealed(raw, h2);
}

ControlConnection* newestConnection(ControlEndpoint& endpoint)
{
    const auto all = endpoint.findChildren<ControlConnection*>(Qt::FindDirectChildrenOnly);
    return all.isEmpty() ? nullptr : all.last();
}

} // namespace

class TestControlAbuse : public QObject
{
    Q_OBJECT

private slots:
    void unfinishedBodiesAreBoundedPerSession();
    void unfinishedBodiesAreBoundedPerAddress();
    void sessionWithoutRequestsIsClosed();
    void sessionWithAMapStreamStays();
    void oneAddressCannotFillTheCap();
    void replayedInitiationIsRefused();
    void oneAddressCannotFloodHandshakes();
};

void TestControlAbuse::unfinishedBodiesAreBoundedPerSession()
{
    ControlEndpoint::Options options;
    options.connection.http2.maxBufferedBodyBytes = 256 << 10;
    options.connection.http2.maxRequestBodyBytes = 128 << 10;
    options.connection.http2.bodyTimeout = 1500ms;
    test::ChannelFixture fx(options);
    QVERIFY(fx.listen());
    int handled = 0;
    fx.endpoint().setHandler([&](const ControlContext&, const http::Http2Request&, http::Http2Response r) {
        ++handled;
        r.respond(200);
    });
    test::RawClient raw;
    QVERIFY(raw.connect(fx.port()));
    QVERIFY(raw.handshake(fx.serverKey().publicKey()));
    ControlConnection* connection = newestConnection(fx.endpoint());
    QVERIFY(connection);
    QPointer<http::Http2ServerSession> session = connection->session();
    // 40 streams x 48 KiB = 1.9 MiB offered; the session keeps at most 256 KiB of it.
    QVERIFY(floodBodies(raw, 40, 48 << 10));
    QVERIFY(QTest::qWaitFor([&] { return session && session->activeStreamCount() >= 1 && session->bufferedBodyBytes() > 0; }, 5000));
    QTest::qWait(300);
    QVERIFY(session);
    QVERIFY2(session->bufferedBodyBytes() <= (256 << 10), qPrintable(QString::number(session->bufferedBodyBytes())));
    QVERIFY(session->bufferedBodyBytes() >= (192 << 10)); // it did buffer up to the bound
    // The unfinished bodies time out: nothing stays pinned, and no handler ran for them.
    QVERIFY(QTest::qWaitFor([&] { return !session || session->bufferedBodyBytes() == 0; }, 8000));
    QCOMPARE(handled, 0);
    QCOMPARE(fx.endpoint().connectionCount(), 1); // only those streams were answered, not the session
}

void TestControlAbuse::unfinishedBodiesAreBoundedPerAddress()
{
    ControlEndpoint::Options options;
    options.connection.http2.maxBufferedBodyBytes = 256 << 10;
    options.connection.http2.maxRequestBodyBytes = 128 << 10;
    options.maxBufferedBodyBytesPerAddress = 384 << 10;
    test::ChannelFixture fx(options);
    QVERIFY(fx.listen());
    fx.endpoint().setHandler([](const ControlContext&, const http::Http2Request&, http::Http2Response r) { r.respond(200); });
    std::vector<std::unique_ptr<test::RawClient>> clients;
    for (int i = 0; i < 3; ++i) {
        auto raw = std::make_unique<test::RawClient>();
        QVERIFY(raw->connect(fx.port()));
        QVERIFY(raw->handshake(fx.serverKey().publicKey()));
        QVERIFY(floodBodies(*raw, 8, 48 << 10));
        clients.push_back(std::move(raw));
    }
    const QHostAddress local(QHostAddress::LocalHost);
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().bufferedBodyBytesFrom(local) >= (320 << 10); }, 5000));
    QTest::qWait(300);
    QVERIFY2(fx.endpoint().bufferedBodyBytesFrom(local) <= (384 << 10),
             qPrintable(QString::number(fx.endpoint().bufferedBodyBytesFrom(local))));
    // Another address has its own budget.
    test::RawClient other;
    QVERIFY(other.connect(fx.port(), QHostAddress(QStringLiteral("127.0.0.2"))));
    QVERIFY(other.handshake(fx.serverKey().publicKey()));
    QVERIFY(floodBodies(other, 2, 32 << 10));
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().bufferedBodyBytesFrom(QHostAddress(QStringLiteral("127.0.0.2"))) == (64 << 10); }, 5000));
    // Closing the sessions gives everything back.
    clients.clear();
    other.socket.abort();
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().connectionCount() == 0; }, 5000));
    QCOMPARE(fx.endpoint().bufferedBodyBytesFrom(local), 0);
}

void TestControlAbuse::sessionWithoutRequestsIsClosed()
{
    ControlEndpoint::Options options;
    options.connection.establishTimeout = 400ms;
    test::ChannelFixture fx(options);
    QVERIFY(fx.listen());
    // A finished handshake and then nothing (the probe held ten such sessions for 300 s).
    test::RawClient raw;
    QVERIFY(raw.connect(fx.port()));
    QVERIFY(raw.handshake(fx.serverKey().publicKey()));
    QCOMPARE(fx.endpoint().connectionCount(), 1);
    // PINGs are traffic but not use: they do not keep the session.
    QVERIFY(sendSealed(raw, preface() + frame(6, 0, 0, QByteArray(8, 'p'))));
    raw.readUntilClosed(5000);
    QCOMPARE(raw.socket.state(), QAbstractSocket::UnconnectedState);
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().connectionCount() == 0; }, 5000));
}

void TestControlAbuse::sessionWithAMapStreamStays()
{
    ControlEndpoint::Options options;
    options.connection.establishTimeout = 300ms;
    options.connection.idleTimeout = 600ms;
    test::ChannelFixture fx(options);
    QVERIFY(fx.listen());
    std::optional<http::Http2Response> held;
    fx.endpoint().setHandler([&](const ControlContext&, const http::Http2Request&, http::Http2Response r) {
        r.sendHeaders(200);
        held = r; // a map long-poll
    });
    ControlClient client(crypto::MachinePrivate::generate());
    QVERIFY(test::connectClient(client, fx.port(), fx.serverKey().publicKey()));
    client.request("POST", "/machine/map", "{}");
    QVERIFY(QTest::qWaitFor([&] { return held.has_value(); }, 5000));
    QTest::qWait(1500); // well past both timeouts: a running stream is use
    QCOMPARE(fx.endpoint().connectionCount(), 1);
    held->finish();
    // Without a stream, the established session goes after idleTimeout.
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().connectionCount() == 0; }, 5000));
}

void TestControlAbuse::oneAddressCannotFillTheCap()
{
    ControlEndpoint::Options options;
    options.maxConnections = 6;
    options.maxConnectionsPerAddress = 3;
    test::ChannelFixture fx(options);
    QVERIFY(fx.listen());
    std::vector<std::unique_ptr<test::RawClient>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<test::RawClient>());
        QVERIFY(held.back()->connect(fx.port()));
        QVERIFY(held.back()->handshake(fx.serverKey().publicKey()));
    }
    test::RawClient fourth;
    QVERIFY(fourth.connect(fx.port()));
    QVERIFY(!fourth.handshake(fx.serverKey().publicKey()));
    QCOMPARE(fx.endpoint().connectionCount(), 3);
    // Another host still gets in.
    test::RawClient other;
    QVERIFY(other.connect(fx.port(), QHostAddress(QStringLiteral("127.0.0.2"))));
    QVERIFY(other.handshake(fx.serverKey().publicKey()));
    QCOMPARE(fx.endpoint().connectionCount(), 4);
    QCOMPARE(fx.endpoint().connectionsFrom(QHostAddress(QHostAddress::LocalHost)), 3);
}

void TestControlAbuse::replayedInitiationIsRefused()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    crypto::Ts2021Initiator initiator(crypto::MachinePrivate::generate(), fx.serverKey().publicKey(), 115);
    const QByteArray request = ControlClient::upgradeRequest("127.0.0.1", initiator.initiation());
    test::RawClient first;
    QVERIFY(first.connect(fx.port()));
    QByteArray head, rest;
    QVERIFY(first.exchange(request, &head, &rest, 51));
    QCOMPARE(fx.endpoint().connectionCount(), 1);
    // The same recorded bytes on another connection: no session (the probe opened any number).
    test::RawClient replay;
    QVERIFY(replay.connect(fx.port()));
    QByteArray head2, rest2;
    QVERIFY(!replay.exchange(request, &head2, &rest2, 51, 1500));
    replay.readUntilClosed(5000);
    QCOMPARE(replay.socket.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(fx.endpoint().connectionCount(), 1);
}

void TestControlAbuse::oneAddressCannotFloodHandshakes()
{
    // No refill during the test: exactly the burst gets through.
    ControlEndpoint::Options options;
    options.handshakesPerSecondPerAddress = 0.001;
    options.handshakeBurstPerAddress = 3;
    options.unlimitedSources.append({QHostAddress(QStringLiteral("127.0.0.3")), 32});
    test::ChannelFixture fx(options);
    QVERIFY(fx.listen());
    for (int i = 0; i < 3; ++i) {
        test::RawClient client;
        QVERIFY(client.connect(fx.port()));
        QVERIFY(client.handshake(fx.serverKey().publicKey()));
    }
    // The fourth is refused before any Noise work, with a status tailscaled retries after.
    crypto::Ts2021Initiator initiator(crypto::MachinePrivate::generate(), fx.serverKey().publicKey(), 115);
    test::RawClient fourth;
    QVERIFY(fourth.connect(fx.port()));
    QByteArray head, rest;
    fourth.exchange(ControlClient::upgradeRequest("127.0.0.1", initiator.initiation()), &head, &rest, 0);
    QVERIFY2(head.startsWith("HTTP/1.1 429 "), head.constData());
    QVERIFY2(head.contains("\r\nRetry-After: 1\r\n"), head.constData());
    QCOMPARE(fx.endpoint().handshakesRateLimited(), quint64(1));
    // Other hosts are not affected, nor is a trusted proxy (all its clients share its address).
    for (const char* from : {"127.0.0.2", "127.0.0.3", "127.0.0.3", "127.0.0.3", "127.0.0.3"}) {
        test::RawClient other;
        QVERIFY(other.connect(fx.port(), QHostAddress(QString::fromLatin1(from))));
        QVERIFY2(other.handshake(fx.serverKey().publicKey()), from);
    }
    QCOMPARE(fx.endpoint().handshakesRateLimited(), quint64(1));
}

QTEST_GUILESS_MAIN(TestControlAbuse)
#include "tst_controlabuse.moc"
