// How DERP reaches the relay: WebSocket /derp (spec A.2.3) and the TLS meta certificate that
// lets clients skip the 101 (fast start, A.2.2). Real sockets on loopback, plain and TLS.
#include "DerpFixture.h"

#include "derp/FrameCodec.h"
#include "derp/MetaCertificate.h"
#include "derp/NaclBox.h"
#include "http/WebSocketFramer.h"
#include "http/WebSocketHandshake.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>
#include <QtEndian>

using namespace keel;
using namespace keel::derp;
using keel::derp::test::DerpFixture;
using crypto::NodePrivate;
using crypto::NodePublic;

namespace {

bool exchanges(DerpClient& a, DerpClient& b, const QByteArray& payload)
{
    QSignalSpy got(&b, &DerpClient::packetReceived);
    if (!a.sendPacket(b.publicKey(), payload))
        return false;
    if (!got.wait(5000) && got.isEmpty())
        return false;
    return got.first().at(0).value<NodePublic>() == a.publicKey() && got.first().at(1).toByteArray() == payload;
}

QByteArray webSocketRequest(const QByteArray& protocolHeader, const QByteArray& extra = {})
{
    return "GET /derp HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + protocolHeader + extra + "\r\n";
}

// Walks unmasked server WebSocket frames: their payloads in order, and the largest one.
struct ServerFrames
{
    QByteArray stream;
    QList<quint8> opcodes;
    qsizetype largest = 0;
    qsizetype used = 0;

    void parse(const QByteArray& wire)
    {
        const auto* p = reinterpret_cast<const unsigned char*>(wire.constData());
        while (wire.size() - used >= 2) {
            qsizetype pos = used + 2;
            quint64 length = p[used + 1] & 0x7f;
            if (length == 126) {
                if (wire.size() < used + 4)
                    return;
                length = qFromBigEndian<quint16>(p + used + 2);
                pos = used + 4;
            } else if (length == 127) {
                if (wire.size() < used + 10)
                    return;
                length = qFromBigEndian<quint64>(p + used + 2);
                pos = used + 10;
            }
            if (wire.size() < pos + qsizetype(length))
                return;
            opcodes.append(p[used] & 0x0f);
            if ((p[used] & 0x0f) == http::WebSocketFramer::Binary)
                stream += wire.mid(pos, qsizetype(length));
            largest = std::max(largest, qsizetype(length));
            used = pos + qsizetype(length);
        }
    }
};

} // namespace

