// DERP frame reader/codec, ClientInfo/ServerInfo JSON and the NaCl box, without sockets.
#include "derp/ClientInfo.h"
#include "derp/FrameCodec.h"
#include "derp/FrameReader.h"
#include "derp/NaclBox.h"
#include "derp/SendQueue.h"

#include <QTest>

using namespace keel;
using namespace keel::derp;
using crypto::NodePrivate;
using crypto::NodePublic;

class TestDerpCodec : public QObject
{
    Q_OBJECT

private slots:
    void readerSplitsAnyFragmentation()
    {
        const NodePublic key = NodePrivate::generate().publicKey();
        QByteArray stream = FrameCodec::serverKey(key);
        FrameCodec::append(stream, FrameType::KeepAlive, {});
        FrameCodec::appendKeyed(stream, FrameType::RecvPacket, key.raw(), "payload");
        for (int chunk : {1, 2, 7, 1000}) {
            FrameReader reader;
            QList<Frame> frames;
            for (qsizetype i = 0; i < stream.size(); i += chunk) {
                reader.feed(QByteArrayView(stream).sliced(i, qMin<qsizetype>(chunk, stream.size() - i)));
                Frame f;
                while (reader.next(&f) == FrameReader::Result::FrameReady)
                    frames.append(f);
            }
            QCOMPARE(frames.size(), 3);
            QCOMPARE(frames[0].type, FrameType::ServerKey);
            QCOMPARE(FrameCodec::parseServerKey(frames[0].payload), key);
            QCOMPARE(frames[1].type, FrameType::KeepAlive);
            QVERIFY(frames[1].payload.isEmpty());
            const auto p = FrameCodec::parseKeyedPacket(frames[2].payload);
            QVERIFY(p);
            QCOMPARE(p->key, key);
            QCOMPARE(p->packet, QByteArray("payload"));
            QCOMPARE(reader.buffered(), 0);
        }
    }

    void readerRejectsOversizedAtTheHeader()
    {
        FrameReader reader([](quint8 type) { return type == 0x04 ? 100u : 10u; });
        QByteArray head(1, 0x04);
        appendBE32(head, 101);
        reader.feed(head);   // only the header: rejected before any payload is buffered
        Frame f;
        QCOMPARE(reader.next(&f), FrameReader::Result::Error);
        QVERIFY(reader.error().contains(QLatin1String("limit")));
        reader.feed("more");
        QCOMPARE(reader.next(&f), FrameReader::Result::Error);   // stays in error

        FrameReader ok([](quint8) { return 100u; });
        QByteArray exact(1, 0x04);
        appendBE32(exact, 100);
        ok.feed(exact + QByteArray(99, 'x'));
        QCOMPARE(ok.next(&f), FrameReader::Result::NeedMore);
        ok.feed("x");
        QCOMPARE(ok.next(&f), FrameReader::Result::FrameReady);
        QCOMPARE(f.payload.size(), 100);
    }

    void serverKeyFrame()
    {
        const NodePublic key = NodePrivate::generate().publicKey();
        const QByteArray frame = FrameCodec::serverKey(key);
        QCOMPARE(frame.size(), 45);
        QCOMPARE(frame.left(5), QByteArray::fromHex("0100000028"));
        QCOMPARE(frame.mid(5, 8), QByteArray::fromHex("44455250f09f9491"));
        const QByteArray payload = frame.mid(5);
        QVERIFY(FrameCodec::parseServerKey(payload + "future bytes"));   // extra ignored
        QVERIFY(!FrameCodec::parseServerKey(payload.left(39)));
        QByteArray wrongMagic = payload;
        wrongMagic[0] = 'X';
        QVERIFY(!FrameCodec::parseServerKey(wrongMagic));
        QVERIFY(!FrameCodec::parseServerKey(payload + QByteArray(1000, 0)));   // > 1 KiB
    }

    void packetsAndBounds()
    {
        const QByteArray key(32, 'k');
        QVERIFY(FrameCodec::parseKeyedPacket(key));                       // empty packet is fine
        QVERIFY(!FrameCodec::parseKeyedPacket(key.left(31)));
        QVERIFY(FrameCodec::parseKeyedPacket(key + QByteArray(int(MaxPacketSize), 'p')));
        QVERIFY(!FrameCodec::parseKeyedPacket(key + QByteArray(int(MaxPacketSize) + 1, 'p')));
        QVERIFY(!FrameCodec::parseForwardPacket(key + key.left(31)));
        const NodePublic a = NodePrivate::generate().publicKey(), b = NodePrivate::generate().publicKey();
        const QByteArray fwd = FrameCodec::forwardPacket(a, b, "data");
        QCOMPARE(quint8(fwd[0]), quint8(0x0a));
        QCOMPARE(readBE32(fwd.constData() + 1), 68u);
        const auto parsed = FrameCodec::parseForwardPacket(fwd.mid(5));
        QVERIFY(parsed);
        QCOMPARE(parsed->src, a);
        QCOMPARE(parsed->dst, b);
        QCOMPARE(parsed->packet, QByteArray("data"));
    }

