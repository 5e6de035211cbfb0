// The socket-free parts of the ts2021 channel: upgrade request parsing, WebSocket framing and the
// early payload, both directions.
#include "control/EarlyNoise.h"
#include "control/EarlyNoiseReader.h"
#include "control/UpgradeRequest.h"
#include "http/WebSocketFramer.h"
#include "http/WebSocketHandshake.h"
#include "crypto/Ts2021Initiator.h"

#include <QTest>
#include <QtEndian>

using namespace keel;
using namespace keel::control;

namespace {

http::HttpRequest makeRequest(const QByteArray& method, const QByteArray& target,
                              const QList<QPair<QByteArray, QByteArray>>& headers)
{
    http::HttpRequest r;
    r.method = method;
    r.target = target;
    r.version = "HTTP/1.1";
    r.headers = headers;
    return r;
}

QByteArray validInitiation()
{
    const crypto::MachinePrivate server = crypto::MachinePrivate::generate();
    crypto::Ts2021Initiator initiator(crypto::MachinePrivate::generate(), server.publicKey(), 115);
    return initiator.initiation();
}

} // namespace

class TestControlParts : public QObject
{
    Q_OBJECT

private slots:
    void upgradeNative();
    void upgradeRejects_data();
    void upgradeRejects();
    void upgradeWebSocket();
    void upgradeWebSocketRejects_data();
    void upgradeWebSocketRejects();
    void webSocketAcceptKey();
    void webSocketRoundTrip_data();
    void webSocketRoundTrip();
    void webSocketControlFrames();
    void webSocketViolations_data();
    void webSocketViolations();
    void earlyNoiseEncoding();
    void earlyNoiseReaderAnyChunking();
    void earlyNoiseReaderWithoutPayload();
    void earlyNoiseReaderRejects_data();
    void earlyNoiseReaderRejects();
};

void TestControlParts::upgradeNative()
{
    const QByteArray init = validInitiation();
    // Exactly what tailscaled 1.82.5 sent (recorded), with a fresh initiation.
    const auto up = UpgradeRequest::parse(makeRequest("POST", "/ts2021",
        {{"Host", "127.0.0.1:28998"}, {"User-Agent", "Go-http-client/1.1"}, {"Content-Length", "0"},
         {"Connection", "upgrade"}, {"Upgrade", "tailscale-control-protocol"}, {"X-Tailscale-Handshake", init.toBase64()}}));
    QCOMPARE(int(up.kind), int(UpgradeRequest::Kind::Native));
    QCOMPARE(up.initiation, init);
    // The server compares Upgrade case-insensitively (Go lower-cases it).
    const auto upper = UpgradeRequest::parse(makeRequest("POST", "/ts2021",
        {{"Upgrade", "Tailscale-Control-Protocol"}, {"X-Tailscale-Handshake", init.toBase64()}}));
    QCOMPARE(int(upper.kind), int(UpgradeRequest::Kind::Native));
}

void TestControlParts::upgradeRejects_data()
{
    QTest::addColumn<QByteArray>("upgrade");
    QTest::addColumn<QByteArray>("handshake");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("text");
    const QByteArray good = validInitiation().toBase64();
    QTest::newRow("no upgrade (reverse proxy)") << QByteArray() << good << 500 << QByteArray("Internal error");
    QTest::newRow("unknown protocol") << QByteArray("h2c") << good << 400 << QByteArray("unknown next protocol");
    QTest::newRow("no handshake") << QByteArray("tailscale-control-protocol") << QByteArray() << 400
                                  << QByteArray("missing Tailscale handshake header");
    QTest::newRow("not base64") << QByteArray("tailscale-control-protocol") << QByteArray("!!!!") << 400
                                << QByteArray("invalid tailscale handshake header");
    QTest::newRow("unpadded") << QByteArray("tailscale-control-protocol") << good.left(good.size() - 1) << 400
                              << QByteArray("invalid tailscale handshake header");
    QTest::newRow("url-safe alphabet") << QByteArray("tailscale-control-protocol")
                                       << QByteArray(good).replace('+', '-').replace('/', '_').append("-_-_") << 400
                                       << QByteArray("invalid tailscale handshake header");
}

void TestControlParts::upgradeRejects()
{
    QFETCH(QByteArray, upgrade);
    QFETCH(QByteArray, handshake);
    QFETCH(int, status);
    QFETCH(QByteArray, text);
    QList<QPair<QByteArray, QByteArray>> headers{{"Connection", "upgrade"}};
    if (!upgrade.isEmpty())
        headers.append({"Upgrade", upgrade});
    if (!handshake.isEmpty())
        headers.append({"X-Tailscale-Handshake", handshake});
    const auto up = UpgradeRequest::parse(makeRequest("POST", "/ts2021", headers));
    QCOMPARE(int(up.kind), int(UpgradeRequest::Kind::Reject));
    QCOMPARE(up.status, status);
    QCOMPARE(up.text, text);
}

