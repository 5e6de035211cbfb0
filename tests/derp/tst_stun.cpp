// STUN: packet parsing/encoding and the UDP server on 127.0.0.1 and ::1.
#include "derp/StunPacket.h"
#include "derp/StunServer.h"

#include <QElapsedTimer>
#include <QNetworkDatagram>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>
#include <QUdpSocket>

using namespace keel::derp;

namespace {

StunPacket::TransactionId txid(unsigned char seed)
{
    StunPacket::TransactionId id;
    for (size_t i = 0; i < id.size(); ++i)
        id[i] = static_cast<unsigned char>(seed + i);
    return id;
}

QByteArray withLength(QByteArray packet)
{
    const int attrs = int(packet.size()) - 20;
    packet[2] = char(attrs >> 8);
    packet[3] = char(attrs);
    return packet;
}

} // namespace

class TestStun : public QObject
{
    Q_OBJECT

private slots:
    void tailscaleRequestShape()
    {
        const QByteArray r = StunPacket::bindingRequest(txid(1));
        QCOMPARE(r.size(), 40);
        QCOMPARE(r.left(8), QByteArray::fromHex("000100142112a442"));
        QCOMPARE(r.mid(20, 12), QByteArray::fromHex("80220008") + "tailnode");
        QCOMPARE(r.mid(32, 4), QByteArray::fromHex("80280004"));
        QVERIFY(StunPacket::parseBindingRequest(r));
    }

    void fingerprintIsCrc32Ieee()
    {
        // The CRC-32 check value of "123456789" is cbf43926; STUN XORs it with 0x5354554e.
        QCOMPARE(StunPacket::fingerprint("123456789"), 0xcbf43926u ^ 0x5354554eu);
        // A third-party request (ICE attributes, other SOFTWARE, its own FINGERPRINT) is answered.
        QByteArray r = QByteArray::fromHex("000100002112a442") + QByteArray(12, 't')
            + QByteArray::fromHex("80220010") + "test vector     " + QByteArray::fromHex("002400046e0001ff");
        r = withLength(r + QByteArray(8, 0));
        r.chop(8);
        const quint32 crc = StunPacket::fingerprint(r);
        r += QByteArray::fromHex("80280004");
        for (int shift : {24, 16, 8, 0})
            r += char(crc >> shift);
        QVERIFY(StunPacket::parseBindingRequest(r));
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("packet");
        const QByteArray good = StunPacket::bindingRequest(txid(7));
        QTest::newRow("short") << good.left(19);
        QByteArray cookie = good;
        cookie[4] = 0;
        QTest::newRow("cookie") << cookie;
        QByteArray type = good;
        type[1] = 0x02;
        QTest::newRow("not a binding request") << type;
        QByteArray top = good;
        top[0] = char(0x40);
        QTest::newRow("top bits") << top;
        QTest::newRow("length too long") << good.left(36);
        QTest::newRow("trailing byte") << good + 'x';
        QByteArray fp = good;
        fp[39] = char(fp[39] ^ 1);
        QTest::newRow("bad fingerprint") << fp;
        QByteArray overrun = good.left(20) + QByteArray::fromHex("80220010") + "tailnode";
        QTest::newRow("attribute overruns") << withLength(overrun);
        QTest::newRow("fingerprint not last") << withLength(good + QByteArray::fromHex("80220000"));
        QTest::newRow("response is not a request") << StunPacket::bindingResponse(txid(1), QHostAddress::LocalHost, 1);
    }

    void rejects()
    {
        QFETCH(QByteArray, packet);
        QString error;
        QVERIFY(!StunPacket::parseBindingRequest(packet, &error));
        QVERIFY(!error.isEmpty());
    }

    void lenientOnOptionalAttributes()
    {
        const QByteArray header = QByteArray::fromHex("000100002112a442") + QByteArray(12, 'i');
        QVERIFY(StunPacket::parseBindingRequest(header));   // no attributes at all
        QVERIFY(StunPacket::parseBindingRequest(withLength(header + QByteArray::fromHex("80220003") + "abc" + '\0')));
        QVERIFY(StunPacket::parseBindingRequest(withLength(header + QByteArray::fromHex("c0570004") + "zzzz")));
    }