class TestDerpTransport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { qRegisterMetaType<NodePublic>(); }

    void webSocketClientsExchangePackets_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("ws") << false;
        QTest::newRow("wss") << true;
    }

    void webSocketClientsExchangePackets()
    {
        QFETCH(bool, tls);
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(tls, &error), qPrintable(error));
        fx.setWebSocket(true);
        auto a = fx.connectClient(NodePrivate::generate());
        auto b = fx.connectClient(NodePrivate::generate());
        fx.setWebSocket(false);
        auto classic = fx.connectClient(NodePrivate::generate());
        QVERIFY(a && b && classic);
        QVERIFY(a->isWebSocket() && b->isWebSocket() && !classic->isWebSocket());
        QCOMPARE(fx.server().stats().webSocketConnections, quint64(2));
        QVERIFY(!a->usedFastStart());   // the WebSocket path has no fast start
        QVERIFY(exchanges(*a, *b, "hello over websocket"));
        QVERIFY(exchanges(*b, *a, QByteArray(1280, 'w')));
        // A maximal packet crosses several messages each way (>32 KiB is split on the server).
        QVERIFY(exchanges(*a, *b, QByteArray(int(MaxPacketSize), 'm')));
        // WebSocket and classic clients share one relay.
        QVERIFY(exchanges(*a, *classic, "to classic"));
        QVERIFY(exchanges(*classic, *b, "to websocket"));
        QVERIFY(exchanges(*a, *b, "still fine"));
    }

    // A raw WebSocket client: the handshake answer, DERP framing inside binary messages, no
    // server message above 32 KiB (Go's coder/websocket read limit) even when it has a backlog.
    void webSocketWireShape()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, fx.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(webSocketRequest("Sec-WebSocket-Protocol: derp\r\n"));
        QByteArray wire;
        QTRY_VERIFY((wire += socket.readAll()).contains("\r\n\r\n"));
        const QByteArray head = wire.left(wire.indexOf("\r\n\r\n") + 4);
        QVERIFY2(head.startsWith("HTTP/1.1 101 "), head.constData());
        QVERIFY(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(head.contains("Sec-WebSocket-Protocol: derp\r\n"));
        QVERIFY(!head.contains("Derp-Version"));   // no DERP 101 inside the WebSocket
        wire.remove(0, head.size());

        ServerFrames in;
        QTRY_VERIFY((in.parse(wire += socket.readAll()), in.stream.size() >= FrameHeaderLength + 40));
        QCOMPARE(quint8(in.stream[0]), quint8(FrameType::ServerKey));
        const auto serverKey = FrameCodec::parseServerKey(QByteArrayView(in.stream).sliced(FrameHeaderLength, 40));
        QCOMPARE(serverKey, fx.server().publicKey());

        // ClientInfo split across two messages: the server reads a stream, not messages.
        const NodePrivate me = NodePrivate::generate();
        ClientInfo info;
        info.version = ProtocolVersion;
        info.canAckPings = true;
        const QByteArray clientInfo = FrameCodec::frame(
            FrameType::ClientInfo, me.publicKey().toByteArray() + NaclBox::seal(info.toJson(), me.raw(), serverKey->raw()));
        http::WebSocketFramer framer(http::WebSocketFramer::Role::Client);
        socket.write(framer.binary(clientInfo.left(7)) + framer.binary(clientInfo.mid(7)));
        QTRY_COMPARE(fx.server().clientCount(), 1);

        // Maximal packets: each RecvPacket frame (64 KiB + 37) has to span three messages.
        auto sender = fx.connectClient(NodePrivate::generate());
        QVERIFY(sender);
        for (int i = 0; i < 3; ++i)
            QVERIFY(sender->sendPacket(me.publicKey(), QByteArray(int(MaxPacketSize), char('a' + i))));
        FrameReader reader;
        qsizetype fed = 0;
        int packets = 0;
        QElapsedTimer t;
        t.start();
        while (packets < 3 && t.elapsed() < 10000) {
            QTest::qWait(10);
            in.parse(wire += socket.readAll());
            reader.feed(QByteArrayView(in.stream).sliced(fed));
            fed = in.stream.size();
            Frame frame;
            while (reader.next(&frame) == FrameReader::Result::FrameReady) {
                if (frame.type != FrameType::RecvPacket)
                    continue;   // ServerKey, ServerInfo
                QCOMPARE(frame.payload.size(), 32 + qsizetype(MaxPacketSize));
                QCOMPARE(frame.payload.left(32), sender->publicKey().toByteArray());
                QCOMPARE(frame.payload.at(32), char('a' + packets));
                ++packets;
            }
        }
        QCOMPARE(packets, 3);
        QCOMPARE(in.largest, http::WebSocketFramer::kMaxOutgoingMessage);
        for (quint8 op : std::as_const(in.opcodes))
            QCOMPARE(op, quint8(http::WebSocketFramer::Binary));

        // A text message breaks the binary stream: the server closes (1003) and nobody else cares.
        socket.write(framer.frame(http::WebSocketFramer::Text, "hi"));
        QTRY_COMPARE(fx.server().clientCount(), 1);   // only `sender` is left
        // The Close frame may arrive after the count drops: wait for it, do not read just once.
        QTRY_VERIFY((in.parse(wire += socket.readAll()), in.opcodes.contains(quint8(http::WebSocketFramer::Close))));
    }

    void webSocketHandshakeRefusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("answer");
        QTest::newRow("no key") << QByteArray("GET /derp HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: derp\r\n\r\n")
                                << QByteArray("HTTP/1.1 400 ");
        QTest::newRow("version 12") << QByteArray("GET /derp HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                                  "Sec-WebSocket-Version: 12\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                  "Sec-WebSocket-Protocol: derp\r\n\r\n")
                                    << QByteArray("HTTP/1.1 400 ");
        QTest::newRow("no upgrade") << QByteArray("GET /derp HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("HTTP/1.1 426 ");
    }

    void webSocketHandshakeRefusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, answer);
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        bool closed = false;
        const QByteArray got = fx.rawExchange(request, 300, &closed);
        QVERIFY2(got.startsWith(answer), got.left(200).constData());
        QCOMPARE(fx.server().clientCount(), 0);
    }

    void webSocketWithoutDerpSubprotocol()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        bool closed = false;
        // "derp" only inside another name: derper accepts the WebSocket, then closes with 1008.
        const QByteArray refused = fx.rawExchange(webSocketRequest("Sec-WebSocket-Protocol: derpish\r\n"), 2000, &closed);
        QVERIFY2(refused.startsWith("HTTP/1.1 101 "), refused.left(200).constData());
        QVERIFY(!refused.contains("Sec-WebSocket-Protocol"));
        ServerFrames frames;
        frames.parse(refused.mid(refused.indexOf("\r\n\r\n") + 4));
        QCOMPARE(frames.opcodes, QList<quint8>{quint8(http::WebSocketFramer::Close)});
        QVERIFY(refused.contains(QByteArray::fromHex("03f0")));   // 1008 policy violation
        QVERIFY(closed);
        // No subprotocol at all: what very old clients sent while speaking plain DERP.
        const QByteArray old = fx.rawExchange(webSocketRequest({}), 300, &closed);
        QVERIFY2(old.startsWith("HTTP/1.1 101 "), old.left(200).constData());
        QVERIFY(old.contains("Upgrade: DERP\r\n"));
        QCOMPARE(quint8(old.at(old.indexOf("\r\n\r\n") + 4)), quint8(FrameType::ServerKey));
    }

    // What tailscaled looks for after the TLS handshake: a TLS 1.3 session whose peer chain
    // ends with "derpkey<hex>", serial = protocol version.
    void metaCertificateInTlsChain()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(true, &error), qPrintable(error));
        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), fx.port());
        QTRY_VERIFY2_WITH_TIMEOUT(socket.isEncrypted(), qPrintable(socket.errorString()), 5000);   // server on this thread
        QCOMPARE(socket.sessionProtocol(), QSsl::TlsV1_3);
        const QList<QSslCertificate> chain = socket.peerCertificateChain();
        QCOMPARE(chain.size(), 2);
        QCOMPARE(chain.first().subjectInfo(QSslCertificate::CommonName).value(0), QStringLiteral("127.0.0.1"));
        const QSslCertificate& meta = chain.last();
        QCOMPARE(meta.subjectInfo(QSslCertificate::CommonName).value(0),
                 QStringLiteral("derpkey") + QString::fromLatin1(fx.server().publicKey().toByteArray().toHex()));
        QCOMPARE(meta.serialNumber(), QByteArray("02"));
        QCOMPARE(meta.issuerInfo(QSslCertificate::CommonName), meta.subjectInfo(QSslCertificate::CommonName));
        QVERIFY(meta.effectiveDate() < QDateTime::currentDateTimeUtc().addDays(-29));
        QVERIFY(meta.expiryDate() > QDateTime::currentDateTimeUtc().addDays(29));
        const auto found = MetaCertificate::find(chain);
        QVERIFY(found);
        QCOMPARE(found->serverKey, fx.server().publicKey());
        QCOMPARE(found->protocolVersion, ProtocolVersion);
        // The leaf alone carries no key.
        QVERIFY(!MetaCertificate::find({chain.first()}));
    }

    void fastStartOverTls_data()
    {
        QTest::addColumn<bool>("metaCertificate");
        QTest::newRow("with meta certificate") << true;
        QTest::newRow("without") << false;
    }

    void fastStartOverTls()
    {
        QFETCH(bool, metaCertificate);
        DerpFixture fx;
        fx.setMetaCertificate(metaCertificate);
        QString error;
        QVERIFY2(fx.start(true, &error), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        auto b = fx.connectClient(NodePrivate::generate());
        QVERIFY(a && b);
        QCOMPARE(a->usedFastStart(), metaCertificate);
        QCOMPARE(a->serverKey(), fx.server().publicKey());
        QVERIFY(exchanges(*a, *b, "fast or not"));
        QVERIFY(exchanges(*b, *a, "both ways"));
    }

    void metaCertificateParsingRejectsLookalikes()
    {
        const NodePublic key = NodePrivate::generate().publicKey();
        const QSslCertificate good = MetaCertificate::create(key);
        QVERIFY(!good.isNull());
        QCOMPARE(MetaCertificate::find({good})->serverKey, key);
        QVERIFY(!MetaCertificate::find({}));
        QVERIFY(!MetaCertificate::find({QSslCertificate()}));
    }
};

QTEST_MAIN(TestDerpTransport)
#include "tst_derptransport.moc"