void TestControlParts::upgradeWebSocket()
{
    const QByteArray init = validInitiation();
    const QByteArray target = "/ts2021?X-Tailscale-Handshake=" + init.toBase64().toPercentEncoding();
    const auto up = UpgradeRequest::parse(makeRequest("GET", target,
        {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}, {"Sec-WebSocket-Version", "13"},
         {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}, {"Sec-WebSocket-Protocol", "tailscale-control-protocol"}}));
    QCOMPARE(int(up.kind), int(UpgradeRequest::Kind::WebSocket));
    QCOMPARE(up.initiation, init);
    QVERIFY(up.subprotocolOffered);
    QCOMPARE(up.webSocketAccept, QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestControlParts::upgradeWebSocketRejects_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("protocol");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("text");
    const QByteArray good = "/ts2021?X-Tailscale-Handshake=" + validInitiation().toBase64().toPercentEncoding();
    const int reject = int(UpgradeRequest::Kind::Reject);
    const int close = int(UpgradeRequest::Kind::WebSocketReject);
    QTest::newRow("POST") << QByteArray("POST") << good << QByteArray("13") << QByteArray("tailscale-control-protocol")
                          << reject << QByteArray("WebSocket protocol violation: handshake request method is not GET");
    QTest::newRow("version 8") << QByteArray("GET") << good << QByteArray("8") << QByteArray("tailscale-control-protocol")
                               << reject << QByteArray("unsupported WebSocket protocol version (only 13 is supported)");
    QTest::newRow("no subprotocol") << QByteArray("GET") << good << QByteArray("13") << QByteArray("chat") << close
                                    << QByteArray("client must speak the control subprotocol");
    QTest::newRow("no parameter") << QByteArray("GET") << QByteArray("/ts2021") << QByteArray("13")
                                  << QByteArray("tailscale-control-protocol") << close
                                  << QByteArray("missing Tailscale handshake parameter");
    QTest::newRow("bad parameter") << QByteArray("GET") << QByteArray("/ts2021?X-Tailscale-Handshake=abc") << QByteArray("13")
                                   << QByteArray("tailscale-control-protocol") << close
                                   << QByteArray("invalid tailscale handshake parameter");
}

void TestControlParts::upgradeWebSocketRejects()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, protocol);
    QFETCH(int, kind);
    QFETCH(QByteArray, text);
    const auto up = UpgradeRequest::parse(makeRequest(method, target,
        {{"Connection", "keep-alive, Upgrade"}, {"Upgrade", "websocket"}, {"Sec-WebSocket-Version", version},
         {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}, {"Sec-WebSocket-Protocol", protocol}}));
    QCOMPARE(int(up.kind), kind);
    QCOMPARE(up.text, text);
}

