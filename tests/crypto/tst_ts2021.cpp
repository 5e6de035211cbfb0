// The ts2021 layer: replay of whole recorded sessions of real clients, the transport codec's
// chunking, limits and sticky errors, and refusal of bad handshakes.
#include "TestHex.h"
#include "TestPaths.h"

#include "crypto/Keys.h"
#include "crypto/NoiseIK.h"
#include "crypto/Ts2021.h"
#include "crypto/Ts2021Initiator.h"
#include "crypto/Ts2021Responder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace keel::crypto;
using keel::test::strictHex;

namespace {

QByteArray hexOf(const QJsonValue& v)
{
    return strictHex(v.toString()).value_or(QByteArray("<bad hex>"));
}

std::optional<MachinePrivate> privateFromHex(const QJsonValue& v)
{
    return MachinePrivate::parse(QStringLiteral("privkey:") + v.toString());
}

// A connected client/server pair over the real handshake with random keys.
struct Pair {
    Ts2021Accept server;
    std::optional<TransportCodec> client;
};

Pair makePair(quint16 version = 115)
{
    const MachinePrivate serverKey = MachinePrivate::generate();
    Ts2021Initiator initiator(MachinePrivate::generate(), serverKey.publicKey(), version);
    Pair p{Ts2021Responder::accept(initiator.initiation(), serverKey), std::nullopt};
    if (p.server.ok() && initiator.feed(p.server.response) == Ts2021Initiator::Status::Done)
        p.client = initiator.takeCodec();
    return p;
}

QByteArray record(unsigned char type, quint16 length, qsizetype body)
{
    QByteArray r;
    r.append(char(type)).append(char(length >> 8)).append(char(length & 0xff));
    r.append(QByteArray(body, '\x5a'));
    return r;
}

} // namespace

class TestTs2021 : public QObject {
    Q_OBJECT

private slots:
    void recordedSession_data();
    void recordedSession();
    void roundTripAnyChunking();
    void largeWritesAreSplit();
    void emptyRecords();
    void badFramesAreSticky_data();
    void badFramesAreSticky();
    void tamperedRecordIsSticky();
    void truncatedRecordWaits();
    void nonceExhaustion();
    void oversizeSealRefused();
    void responderRefusesBadInitiations_data();
    void responderRefusesBadInitiations();
    void responderRefusesTampering();
    void lowOrderEphemeralRefused();
    void headerDecoding_data();
    void headerDecoding();
    void initiatorHandlesServerReplies();
    void errorFrameIsCut();
};

void TestTs2021::recordedSession_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("1.82.5") << QStringLiteral("real-client-exchange/ts2021-session-1.82.5.json");
    QTest::newRow("1.96.5") << QStringLiteral("real-client-exchange/ts2021-session-1.96.5.json");
}

