// The DERP relay over real sockets on loopback: plain HTTP and TLS with a generated certificate.
#include "DerpFixture.h"
#include "UnderWine.h"

#include "derp/FrameCodec.h"
#include "derp/NaclBox.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace keel;
using namespace keel::derp;
using keel::derp::test::DerpFixture;
using crypto::NodePrivate;
using crypto::NodePublic;

Q_DECLARE_METATYPE(keel::derp::PeerGoneReason)
Q_DECLARE_METATYPE(keel::derp::FrameCodec::Present)

namespace {

QByteArray packet(int size, char fill)
{
    return QByteArray(size, fill);
}

QByteArray discoPacket(const NodePublic& sender)
{
    QByteArray p = discoMagic().toByteArray();
    p += sender.toByteArray();
    p += QByteArray(NonceLength + 16, 'n');
    return p;
}

const QByteArray UpgradeRequest = "GET /derp HTTP/1.1\r\nHost: x\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n";

// Waits until `client` is disconnected (true) or `ms` passes (false).
bool waitClosed(QSignalSpy& spy, int ms)
{
    QElapsedTimer t;
    t.start();
    while (spy.isEmpty() && t.elapsed() < ms)
        QTest::qWait(5);
    return !spy.isEmpty();
}

bool exchanges(DerpClient& a, DerpClient& b, const QByteArray& payload)
{
    QSignalSpy got(&b, &DerpClient::packetReceived);
    if (!a.sendPacket(b.publicKey(), payload))
        return false;
    if (!got.wait(5000) && got.isEmpty())
        return false;
    return got.first().at(0).value<NodePublic>() == a.publicKey() && got.first().at(1).toByteArray() == payload;
}

} // namespace

class TestDerpServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qRegisterMetaType<NodePublic>();
        qRegisterMetaType<PeerGoneReason>();
        qRegisterMetaType<FrameCodec::Present>();
    }

    void twoClientsExchangePackets_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("plain") << false;
        QTest::newRow("tls") << true;
    }

    void twoClientsExchangePackets()
    {
        QFETCH(bool, tls);
        DerpFixture fx;
        QString error;
        if (!fx.start(tls, &error)) {
            if (tls && error.contains(QLatin1String("openssl")))
                QSKIP(qPrintable(error));
            QFAIL(qPrintable(error));
        }
        auto a = fx.connectClient(NodePrivate::generate());
        auto b = fx.connectClient(NodePrivate::generate());
        QVERIFY(a && b);
        QCOMPARE(a->serverKey(), fx.server().publicKey());
        QCOMPARE(a->serverInfo().version, 2);
        QTRY_COMPARE(fx.server().clientCount(), 2);
        QVERIFY(exchanges(*a, *b, packet(1280, 'x')));
        QVERIFY(exchanges(*b, *a, packet(1, 'y')));
        QVERIFY(exchanges(*a, *b, packet(int(MaxPacketSize), 'z')));
        QVERIFY(exchanges(*a, *b, QByteArray()));
        // Many in a row arrive complete and in order.
        QSignalSpy got(b.get(), &DerpClient::packetReceived);
        for (int i = 0; i < 20; ++i)
            a->sendPacket(b->publicKey(), QByteArray::number(i));
        QTRY_COMPARE(got.size(), 20);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(got.at(i).at(1).toByteArray(), QByteArray::number(i));
        QCOMPARE(fx.server().stats().totalDropped(), quint64(0));
    }

    void unknownKeyRefusedWhenVerifying()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(true, &error) || error.contains(QLatin1String("openssl")), qPrintable(error));
        if (!error.isEmpty())
            QSKIP(qPrintable(error));
        const NodePrivate ka = NodePrivate::generate(), kb = NodePrivate::generate(), kc = NodePrivate::generate();
        const QList<NodePublic> known{ka.publicKey(), kb.publicKey()};
        QList<QHostAddress> sources;
        fx.server().setClientVerifier([&](const NodePublic& key, const QHostAddress& source) {
            sources.append(source);
            return known.contains(key);
        });
        auto a = fx.connectClient(ka);
        auto b = fx.connectClient(kb);
        QVERIFY(a && b);
        auto c = fx.connectClient(kc);
        QVERIFY(!c);
        QCOMPARE(fx.server().clientCount(), 2);
        QVERIFY(fx.server().stats().rejectedConnections >= 1);
        QVERIFY(sources.contains(QHostAddress(QHostAddress::LocalHost)));
        QVERIFY(exchanges(*a, *b, "still fine"));
    }

    void pingPongAndKeepAlive()
    {
        DerpFixture fx;
        QString error;
        DerpServer::Options options;
        options.keepAliveMs = 100;
        options.keepAliveJitterMs = 0;
        QVERIFY2(fx.start(false, &error, options), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        QVERIFY(a);
        QSignalSpy pong(a.get(), &DerpClient::pongReceived);
        QVERIFY(a->sendPing("12345678"));
        QVERIFY(pong.wait(3000));
        QCOMPARE(pong.first().at(0).toByteArray(), QByteArray("12345678"));
        // A ping with extra bytes (up to 1000) is answered with its first 8 bytes.
        QVERIFY(a->sendRawFrame(quint8(FrameType::Ping), "abcdefgh-extra"));
        QTRY_COMPARE(pong.size(), 2);
        QCOMPARE(pong.at(1).at(0).toByteArray(), QByteArray("abcdefgh"));
        QSignalSpy keepAlive(a.get(), &DerpClient::keepAliveReceived);
        QTRY_VERIFY(keepAlive.size() >= 2);
    }

    void peerGoneWhenSenderLeaves()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        auto b = fx.connectClient(NodePrivate::generate());
        auto c = fx.connectClient(NodePrivate::generate());
        QVERIFY(a && b && c);
        QVERIFY(exchanges(*a, *b, "hello"));
        QSignalSpy goneB(b.get(), &DerpClient::peerGone);
        QSignalSpy goneC(c.get(), &DerpClient::peerGone);
        const NodePublic aKey = a->publicKey();
        a->close();
        QVERIFY(goneB.wait(3000));
        QCOMPARE(goneB.first().at(0).value<NodePublic>(), aKey);
        QCOMPARE(goneB.first().at(1).value<PeerGoneReason>(), PeerGoneReason::Disconnected);
        QTest::qWait(100);
        QVERIFY(goneC.isEmpty());   // c never heard from a
    }

    void notHereForDiscoToUnknownKey()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        QVERIFY(a);
        const NodePublic nobody = NodePrivate::generate().publicKey();
        QSignalSpy gone(a.get(), &DerpClient::peerGone);
        a->sendPacket(nobody, "not disco");
        a->sendPacket(nobody, discoPacket(a->publicKey()));
        QVERIFY(gone.wait(3000));
        QCOMPARE(gone.first().at(0).value<NodePublic>(), nobody);
        QCOMPARE(gone.first().at(1).value<PeerGoneReason>(), PeerGoneReason::NotHere);
        // Rate limited: burst of 3, then 1 per second.
        for (int i = 0; i < 10; ++i)
            a->sendPacket(nobody, discoPacket(a->publicKey()));
        // Wait for all ten to be handled (a busy machine may need longer than any fixed pause),
        // then a moment more in which no fourth answer may come.
        QTRY_COMPARE(fx.server().stats().dropped(DropReason::UnknownDest), quint64(12));
        QTRY_COMPARE(gone.size(), 3);
        QTest::qWait(100);
        QCOMPARE(gone.size(), 3);
        QCOMPARE(fx.server().stats().discoPacketsDropped[size_t(DropReason::UnknownDest)], quint64(11));
    }

    void slowReaderDoesNotSlowOthers()
    {
        DerpFixture fx;
        QString error;
        DerpServer::Options options;
        options.writeTimeoutMs = 1000;
        options.socketHighWaterBytes = 64 * 1024;
        QVERIFY2(fx.start(false, &error, options), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        auto b = fx.connectClient(NodePrivate::generate());
        auto slow = fx.connectClient(NodePrivate::generate());
        QVERIFY(a && b && slow);
        slow->setReceivePaused(true);
        QSignalSpy got(b.get(), &DerpClient::packetReceived);
        QElapsedTimer timer;
        timer.start();
        const QByteArray p = packet(1280, 's');
        // 20 MB towards the stalled reader, with 500 packets for b mixed in.
        for (int i = 0; i < 16000; ++i) {
            a->sendPacket(slow->publicKey(), p);
            if (i % 32 == 0)
                a->sendPacket(b->publicKey(), QByteArray::number(i));
            if (i % 256 == 0)
                QCoreApplication::processEvents();
        }
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 500, 10000);
        const qint64 elapsed = timer.elapsed();
        qInfo() << "b received its 500 packets in" << elapsed << "ms while the slow reader stalled";
        QVERIFY2(elapsed < 8000, "b was held up by the slow reader");
        const DerpStats& s = fx.server().stats();
        QVERIFY(s.dropped(DropReason::QueueHead) > 0);
        QCOMPARE(s.dropped(DropReason::QueueHead) + s.packetsDropped[size_t(DropReason::WriteError)]
                     + s.dropped(DropReason::GoneDisconnected) > 0, true);
        // A reader that stays stalled while packets keep coming for it is cut off at the write
        // deadline (what the kernel already accepted does not count as pending); the others stay.
        QElapsedTimer cutOff;
        cutOff.start();
        while (fx.server().clientCount() == 3 && cutOff.elapsed() < 15000) {
            for (int i = 0; i < 64; ++i)
                a->sendPacket(slow->publicKey(), p);
            QTest::qWait(50);
        }
        QCOMPARE(fx.server().clientCount(), 2);
        QVERIFY(fx.server().stats().dropped(DropReason::WriteError) > 0 || fx.server().stats().dropped(DropReason::GoneDisconnected) > 0);
        QVERIFY(exchanges(*a, *b, "after"));
    }

    void duplicateKeysLastWriterWins()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        const NodePrivate key = NodePrivate::generate();
        auto first = fx.connectClient(key);
        auto second = fx.connectClient(key);
        auto sender = fx.connectClient(NodePrivate::generate());
        QVERIFY(first && second && sender);
        QTRY_COMPARE(fx.server().stats().duplicateConnections, quint64(1));
        QCOMPARE(fx.server().clientCount(), 2);   // two keys
        QSignalSpy gotFirst(first.get(), &DerpClient::packetReceived);
        QVERIFY(exchanges(*sender, *second, "to newest"));
        QVERIFY(gotFirst.isEmpty());
        // The older connection speaks: it becomes the active one.
        QVERIFY(first->notePreferred(true));
        QTRY_COMPARE(fx.server().stats().homeConnections, quint64(1));
        QVERIFY(exchanges(*sender, *first, "to the last writer"));
        // One of the two leaves: the other still receives.
        first->close();
        QTest::qWait(100);
        QVERIFY(exchanges(*sender, *second, "to the survivor"));
    }

    void badInputClosesOnlyThatConnection_data()
    {
        QTest::addColumn<quint8>("type");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<bool>("closes");
        const QByteArray key(32, 'k');
        QTest::newRow("SendPacket truncated") << quint8(0x04) << QByteArray(10, 'a') << true;
        QTest::newRow("SendPacket oversized") << quint8(0x04) << QByteArray(32 + int(MaxPacketSize) + 1, 'a') << true;
        QTest::newRow("ForwardPacket without mesh key") << quint8(0x0a) << QByteArray(64 + 10, 'a') << true;
        QTest::newRow("NotePreferred empty") << quint8(0x07) << QByteArray() << true;
        QTest::newRow("NotePreferred 2 bytes") << quint8(0x07) << QByteArray(2, 1) << true;
        QTest::newRow("WatchConns without mesh key") << quint8(0x10) << QByteArray() << true;
        QTest::newRow("WatchConns with payload") << quint8(0x10) << QByteArray(1, 0) << true;
        QTest::newRow("ClosePeer without mesh key") << quint8(0x11) << key << true;
        QTest::newRow("ClosePeer truncated") << quint8(0x11) << QByteArray(31, 'k') << true;
        QTest::newRow("Ping truncated") << quint8(0x12) << QByteArray(7, 'p') << true;
        QTest::newRow("Ping oversized") << quint8(0x12) << QByteArray(1001, 'p') << true;
        QTest::newRow("Pong oversized") << quint8(0x13) << QByteArray(1001, 'p') << true;
        QTest::newRow("second ClientInfo") << quint8(0x02) << QByteArray(80, 'c') << true;
        QTest::newRow("ClientInfo oversized") << quint8(0x02) << QByteArray(int(MaxClientInfoLength) + 1, 'c') << true;
        QTest::newRow("unknown type oversized") << quint8(0x7f) << QByteArray(64 + int(MaxPacketSize) + 1, 'u') << true;
        // Ignored, as derper ignores them: unknown types and server-to-client types.
        QTest::newRow("unknown type") << quint8(0x7f) << QByteArray(10, 'u') << false;
        QTest::newRow("Pong") << quint8(0x13) << QByteArray(8, 'p') << false;
        QTest::newRow("RecvPacket from a client") << quint8(0x05) << (key + "x") << false;
        QTest::newRow("KeepAlive from a client") << quint8(0x06) << QByteArray() << false;
        QTest::newRow("ServerKey from a client") << quint8(0x01) << QByteArray(40, 's') << false;
        QTest::newRow("Health from a client") << quint8(0x14) << QByteArray("x") << false;
    }

    void badInputClosesOnlyThatConnection()
    {
        QFETCH(quint8, type);
        QFETCH(QByteArray, payload);
        QFETCH(bool, closes);
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        auto b = fx.connectClient(NodePrivate::generate());
        auto bad = fx.connectClient(NodePrivate::generate());
        QVERIFY(a && b && bad);
        QSignalSpy badClosed(bad.get(), &DerpClient::disconnected);
        QVERIFY(bad->sendRawFrame(type, payload));
        const bool closed = waitClosed(badClosed, closes ? 3000 : 300);
        if (closes && !closed && keel::test::underWine()) {
            // Wine posts no close event to a socket whose peer reset it over unread data (the server
            // stops reading an oversized frame at its header; traced with WINEDEBUG=+winsock).
            // The server's side of it, the connection gone, is still checked below.
            qInfo("under Wine: the client was not told of the reset");
        } else {
            QCOMPARE(closed, closes);
        }
        if (!closes)
            QVERIFY(exchanges(*bad, *a, "still served"));
        QVERIFY(exchanges(*a, *b, "others unaffected"));
        QTRY_COMPARE(fx.server().clientCount(), closes ? 2 : 3);
    }

    void badHandshakeClosed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray key(32, 'k');
        QTest::newRow("SendPacket before ClientInfo") << FrameCodec::frame(FrameType::SendPacket, key + "x");
        QTest::newRow("Ping before ClientInfo") << FrameCodec::frame(FrameType::Ping, "12345678");
        QTest::newRow("ClientInfo truncated") << FrameCodec::frame(FrameType::ClientInfo, QByteArray(40, 'c'));
        QTest::newRow("ClientInfo box garbage") << FrameCodec::frame(FrameType::ClientInfo, QByteArray(120, 'c'));
        QByteArray oversized(1, char(FrameType::ClientInfo));
        appendBE32(oversized, MaxClientInfoLength + 1);
        QTest::newRow("ClientInfo oversized header") << oversized;
        QByteArray partial(1, char(FrameType::ClientInfo));
        appendBE32(partial, 100);
        partial += QByteArray(50, 'c');
        QTest::newRow("ClientInfo never completed") << partial;   // handshake deadline
        QTest::newRow("garbage") << QByteArray("\xff\xff\xff\xff\xff\xff\xff", 7);
    }

    void badHandshakeClosed()
    {
        QFETCH(QByteArray, bytes);
        DerpFixture fx;
        QString error;
        DerpServer::Options options;
        options.handshakeTimeoutMs = 500;
        QVERIFY2(fx.start(false, &error, options), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        auto b = fx.connectClient(NodePrivate::generate());
        QVERIFY(a && b);
        bool closed = false;
        const QByteArray got = fx.rawExchange(UpgradeRequest + bytes, 3000, &closed);
        QVERIFY(closed);
        QVERIFY2(got.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), got.left(200).constData());
        QVERIFY(exchanges(*a, *b, "others unaffected"));
        QCOMPARE(fx.server().clientCount(), 2);
    }

    void clientInfoWithBadJsonRefused()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        bool closed = false;
        // Learn the server key from a first exchange, then seal a box whose content is not JSON.
        const QByteArray head = fx.rawExchange(UpgradeRequest, 300, &closed);
        const qsizetype frameStart = head.indexOf("\r\n\r\n") + 4;
        const auto serverKey = FrameCodec::parseServerKey(QByteArrayView(head).sliced(frameStart + FrameHeaderLength));
        QVERIFY(serverKey);
        const NodePrivate key = NodePrivate::generate();
        const QByteArray payload = key.publicKey().toByteArray() + NaclBox::seal("[not an object", key.raw(), serverKey->raw());
        fx.rawExchange(UpgradeRequest + FrameCodec::frame(FrameType::ClientInfo, payload), 2000, &closed);
        QVERIFY(closed);
        QCOMPARE(fx.server().clientCount(), 0);
    }

    void upgradeResponseAndFastStart()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        bool closed = false;
        const QByteArray classic = fx.rawExchange(UpgradeRequest, 300, &closed);
        QVERIFY(classic.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        QVERIFY(classic.contains("Upgrade: DERP\r\n"));
        QVERIFY(classic.contains("Derp-Version: 2\r\n"));
        QVERIFY(classic.contains("Derp-Public-Key: " + fx.server().publicKey().toByteArray().toHex() + "\r\n"));
        const QByteArray frames = classic.mid(classic.indexOf("\r\n\r\n") + 4);
        QCOMPARE(frames.size(), FrameHeaderLength + 40);
        QCOMPARE(quint8(frames[0]), quint8(FrameType::ServerKey));
        QCOMPARE(FrameCodec::parseServerKey(QByteArrayView(frames).sliced(FrameHeaderLength)), fx.server().publicKey());
        // Fast start: no HTTP response at all, the ServerKey frame comes first.
        const QByteArray fast = fx.rawExchange("GET /derp HTTP/1.1\r\nHost: x\r\nUpgrade: DERP\r\nConnection: Upgrade\r\nDerp-Fast-Start: 1\r\n\r\n", 300, &closed);
        QCOMPARE(fast.size(), FrameHeaderLength + 40);
        QCOMPARE(quint8(fast[0]), quint8(FrameType::ServerKey));
    }

    void httpEndpoints()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        fx.server().setClientVerifier([](const NodePublic& key, const QHostAddress&) { return key.raw()[0] == 1; });
        bool closed = false;
        QByteArray r = fx.rawExchange("GET /derp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2000, &closed);
        QVERIFY2(r.startsWith("HTTP/1.1 426"), r.constData());
        QVERIFY(r.endsWith("DERP requires connection upgrade"));
        for (const char* path : {"/derp/probe", "/derp/latency-check"}) {
            r = fx.rawExchange(QByteArray("GET ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2000, &closed);
            QVERIFY2(r.startsWith("HTTP/1.1 200"), r.constData());
            QVERIFY(r.contains("Access-Control-Allow-Origin: *"));
            r = fx.rawExchange(QByteArray("HEAD ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2000, &closed);
            QVERIFY2(r.startsWith("HTTP/1.1 200"), r.constData());
            r = fx.rawExchange(QByteArray("POST ") + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 2000, &closed);
            QVERIFY2(r.startsWith("HTTP/1.1 405"), r.constData());
        }
        r = fx.rawExchange("GET /generate_204 HTTP/1.1\r\nHost: x\r\nX-Tailscale-Challenge: ts_derp.example.com\r\nConnection: close\r\n\r\n", 2000, &closed);
        QVERIFY2(r.startsWith("HTTP/1.1 204"), r.constData());
        QVERIFY(r.contains("X-Tailscale-Response: response ts_derp.example.com\r\n"));
        QVERIFY(r.contains("Cache-Control: no-cache, no-store, must-revalidate, no-transform, max-age=0"));
        r = fx.rawExchange("GET /generate_204 HTTP/1.1\r\nHost: x\r\nX-Tailscale-Challenge: bad challenge!\r\nConnection: close\r\n\r\n", 2000, &closed);
        QVERIFY(r.startsWith("HTTP/1.1 204"));
        QVERIFY(!r.contains("X-Tailscale-Response"));

        const auto verify = [&](const QByteArray& body) {
            return fx.rawExchange("POST /verify HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                                      + QByteArray::number(body.size()) + "\r\n\r\n" + body, 2000, &closed);
        };
        crypto::Key32 raw{};
        raw[0] = 1;
        r = verify("{\"NodePublic\":\"" + NodePublic(raw).toString().toUtf8() + "\",\"Source\":\"127.0.0.1\"}");
        QVERIFY2(r.startsWith("HTTP/1.1 200") && r.contains("\"Allow\":true"), r.constData());
        raw[0] = 2;
        r = verify("{\"NodePublic\":\"" + NodePublic(raw).toString().toUtf8() + "\",\"Source\":\"127.0.0.1\"}");
        QVERIFY2(r.startsWith("HTTP/1.1 200") && r.contains("\"Allow\":false"), r.constData());
        r = verify("{not json");
        QVERIFY2(r.startsWith("HTTP/1.1 400"), r.constData());
    }

    void restartingOnShutdown()
    {
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        auto a = fx.connectClient(NodePrivate::generate());
        QVERIFY(a);
        QSignalSpy restarting(a.get(), &DerpClient::restartingReceived);
        QSignalSpy closed(a.get(), &DerpClient::disconnected);
        fx.server().shutdown(1500, 30000);
        QVERIFY(waitClosed(closed, 3000));
        QCOMPARE(restarting.size(), 1);
        QCOMPARE(restarting.first().at(0).toUInt(), 1500u);
        QCOMPARE(restarting.first().at(1).toUInt(), 30000u);
        // New connections are refused while shutting down.
        QVERIFY(!fx.connectClient(NodePrivate::generate()));
    }

    void meshForwardsBetweenTwoServers()
    {
        const QString meshKey = QString::fromLatin1(QByteArray(32, '\x5a').toHex());
        DerpFixture one, two;
        QString error;
        QVERIFY2(one.start(false, &error), qPrintable(error));
        QVERIFY2(two.start(false, &error), qPrintable(error));
        QVERIFY(one.server().setMeshKey(meshKey));
        QVERIFY(two.server().setMeshKey(meshKey));
        // Verification stays on for ordinary clients; mesh peers skip it.
        const NodePrivate ka = NodePrivate::generate(), kb = NodePrivate::generate();
        const auto verifier = [&](const NodePublic& key, const QHostAddress&) { return key == ka.publicKey() || key == kb.publicKey(); };
        one.server().setClientVerifier(verifier);
        two.server().setClientVerifier(verifier);
        one.server().addMeshPeer(two.url());
        two.server().addMeshPeer(one.url());
        // A mesh link to oneself is recognised and dropped.
        one.server().addMeshPeer(one.url());

        auto a = one.connectClient(ka);
        auto b = two.connectClient(kb);
        QVERIFY(a && b);
        QTRY_VERIFY_WITH_TIMEOUT(one.server().hasForwarder(kb.publicKey()), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(two.server().hasForwarder(ka.publicKey()), 5000);
        QVERIFY(!one.server().hasForwarder(one.server().publicKey()));
        QVERIFY(exchanges(*a, *b, "across the mesh"));
        QVERIFY(exchanges(*b, *a, "and back"));
        QVERIFY(one.server().stats().packetsForwarded >= 1);
        QVERIFY(two.server().stats().packetsForwarded >= 1);

        // A non-mesh client cannot watch or forward.
        DerpClient::Options wrongKey;
        wrongKey.meshKey = QString::fromLatin1(QByteArray(32, '\x01').toHex());
        auto intruder = one.connectClient(ka, wrongKey);
        QVERIFY(intruder);
        QSignalSpy intruderClosed(intruder.get(), &DerpClient::disconnected);
        intruder->watchConns();
        QVERIFY(waitClosed(intruderClosed, 3000));

        // b leaves: server one drops its forwarder.
        b->close();
        QTRY_VERIFY_WITH_TIMEOUT(!one.server().hasForwarder(kb.publicKey()), 5000);
    }

    void meshWatcherSeesPresence()
    {
        const QString meshKey = QString::fromLatin1(QByteArray(32, '\x33').toHex());
        DerpFixture fx;
        QString error;
        QVERIFY2(fx.start(false, &error), qPrintable(error));
        QVERIFY(fx.server().setMeshKey(meshKey));
        auto a = fx.connectClient(NodePrivate::generate());
        QVERIFY(a);
        DerpClient::Options mesh;
        mesh.meshKey = meshKey;
        auto watcher = fx.connectClient(NodePrivate::generate(), mesh);
        QVERIFY(watcher);
        QSignalSpy present(watcher.get(), &DerpClient::peerPresent);
        QSignalSpy gone(watcher.get(), &DerpClient::peerGone);
        QVERIFY(watcher->watchConns());
        QVERIFY(present.wait(3000));
        const auto p = present.first().at(0).value<FrameCodec::Present>();
        QCOMPARE(p.peer, a->publicKey());
        QCOMPARE(p.address, QHostAddress(QHostAddress::LocalHost));
        QVERIFY(p.port != 0);
        QCOMPARE(p.flags, peerflags::IsRegular);
        auto b = fx.connectClient(NodePrivate::generate());
        QVERIFY(b);
        QTRY_COMPARE(present.size(), 2);
        QCOMPARE(present.at(1).at(0).value<FrameCodec::Present>().peer, b->publicKey());
        // ClosePeer (mesh privilege) disconnects every connection of that key.
        QSignalSpy bClosed(b.get(), &DerpClient::disconnected);
        QVERIFY(watcher->closePeer(b->publicKey()));
        QVERIFY(waitClosed(bClosed, 3000));
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(gone.first().at(0).value<NodePublic>(), b->publicKey());
    }
};

QTEST_GUILESS_MAIN(TestDerpServer)
#include "tst_derpserver.moc"