    void peerGoneAndPresent()
    {
        const NodePublic a = NodePrivate::generate().publicKey();
        const QByteArray gone = FrameCodec::peerGone(a, PeerGoneReason::NotHere);
        QCOMPARE(gone.size(), 5 + 33);
        auto g = FrameCodec::parsePeerGone(gone.mid(5));
        QVERIFY(g);
        QCOMPARE(g->reason, PeerGoneReason::NotHere);
        g = FrameCodec::parsePeerGone(gone.mid(5, 32));   // old servers: no reason byte
        QVERIFY(g);
        QCOMPARE(g->reason, PeerGoneReason::Disconnected);
        QVERIFY(!FrameCodec::parsePeerGone(gone.mid(5, 31)));

        const QByteArray present = FrameCodec::peerPresent(a, QHostAddress(QStringLiteral("192.0.2.7")), 41641, peerflags::IsRegular);
        QCOMPARE(present.size(), 5 + 51);
        QCOMPARE(present.mid(5 + 32, 16), QByteArray::fromHex("00000000000000000000ffffc0000207"));
        auto p = FrameCodec::parsePeerPresent(present.mid(5));
        QVERIFY(p);
        QCOMPARE(p->address, QHostAddress(QStringLiteral("192.0.2.7")));
        QCOMPARE(p->port, quint16(41641));
        QCOMPARE(p->flags, peerflags::IsRegular);
        p = FrameCodec::parsePeerPresent(FrameCodec::peerPresent(a, QHostAddress(QStringLiteral("2001:db8::1")), 1, 0x0a).mid(5));
        QCOMPARE(p->address, QHostAddress(QStringLiteral("2001:db8::1")));
        QCOMPARE(p->flags, quint8(0x0a));
        p = FrameCodec::parsePeerPresent(present.mid(5, 32));   // key only: old server
        QVERIFY(p);
        QCOMPARE(p->flags, quint8(0));
        QVERIFY(!FrameCodec::parsePeerPresent(present.mid(5, 20)));
    }

    void restarting()
    {
        const QByteArray frame = FrameCodec::restarting(1234, 56789);
        QCOMPARE(frame, QByteArray::fromHex("1500000008000004d20000ddd5"));
        const auto r = FrameCodec::parseRestarting(frame.mid(5));
        QCOMPARE(r->reconnectInMs, 1234u);
        QCOMPARE(r->tryForMs, 56789u);
        QVERIFY(!FrameCodec::parseRestarting("short"));
    }

    void clientInfoJson()
    {
        QString error;
        auto info = ClientInfo::fromJson(R"({"Version":2,"MESHKEY":"ab","canackpings":true,"isProber":true,"AppName":"x","Unknown":[1]})", &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->version, 2);
        QCOMPARE(info->meshKey, QStringLiteral("ab"));
        QVERIFY(info->canAckPings);
        QVERIFY(info->isProber);
        QCOMPARE(info->appName, QStringLiteral("x"));
        QVERIFY(!ClientInfo::fromJson("[]", &error));
        QVERIFY(!ClientInfo::fromJson("{\"version\":\"2\"}", &error));
        QVERIFY(error.contains(QLatin1String("version")));
        QVERIFY(!ClientInfo::fromJson("{\"CanAckPings\":1}", &error));
        QVERIFY(!ClientInfo::fromJson("{", &error));
        ClientInfo out;
        out.version = 2;
        out.canAckPings = true;
        QCOMPARE(out.toJson(), QByteArray(R"({"CanAckPings":true,"version":2})"));
        QCOMPARE(ServerInfo{}.toJson(), QByteArray(R"({"version":2})"));
    }

    void naclBoxRoundTripAndTamper()
    {
        const NodePrivate client = NodePrivate::generate(), server = NodePrivate::generate();
        const QByteArray sealed = NaclBox::seal("{\"version\":2}", client.raw(), server.publicKey().raw());
        QCOMPARE(sealed.size(), 24 + 16 + 13);
        const auto opened = NaclBox::open(sealed, server.raw(), client.publicKey().raw());
        QVERIFY(opened);
        QCOMPARE(*opened, QByteArray("{\"version\":2}"));
        QByteArray tampered = sealed;
        tampered[30] = char(tampered[30] ^ 1);
        QVERIFY(!NaclBox::open(tampered, server.raw(), client.publicKey().raw()));
        QVERIFY(!NaclBox::open(sealed, server.raw(), NodePrivate::generate().publicKey().raw()));
        QVERIFY(!NaclBox::open(sealed.left(39), server.raw(), client.publicKey().raw()));
    }

    void sendQueueDropsOldest()
    {
        SendQueue q(3);
        int dropped = 0;
        for (int i = 0; i < 5; ++i)
            dropped += q.push(QByteArray::number(i));
        QCOMPARE(dropped, 2);
        QCOMPARE(q.size(), size_t(3));
        QCOMPARE(q.pop(), QByteArray("2"));
        QCOMPARE(q.pop(), QByteArray("3"));
        QCOMPARE(q.bytes(), 1);
    }

    void discoClassification()
    {
        QByteArray disco = discoMagic().toByteArray() + QByteArray(56, 'x');
        QVERIFY(looksLikeDisco(disco));
        QVERIFY(!looksLikeDisco(disco.left(61)));
        disco[0] = 'X';
        QVERIFY(!looksLikeDisco(disco));
    }
};

QTEST_GUILESS_MAIN(TestDerpCodec)
#include "tst_derpcodec.moc"