void TestTs2021::recordedSession()
{
    QFETCH(QString, file);
    QFile f(keel::test::testdataPath(file));
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    QJsonParseError parseError;
    const QJsonObject doc = QJsonDocument::fromJson(f.readAll(), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));

    const std::optional<MachinePrivate> serverKey = privateFromHex(doc.value(QStringLiteral("server_static_private")));
    const std::optional<MachinePrivate> serverEphemeral = privateFromHex(doc.value(QStringLiteral("server_ephemeral_private")));
    QVERIFY(serverKey && serverEphemeral);

    const QJsonArray records = doc.value(QStringLiteral("records")).toArray();
    QJsonObject handshake;
    QString headerValue;
    for (const QJsonValue& r : records) {
        const QJsonObject o = r.toObject();
        if (o.value(QStringLiteral("dir")) == QLatin1String("handshake"))
            handshake = o;
        if (o.value(QStringLiteral("request_line")).toString().startsWith(QLatin1String("POST /ts2021")))
            headerValue = o.value(QStringLiteral("headers")).toObject().value(QStringLiteral("x-tailscale-handshake")).toString();
    }
    QVERIFY(!handshake.isEmpty());
    QString error;
    const std::optional<QByteArray> initiation = ts2021::decodeHandshakeHeader(headerValue.toLatin1(), &error);
    QVERIFY2(initiation, qPrintable(error));
    QCOMPARE(initiation->toHex(), hexOf(handshake.value(QStringLiteral("initiation"))).toHex());

    Ts2021Accept accepted = Ts2021Responder::acceptWithEphemeral(*initiation, *serverKey, *serverEphemeral);
    QVERIFY2(accepted.ok(), qPrintable(accepted.error));
    QCOMPARE(int(accepted.version), handshake.value(QStringLiteral("version")).toInt(-1));
    QCOMPARE(accepted.machineKey.toByteArray().toHex(), hexOf(handshake.value(QStringLiteral("client_machine_pub"))).toHex());
    QCOMPARE(accepted.response.toHex(), hexOf(handshake.value(QStringLiteral("response"))).toHex());

    // The transport keys themselves, through the generic Noise layer.
    NoiseIK noise = NoiseIK::responder(ts2021::prologue(accepted.version), serverKey->raw(), serverEphemeral->raw());
    QVERIFY(noise.readMessageA(initiation->sliced(ts2021::kInitiationHeaderSize)));
    QVERIFY(noise.writeMessageB({}));
    const auto keys = noise.splitKeys();
    QVERIFY(keys);
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(keys->first.data()), 32).toHex(),
             hexOf(handshake.value(QStringLiteral("k_c2s"))).toHex());
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(keys->second.data()), 32).toHex(),
             hexOf(handshake.value(QStringLiteral("k_s2c"))).toHex());

    // Every record in order: decrypt what the client sent, re-encrypt what the server sent.
    int c2s = 0;
    int s2c = 0;
    QByteArray allClientCiphertext;
    QByteArray allClientPlaintext;
    for (const QJsonValue& r : records) {
        const QJsonObject o = r.toObject();
        const QString dir = o.value(QStringLiteral("dir")).toString();
        if (dir != QLatin1String("c2s") && dir != QLatin1String("s2c"))
            continue;
        const QByteArray ciphertext = hexOf(o.value(QStringLiteral("record")));
        const QByteArray plaintext = hexOf(o.value(QStringLiteral("plaintext")));
        if (dir == QLatin1String("c2s")) {
            QCOMPARE(o.value(QStringLiteral("n")).toInt(-1), c2s++);
            QVERIFY2(accepted.codec->feed(ciphertext), qPrintable(accepted.codec->receiveError()));
            QCOMPARE(accepted.codec->takePlaintext().toHex(), plaintext.toHex());
            allClientCiphertext += ciphertext;
            allClientPlaintext += plaintext;
        } else {
            QCOMPARE(o.value(QStringLiteral("n")).toInt(-1), s2c++);
            QByteArray sealed;
            QVERIFY(accepted.codec->sealRecord(plaintext, sealed));
            QCOMPARE(sealed.toHex(), ciphertext.toHex());
        }
    }
    QVERIFY(c2s > 10 && s2c > 10);
    QCOMPARE(accepted.codec->pendingCiphertext(), 0);

    // The same client stream again, cut into random pieces, through a fresh accept.
    Ts2021Accept again = Ts2021Responder::acceptWithEphemeral(*initiation, *serverKey, *serverEphemeral);
    QVERIFY(again.ok());
    QRandomGenerator rng(42);
    QByteArray plain;
    for (qsizetype pos = 0; pos < allClientCiphertext.size();) {
        const qsizetype n = std::min<qsizetype>(allClientCiphertext.size() - pos, 1 + rng.bounded(700));
        QVERIFY(again.codec->feed(QByteArrayView(allClientCiphertext).sliced(pos, n)));
        plain += again.codec->takePlaintext();
        pos += n;
    }
    QCOMPARE(plain, allClientPlaintext);
}

void TestTs2021::roundTripAnyChunking()
{
    Pair p = makePair();
    QVERIFY(p.server.ok() && p.client);
    QByteArray message(20000, '\0');
    for (qsizetype i = 0; i < message.size(); ++i)
        message[i] = char(i * 31 + 7);
    QByteArray wire;
    QVERIFY(p.client->seal(message, wire));
    for (qsizetype chunk : {qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(4099), qsizetype(8192)}) {
        Pair q = makePair();
        QByteArray w;
        QVERIFY(q.client->seal(message, w));
        QByteArray got;
        for (qsizetype pos = 0; pos < w.size(); pos += chunk) {
            QVERIFY(q.server.codec->feed(QByteArrayView(w).sliced(pos, std::min(chunk, w.size() - pos))));
            got += q.server.codec->takePlaintext();
        }
        QCOMPARE(got, message);
    }
    // And the other direction.
    QByteArray back;
    QVERIFY(p.server.codec->seal(message, back));
    QVERIFY(p.client->feed(back));
    QCOMPARE(p.client->takePlaintext(), message);
}