void TestControlParts::webSocketAcceptKey()
{
    // RFC 6455 section 1.3's example.
    QCOMPARE(http::WebSocketHandshake::acceptFor("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestControlParts::webSocketRoundTrip_data()
{
    QTest::addColumn<int>("size");
    for (int size : {0, 1, 125, 126, 65535, 65536, 200000})
        QTest::newRow(qPrintable(QString::number(size))) << size;
}

void TestControlParts::webSocketRoundTrip()
{
    QFETCH(int, size);
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char(i * 7 + 3);
    http::WebSocketFramer client(http::WebSocketFramer::Role::Client);
    http::WebSocketFramer server(http::WebSocketFramer::Role::Server);
    const QByteArray wire = client.binary(payload);
    QVERIFY(wire.size() > payload.size());
    // Byte by byte for small frames, in one piece for big ones.
    if (size < 300) {
        for (char c : wire)
            QVERIFY(server.feed(QByteArrayView(&c, 1)));
    } else {
        QVERIFY(server.feed(wire));
    }
    QCOMPARE(server.takeData(), payload);
    // The server's frames are unmasked and the client accepts them.
    QVERIFY(client.feed(server.binary(payload)));
    QCOMPARE(client.takeData(), payload);
}

void TestControlParts::webSocketControlFrames()
{
    http::WebSocketFramer client(http::WebSocketFramer::Role::Client);
    http::WebSocketFramer server(http::WebSocketFramer::Role::Server);
    // A fragmented binary message with a ping in the middle.
    QByteArray first = client.frame(http::WebSocketFramer::Binary, "abc");
    first[0] = char(first[0] & 0x7f);  // clear FIN
    QVERIFY(server.feed(first + client.frame(http::WebSocketFramer::Ping, "hi") + client.frame(http::WebSocketFramer::Continuation, "def")));
    QCOMPARE(server.takeData(), QByteArray("abcdef"));
    QVERIFY(client.feed(server.takeReplies()));
    QVERIFY(client.takeData().isEmpty());  // the pong carries no data
    // Close is echoed with the code, and nothing counts after it.
    QVERIFY(server.feed(client.close(1001, "bye") + client.binary("late")));
    QVERIFY(server.peerClosed());
    QVERIFY(server.takeData().isEmpty());
    const QByteArray echo = server.takeReplies();
    QCOMPARE(echo, QByteArray::fromHex("880203e9"));
}

void TestControlParts::webSocketViolations_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QByteArray>("closeCode");
    http::WebSocketFramer client(http::WebSocketFramer::Role::Client);
    http::WebSocketFramer server(http::WebSocketFramer::Role::Server);
    QTest::newRow("unmasked") << server.binary("x") << QByteArray("03ea");
    QTest::newRow("text") << client.frame(http::WebSocketFramer::Text, "x") << QByteArray("03eb");
    QByteArray rsv = client.binary("x");
    rsv[0] = char(rsv[0] | 0x40);
    QTest::newRow("reserved bit") << rsv << QByteArray("03ea");
    QTest::newRow("unknown opcode") << client.frame(http::WebSocketFramer::Opcode(0x3), "x") << QByteArray("03ea");
    QTest::newRow("continuation first") << client.frame(http::WebSocketFramer::Continuation, "x") << QByteArray("03ea");
    QByteArray fragPing = client.frame(http::WebSocketFramer::Ping, "x");
    fragPing[0] = char(fragPing[0] & 0x7f);
    QTest::newRow("fragmented ping") << fragPing << QByteArray("03ea");
    QByteArray huge = QByteArray::fromHex("82ff") + QByteArray::fromHex("0000000100000000") + QByteArray(4, 'm');
    QTest::newRow("huge length") << huge << QByteArray("03f1");
}

void TestControlParts::webSocketViolations()
{
    QFETCH(QByteArray, wire);
    QFETCH(QByteArray, closeCode);
    http::WebSocketFramer server(http::WebSocketFramer::Role::Server);
    QVERIFY(!server.feed(wire));
    QVERIFY(server.failed());
    const QByteArray reply = server.takeReplies();
    QVERIFY(reply.size() >= 4);
    QCOMPARE(quint8(reply[0]), quint8(0x88));
    QCOMPARE(reply.mid(2, 2).toHex(), closeCode);
    // Sticky.
    http::WebSocketFramer client(http::WebSocketFramer::Role::Client);
    QVERIFY(!server.feed(client.binary("more")));
    QVERIFY(server.takeData().isEmpty());
}

void TestControlParts::earlyNoiseEncoding()
{
    const crypto::ChallengePublic challenge = crypto::ChallengePrivate::generate().publicKey();
    const QByteArray payload = EarlyNoise::encode(challenge);
    QCOMPARE(payload.left(5), QByteArray("\xff\xff\xffTS"));
    const quint32 length = qFromBigEndian<quint32>(payload.constData() + 5);
    QCOMPARE(qsizetype(length), payload.size() - 9);
    QCOMPARE(payload.mid(9), QByteArray("{\"nodeKeyChallenge\":\"" + challenge.toString().toLatin1() + "\"}"));
}

void TestControlParts::earlyNoiseReaderAnyChunking()
{
    const crypto::ChallengePublic challenge = crypto::ChallengePrivate::generate().publicKey();
    const QByteArray settings = QByteArray::fromHex("000000040000000000");
    const QByteArray stream = EarlyNoise::encode(challenge) + settings;
    for (qsizetype chunk : {1, 3, 9, 10, 200}) {
        EarlyNoiseReader reader;
        QByteArray rest;
        for (qsizetype pos = 0; pos < stream.size(); pos += chunk) {
            reader.feed(stream.mid(pos, chunk));
            if (reader.status() == EarlyNoiseReader::Status::Done)
                rest += reader.takeRemainder();
        }
        QCOMPARE(int(reader.status()), int(EarlyNoiseReader::Status::Done));
        QVERIFY(reader.hadEarlyPayload());
        QCOMPARE(reader.challenge().toString(), challenge.toString());
        QCOMPARE(rest, settings);
    }
}

void TestControlParts::earlyNoiseReaderWithoutPayload()
{
    EarlyNoiseReader reader;
    QCOMPARE(int(reader.feed(QByteArray::fromHex("00000004"))), int(EarlyNoiseReader::Status::NeedMore));
    QCOMPARE(int(reader.feed(QByteArray::fromHex("0000000000aa"))), int(EarlyNoiseReader::Status::Done));
    QVERIFY(!reader.hadEarlyPayload());
    QVERIFY(reader.challenge().isZero());
    QCOMPARE(reader.takeRemainder(), QByteArray::fromHex("000000040000000000aa"));
}

void TestControlParts::earlyNoiseReaderRejects_data()
{
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray magic("\xff\xff\xffTS", 5);
    QTest::newRow("over 10 MiB") << magic + QByteArray::fromHex("00a00001");
    QTest::newRow("not json") << magic + QByteArray::fromHex("00000003") + "abc";
    QTest::newRow("bad key") << magic + QByteArray::fromHex("0000001c") + "{\"nodeKeyChallenge\":\"mkey:\"}";
}

void TestControlParts::earlyNoiseReaderRejects()
{
    QFETCH(QByteArray, bytes);
    EarlyNoiseReader reader;
    QCOMPARE(int(reader.feed(bytes)), int(EarlyNoiseReader::Status::Failed));
    QVERIFY(!reader.errorString().isEmpty());
}

QTEST_GUILESS_MAIN(TestControlParts)
#include "tst_controlparts.moc"