    void responseEncoding()
    {
        const auto id = txid(3);
        QByteArray r = StunPacket::bindingResponse(id, QHostAddress(QStringLiteral("192.0.2.1")), 32853);
        QCOMPARE(r.size(), 32);
        QCOMPARE(r.left(4), QByteArray::fromHex("0101000c"));
        QCOMPARE(r.mid(20, 12), QByteArray::fromHex("002000080001a147e112a643"));
        auto m = StunPacket::parseBindingResponse(r);
        QVERIFY(m);
        QCOMPARE(m->address, QHostAddress(QStringLiteral("192.0.2.1")));
        QCOMPARE(m->port, quint16(32853));
        QVERIFY(m->id == id);
        // IPv4-mapped input is answered as IPv4.
        r = StunPacket::bindingResponse(id, QHostAddress(QStringLiteral("::ffff:192.0.2.1")), 1);
        QCOMPARE(r.size(), 32);
        r = StunPacket::bindingResponse(id, QHostAddress(QStringLiteral("2001:db8::5")), 443);
        QCOMPARE(r.size(), 44);
        QCOMPARE(r.mid(2, 2), QByteArray::fromHex("0018"));
        m = StunPacket::parseBindingResponse(r);
        QCOMPARE(m->address, QHostAddress(QStringLiteral("2001:db8::5")));
        QCOMPARE(m->port, quint16(443));
    }

    void serverAnswers_data()
    {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("target");
        QTest::newRow("ipv4") << QStringLiteral("127.0.0.1:0") << QStringLiteral("127.0.0.1");
        QTest::newRow("ipv6") << QStringLiteral("[::1]:0") << QStringLiteral("::1");
        QTest::newRow("dual-stack, v4 client") << QStringLiteral(":0") << QStringLiteral("127.0.0.1");
        QTest::newRow("dual-stack, v6 client") << QStringLiteral(":0") << QStringLiteral("::1");
    }

    void serverAnswers()
    {
        QFETCH(QString, listen);
        QFETCH(QString, target);
        StunServer server;
        QString error;
        if (!server.start(listen, &error)) {
            if (listen.contains(QLatin1String("::1")))
                QSKIP("no IPv6 loopback here");
            QFAIL(qPrintable(error));
        }
        const QHostAddress to(target);
        QUdpSocket client;
        QVERIFY(client.bind(to.protocol() == QAbstractSocket::IPv6Protocol ? QHostAddress(QHostAddress::LocalHostIPv6) : QHostAddress(QHostAddress::LocalHost), 0));
        // Garbage first: ignored, counted, no answer.
        client.writeDatagram(QByteArray("hello there, not stun at all"), to, server.port());
        const auto id = txid(9);
        client.writeDatagram(StunPacket::bindingRequest(id), to, server.port());
        QTRY_VERIFY2(client.hasPendingDatagrams(), qPrintable(QStringLiteral("notStun=%1 success=%2 writeError=%3").arg(server.counters().notStun).arg(server.counters().success).arg(server.counters().writeError)));
        const QNetworkDatagram reply = client.receiveDatagram();
        const auto mapped = StunPacket::parseBindingResponse(reply.data());
        QVERIFY(mapped);
        QVERIFY(mapped->id == id);
        QCOMPARE(mapped->address, to);
        QCOMPARE(mapped->port, client.localPort());
        // IPv4 sources are answered with family 1 even on a dual-stack socket.
        QCOMPARE(quint8(reply.data()[25]), quint8(to.protocol() == QAbstractSocket::IPv4Protocol ? 1 : 2));
        QTest::qWait(50);
        QVERIFY(!client.hasPendingDatagrams());
        QCOMPARE(server.counters().notStun, quint64(1));
        QCOMPARE(server.counters().success, quint64(1));
    }