void TestTs2021::largeWritesAreSplit()
{
    Pair p = makePair();
    QByteArray wire;
    QVERIFY(p.client->seal(QByteArray(2 * ts2021::kMaxPlaintextSize + 1, 'x'), wire));
    QCOMPARE(p.client->recordsSent(), std::uint64_t(3));
    // Two full frames of exactly 4096 bytes, then a 1-byte record.
    QCOMPARE(wire.size(), 2 * ts2021::kMaxFrameSize + 3 + 1 + 16);
    QCOMPARE(quint8(wire[1]), quint8(0x0f));
    QCOMPARE(quint8(wire[2]), quint8(0xfd)); // 4093
    QByteArray nothing;
    QVERIFY(p.client->seal({}, nothing)); // an empty write sends nothing, as Go's Write does
    QVERIFY(nothing.isEmpty());
}

void TestTs2021::emptyRecords()
{
    Pair p = makePair();
    QByteArray wire;
    QVERIFY(p.client->sealRecord({}, wire));
    QCOMPARE(wire.size(), 3 + 16);
    QVERIFY(p.client->sealRecord("after", wire));
    QVERIFY(p.server.codec->feed(wire));
    QCOMPARE(p.server.codec->takePlaintext(), QByteArray("after"));
    QCOMPARE(p.server.codec->recordsReceived(), std::uint64_t(2)); // the empty record used nonce 0
}

void TestTs2021::badFramesAreSticky_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("type 1") << record(1, 20, 20) << QStringLiteral("type 1");
    QTest::newRow("type 3") << record(3, 5, 5) << QStringLiteral("type 3");
    QTest::newRow("type 0xff header only") << QByteArray("\xff\x00\x00", 3) << QStringLiteral("type 255");
    QTest::newRow("oversize 4094") << record(4, 4094, 0) << QStringLiteral("4094 bytes exceeds");
    QTest::newRow("oversize max") << record(4, 0xffff, 0) << QStringLiteral("exceeds the 4093-byte limit");
    QTest::newRow("shorter than tag") << record(4, 15, 15) << QStringLiteral("shorter than its 16-byte tag");
    QTest::newRow("garbage ciphertext") << record(4, 40, 40) << QStringLiteral("failed to decrypt");
}

void TestTs2021::badFramesAreSticky()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, mentions);
    Pair p = makePair();
    QByteArray good;
    QVERIFY(p.client->sealRecord("first", good));
    QVERIFY(p.server.codec->feed(good));
    QVERIFY(!p.server.codec->feed(frame));
    QVERIFY(p.server.codec->receiveFailed());
    QVERIFY2(p.server.codec->receiveError().contains(mentions), qPrintable(p.server.codec->receiveError()));
    // What was authentic before the failure is still there; nothing after it gets through.
    QCOMPARE(p.server.codec->takePlaintext(), QByteArray("first"));
    QByteArray next;
    QVERIFY(p.client->sealRecord("second", next));
    QVERIFY(!p.server.codec->feed(next));
    QVERIFY(p.server.codec->takePlaintext().isEmpty());
    // The send side is independent and keeps working.
    QByteArray out;
    QVERIFY(p.server.codec->seal("reply", out));
}

void TestTs2021::tamperedRecordIsSticky()
{
    Pair p = makePair();
    QByteArray wire;
    QVERIFY(p.client->sealRecord("one", wire));
    QVERIFY(p.client->sealRecord("two", wire));
    wire[3 + 1] = char(wire[3 + 1] ^ 0x01); // flip a ciphertext bit of record 0
    QVERIFY(!p.server.codec->feed(wire));
    QVERIFY(p.server.codec->takePlaintext().isEmpty()); // neither record, not even the intact one
    // Replaying a record (same bytes twice) also fails: the nonce has moved on.
    Pair q = makePair();
    QByteArray once;
    QVERIFY(q.client->sealRecord("x", once));
    QVERIFY(q.server.codec->feed(once));
    QVERIFY(!q.server.codec->feed(once));
}

void TestTs2021::truncatedRecordWaits()
{
    Pair p = makePair();
    QByteArray wire;
    QVERIFY(p.client->sealRecord("complete me", wire));
    QVERIFY(p.server.codec->feed(wire.left(2)));
    QVERIFY(p.server.codec->feed(QByteArrayView(wire).sliced(2, 10)));
    QCOMPARE(p.server.codec->pendingCiphertext(), 12);
    QVERIFY(p.server.codec->takePlaintext().isEmpty());
    QVERIFY(!p.server.codec->receiveFailed());
    QVERIFY(p.server.codec->feed(QByteArrayView(wire).sliced(12)));
    QCOMPARE(p.server.codec->takePlaintext(), QByteArray("complete me"));
    QCOMPARE(p.server.codec->pendingCiphertext(), 0);
}

void TestTs2021::nonceExhaustion()
{
    Pair p = makePair();
    p.client->setCountersForTesting(UINT64_MAX - 1, 0);
    p.server.codec->setCountersForTesting(0, UINT64_MAX - 1);
    QByteArray wire;
    QVERIFY(p.client->sealRecord("last", wire)); // counter 2^64-2 is the last valid one
    QVERIFY(p.server.codec->feed(wire));
    QCOMPARE(p.server.codec->takePlaintext(), QByteArray("last"));
    QByteArray more;
    QVERIFY(!p.client->sealRecord("one too many", more));
    QVERIFY(p.client->sendFailed());
    QVERIFY(more.isEmpty());
    QVERIFY(!p.client->seal("again", more)); // sticky
    // The receiver refuses a record at counter 2^64-1 too.
    QVERIFY(!p.server.codec->feed(record(4, 20, 20)));
    QVERIFY(p.server.codec->receiveError().contains(QLatin1String("exhausted")));
}

void TestTs2021::oversizeSealRefused()
{
    Pair p = makePair();
    QByteArray out;
    QVERIFY(!p.client->sealRecord(QByteArray(ts2021::kMaxPlaintextSize + 1, 'a'), out));
    QVERIFY(out.isEmpty());
}

void TestTs2021::responderRefusesBadInitiations_data()
{
    const MachinePrivate serverKey = MachinePrivate::generate();
    const QByteArray good = Ts2021Initiator(MachinePrivate::generate(), serverKey.publicKey(), 115).initiation();
    QTest::addColumn<QByteArray>("initiation");
    QTest::addColumn<QString>("goText");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("wrong handshake initiation size");
    QTest::newRow("truncated") << good.left(100) << QStringLiteral("wrong handshake initiation size");
    QTest::newRow("one extra byte") << good + 'x' << QStringLiteral("wrong handshake initiation size");
    QTest::newRow("huge") << QByteArray(100000, '\x01') << QStringLiteral("wrong handshake initiation size");
    QByteArray badType = good;
    badType[2] = 2;
    QTest::newRow("type 2") << badType << QStringLiteral("unexpected handshake message type");
    QByteArray badLength = good;
    badLength[4] = 0x61;
    QTest::newRow("length 97") << badLength << QStringLiteral("wrong handshake initiation length");
}

void TestTs2021::responderRefusesBadInitiations()
{
    QFETCH(QByteArray, initiation);
    QFETCH(QString, goText);
    const Ts2021Accept r = Ts2021Responder::accept(initiation, MachinePrivate::generate());
    QVERIFY(!r.ok());
    QVERIFY(r.response.isEmpty());
    QCOMPARE(r.error, goText);
    QCOMPARE(r.errorFrame, ts2021::errorFrame(goText.toLatin1()));
    QCOMPARE(quint8(r.errorFrame[0]), ts2021::kMsgError);
}

void TestTs2021::responderRefusesTampering()
{
    const MachinePrivate serverKey = MachinePrivate::generate();
    const QByteArray good = Ts2021Initiator(MachinePrivate::generate(), serverKey.publicKey(), 115).initiation();
    QVERIFY(Ts2021Responder::accept(good, serverKey).ok());
    // Any flipped bit after the type byte breaks the handshake: the version (prologue), the
    // ephemeral key, the encrypted machine key or the tag.
    for (qsizetype i : {qsizetype(0), qsizetype(1), qsizetype(5), qsizetype(36), qsizetype(37), qsizetype(84), qsizetype(85), qsizetype(100)}) {
        QByteArray bad = good;
        bad[i] = char(bad[i] ^ 0x40);
        const Ts2021Accept r = Ts2021Responder::accept(bad, serverKey);
        QVERIFY2(!r.ok(), qPrintable(QStringLiteral("byte %1").arg(i)));
        QVERIFY(!r.error.isEmpty());
        QVERIFY(r.errorFrame.isEmpty());
        QVERIFY(r.response.isEmpty());
    }
}

void TestTs2021::lowOrderEphemeralRefused()
{
    // An all-zero ephemeral public key gives an all-zero DH result, which must be an error.
    QByteArray init(ts2021::kInitiationSize, '\0');
    init[1] = char(115);
    init[2] = char(ts2021::kMsgInitiation);
    init[4] = char(ts2021::kInitiationPayloadSize);
    const Ts2021Accept r = Ts2021Responder::accept(init, MachinePrivate::generate());
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(QLatin1String("all-zero")), qPrintable(r.error));
}