    // A flood of valid requests from one address (the abuse probe sent 239k a second) is answered
    // at the per-source rate only; a request from another address is answered during the flood.
    void floodFromOneSourceIsRateLimited()
    {
        StunServer server;
        StunServer::Options options;
        options.perSourceRate = 10;
        options.perSourceBurst = 20;
        server.setOptions(options);
        QString error;
        QVERIFY2(server.start(QStringLiteral("127.0.0.1:0"), &error), qPrintable(error));
        const QHostAddress to(QHostAddress::LocalHost);
        QUdpSocket flooder;
        QVERIFY(flooder.bind(QHostAddress(QStringLiteral("127.0.0.1")), 0));
        flooder.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4 << 20);
        QElapsedTimer elapsed;
        elapsed.start();
        const int sent = 3000;
        for (int i = 0; i < sent; ++i) {
            flooder.writeDatagram(StunPacket::bindingRequest(txid(static_cast<unsigned char>(i))), to, server.port());
            if (i % 200 == 0)
                QTest::qWait(1); // let the kernel deliver rather than drop
        }
        QUdpSocket other;
        QVERIFY(other.bind(QHostAddress(QStringLiteral("127.0.0.2")), 0));
        // A real client retries (the kernel drops what does not fit the flooded socket's buffer).
        QVERIFY2(QTest::qWaitFor([&] {
            other.writeDatagram(StunPacket::bindingRequest(txid(7)), to, server.port());
            return other.waitForReadyRead(100);
        }, 5000), qPrintable(QStringLiteral("success=%1 limited=%2 notStun=%3").arg(server.counters().success).arg(server.counters().rateLimited).arg(server.counters().notStun)));
        QTRY_VERIFY(server.counters().rateLimited > 0);
        QTest::qWait(200); // the answers still in flight arrive
        const double seconds = double(elapsed.elapsed()) / 1000.0;
        int answered = 0;
        while (flooder.hasPendingDatagrams()) {
            flooder.receiveDatagram();
            ++answered;
        }
        const double allowed = options.perSourceBurst + options.perSourceRate * seconds + 1;
        QVERIFY2(answered <= allowed, qPrintable(QStringLiteral("%1 answers in %2 s").arg(answered).arg(seconds)));
        QVERIFY(answered >= int(options.perSourceBurst));
        QVERIFY(server.counters().rateLimited > 0);
    }

    // STUN runs on a thread of its own: it answers while the thread that started it (the control
    // plane's, in `keel serve`) is busy and runs no events at all.
    void answersWhileTheControlThreadIsBusy()
    {
        StunServer server;
        QString error;
        QVERIFY2(server.start(QStringLiteral("127.0.0.1:0"), &error), qPrintable(error));
        QUdpSocket client;
        QVERIFY(client.bind(QHostAddress(QHostAddress::LocalHost), 0));
        client.writeDatagram(StunPacket::bindingRequest(txid(3)), QHostAddress(QHostAddress::LocalHost), server.port());
        // waitForReadyRead blocks this thread without running its event loop.
        QVERIFY(client.waitForReadyRead(5000));
        QVERIFY(StunPacket::parseBindingResponse(client.receiveDatagram().data()));
    }

    // Debian's STUN clients against our server on loopback (scripts/setup.sh --test installs them;
    // stuntman is not packaged for bookworm). coturn's turnutils_stunclient speaks RFC 5389.
    void turnutilsStunclient_data()
    {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("target");
        QTest::newRow("ipv4") << QStringLiteral("127.0.0.1:0") << QStringLiteral("127.0.0.1");
        QTest::newRow("ipv6") << QStringLiteral("[::1]:0") << QStringLiteral("::1");
    }

    void turnutilsStunclient()
    {
        QFETCH(QString, listen);
        QFETCH(QString, target);
        const QString client = QStandardPaths::findExecutable(QStringLiteral("turnutils_stunclient"));
        if (client.isEmpty())
            QSKIP("coturn's turnutils_stunclient is not installed (scripts/setup.sh --test)");
        StunServer server;
        QString error;
        if (!server.start(listen, &error) && target.contains(QLatin1Char(':')))
            QSKIP("no IPv6 loopback here");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(client, {QStringLiteral("-p"), QString::number(server.port()), target});
        QVERIFY(process.waitForStarted());
        // The server runs on this thread: wait without blocking it.
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 10000);
        const QString out = QString::fromUtf8(process.readAll());
        QCOMPARE(server.counters().success, quint64(1));
        // The XOR-MAPPED-ADDRESS it decoded: our loopback address and a real port.
        // It prints "UDP reflexive addr: 127.0.0.1:40000" or "...: ::1:40000" (no brackets).
        static const QRegularExpression mapped(QStringLiteral("UDP reflexive addr: (\\S+):(\\d+)"));
        const QRegularExpressionMatch m = mapped.match(out);
        QVERIFY2(m.hasMatch(), qPrintable(out));
        QCOMPARE(QHostAddress(m.captured(1)), QHostAddress(target));
        QVERIFY(m.captured(2).toUInt() > 0 && m.captured(2).toUInt() < 65536);
        QCOMPARE(process.exitCode(), 0);
    }

    // stun-client speaks RFC 3489: no magic cookie (bytes 4-7 are part of its transaction id).
    // derper ignores such packets and so do we (spec B.2, DECISIONS.md: strict on the cookie);
    // the client then reports the server unreachable.
    void rfc3489ClientIsIgnored()
    {
        const QString client = QStandardPaths::findExecutable(QStringLiteral("stun"));
        if (client.isEmpty())
            QSKIP("stun-client is not installed (scripts/setup.sh --test)");
        StunServer server;
        QString error;
        QVERIFY2(server.start(QStringLiteral("127.0.0.1:0"), &error), qPrintable(error));
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(client, {QStringLiteral("127.0.0.1:%1").arg(server.port())});
        QVERIFY(process.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 15000);
        const QString out = QString::fromUtf8(process.readAll());
        QVERIFY2(server.counters().notStun > 0, qPrintable(out));   // it did reach us
        QCOMPARE(server.counters().success, quint64(0));
        QVERIFY2(out.contains(QLatin1String("could not reach")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestStun)
#include "tst_stun.moc"