void TestTs2021::headerDecoding_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("ok");
    QTest::newRow("valid") << QByteArray("AGoBAGA=") << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("no padding") << QByteArray("AGoBAGA") << false;
    QTest::newRow("url-safe alphabet") << QByteArray("AGo-AG_=") << false;
    QTest::newRow("space") << QByteArray("AGoB AGA") << false;
    QTest::newRow("padding inside") << QByteArray("AG=BAGA=") << false;
    QTest::newRow("three pads") << QByteArray("AG===") << false;
}

void TestTs2021::headerDecoding()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, ok);
    QString error;
    const std::optional<QByteArray> decoded = ts2021::decodeHandshakeHeader(header, &error);
    QCOMPARE(decoded.has_value(), ok);
    if (ok)
        QCOMPARE(decoded->toHex(), QByteArray("006a010060"));
    else
        QVERIFY(error.startsWith(QLatin1String("invalid tailscale handshake header")));
}

void TestTs2021::initiatorHandlesServerReplies()
{
    const MachinePrivate serverKey = MachinePrivate::generate();
    {
        Ts2021Initiator c(MachinePrivate::generate(), serverKey.publicKey(), 115);
        const QByteArray frame = ts2021::errorFrame("wrong handshake initiation size");
        QCOMPARE(c.feed(frame.left(5)), Ts2021Initiator::Status::NeedMore);
        QCOMPARE(c.feed(frame.mid(5)), Ts2021Initiator::Status::Failed);
        QCOMPARE(c.errorString(), QStringLiteral("server error: \"wrong handshake initiation size\""));
    }
    {
        Ts2021Initiator c(MachinePrivate::generate(), serverKey.publicKey(), 115);
        QCOMPARE(c.feed(QByteArray("\x04\x00\x30", 3)), Ts2021Initiator::Status::Failed);
        QVERIFY(c.errorString().contains(QLatin1String("unexpected response message type 4")));
    }
    {
        Ts2021Initiator c(MachinePrivate::generate(), serverKey.publicKey(), 115);
        QCOMPARE(c.feed(QByteArray("\x02\x00\x31", 3)), Ts2021Initiator::Status::Failed);
        QVERIFY(c.errorString().contains(QLatin1String("wrong length 49")));
    }
    {
        // A response from a server with another key fails authentication.
        Ts2021Initiator c(MachinePrivate::generate(), serverKey.publicKey(), 115);
        const MachinePrivate impostor = MachinePrivate::generate();
        Ts2021Initiator forImpostor(MachinePrivate::generate(), impostor.publicKey(), 115);
        const Ts2021Accept other = Ts2021Responder::accept(forImpostor.initiation(), impostor);
        QVERIFY(other.ok());
        QCOMPARE(c.feed(other.response), Ts2021Initiator::Status::Failed);
        QVERIFY(c.errorString().startsWith(QLatin1String("decrypting payload")));
        QVERIFY(!c.takeCodec());
    }
    {
        // Response delivered one byte at a time, followed by a record in the same stream.
        Ts2021Initiator c(MachinePrivate::generate(), serverKey.publicKey(), 115);
        Ts2021Accept s = Ts2021Responder::accept(c.initiation(), serverKey);
        QVERIFY(s.ok());
        QByteArray stream = s.response;
        QVERIFY(s.codec->seal("early", stream));
        for (qsizetype i = 0; i < ts2021::kResponseSize - 1; ++i)
            QCOMPARE(c.feed(stream.sliced(i, 1)), Ts2021Initiator::Status::NeedMore);
        // The last response byte plus the first record byte: the extra byte goes to the codec.
        QCOMPARE(c.feed(stream.sliced(ts2021::kResponseSize - 1, 2)), Ts2021Initiator::Status::Done);
        std::optional<TransportCodec> codec = c.takeCodec();
        QVERIFY(codec);
        QCOMPARE(codec->pendingCiphertext(), 1);
        QVERIFY(codec->feed(stream.sliced(ts2021::kResponseSize + 1)));
        QCOMPARE(codec->takePlaintext(), QByteArray("early"));
        QVERIFY(c.handshakeHash() == s.handshakeHash);
    }
}

void TestTs2021::errorFrameIsCut()
{
    const QByteArray frame = ts2021::errorFrame(QByteArray(70000, 'e'));
    QCOMPARE(frame.size(), 3 + 0xffff);
    QCOMPARE(quint8(frame[1]), quint8(0xff));
    QCOMPARE(quint8(frame[2]), quint8(0xff));
}

QTEST_GUILESS_MAIN(TestTs2021)
#include "tst_ts2021.moc"
