// Noise IK against published and captured vectors: every cacophony vector in testdata (both roles,
// handshake and transport), the spec's ts2021 vector (control.md 2.10), and the initiations real
// tailscale 1.82.5 / 1.96.5 clients sent (testdata/noise-vectors/ts2021-real-clients.txt).
#include "CacophonyFile.h"
#include "TestHex.h"
#include "TestPaths.h"

#include "crypto/Keys.h"
#include "crypto/NoiseIK.h"
#include "crypto/Ts2021.h"
#include "crypto/Ts2021Initiator.h"
#include "crypto/Ts2021Responder.h"

#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QTest>

using namespace keel::crypto;
using keel::test::CacophonyFile;
using keel::test::CacophonyVector;
using keel::test::strictHex;

namespace {

Key32 key32(const QByteArray& bytes)
{
    Key32 k{};
    if (bytes.size() == 32)
        std::memcpy(k.data(), bytes.constData(), 32);
    return k;
}

// Digest32 and Key32 are the same array type.
QByteArray bytesOf(const Digest32& d)
{
    return QByteArray(reinterpret_cast<const char*>(d.data()), 32);
}

QByteArray hex(const char* text)
{
    return strictHex(QString::fromLatin1(text)).value_or(QByteArray("<bad hex in test>"));
}

QByteArray readTestdata(const QString& relative)
{
    QFile f(keel::test::testdataPath(relative));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// "name   value" blocks of ts2021-real-clients.txt; a block starts at each "client" line.
QList<QMap<QString, QString>> parseRealClients(const QByteArray& text)
{
    static const QRegularExpression split(QStringLiteral("\\s{2,}"));
    QList<QMap<QString, QString>> blocks;
    for (const QByteArray& raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype at = line.indexOf(split);
        if (at <= 0)
            continue;
        const QString key = line.left(at);
        const QString value = line.mid(at).trimmed();
        if (key == QLatin1String("client"))
            blocks.append(QMap<QString, QString>());
        if (!blocks.isEmpty())
            blocks.last().insert(key, value);
    }
    return blocks;
}

} // namespace

class TestNoiseVectors : public QObject {
    Q_OBJECT

private slots:
    void cacophony_data();
    void cacophony();
    void cacophonyParserRejectsGarbage();
    void specTs2021Vector();
    void realClients_data();
    void realClients();
};

void TestNoiseVectors::cacophony_data()
{
    QTest::addColumn<CacophonyVector>("vector");
    const QByteArray text = readTestdata(QStringLiteral("noise-vectors/Noise_IK_25519_ChaChaPoly_BLAKE2s.txt"));
    QVERIFY2(!text.isEmpty(), "cannot read the cacophony vectors");
    QString error;
    const std::optional<QList<CacophonyVector>> vectors = CacophonyFile::parse(text, &error);
    QVERIFY2(vectors, qPrintable(error));
    int used = 0;
    for (const CacophonyVector& v : *vectors) {
        if (v.protocolName != QLatin1String(NoiseIK::kProtocolName))
            continue;
        QTest::addRow("line %d", v.firstLine) << v;
        ++used;
    }
    QCOMPARE(used, 4); // the file holds four IK vectors; a parser that skips some must fail here
}

void TestNoiseVectors::cacophony()
{
    QFETCH(CacophonyVector, vector);
    QVERIFY(vector.messages.size() >= 2);

    Key32 respStaticPub;
    x25519::publicFromPrivate(respStaticPub, key32(vector.respStatic));
    if (!vector.initRemoteStatic.isEmpty())
        QCOMPARE(bytesOf(respStaticPub), vector.initRemoteStatic);

    NoiseIK initiator = NoiseIK::initiator(vector.prologue, key32(vector.initStatic), respStaticPub, key32(vector.initEphemeral));
    NoiseIK responder = NoiseIK::responder(vector.prologue, key32(vector.respStatic), key32(vector.respEphemeral));

    const std::optional<QByteArray> a = initiator.writeMessageA(vector.messages[0].payload);
    QVERIFY2(a, qPrintable(initiator.errorString()));
    QCOMPARE(a->toHex(), vector.messages[0].ciphertext.toHex());
    const std::optional<QByteArray> payloadA = responder.readMessageA(vector.messages[0].ciphertext);
    QVERIFY2(payloadA, qPrintable(responder.errorString()));
    QCOMPARE(*payloadA, vector.messages[0].payload);
    Key32 initStaticPub;
    x25519::publicFromPrivate(initStaticPub, key32(vector.initStatic));
    QCOMPARE(bytesOf(responder.remoteStatic()), bytesOf(initStaticPub));

    const std::optional<QByteArray> b = responder.writeMessageB(vector.messages[1].payload);
    QVERIFY2(b, qPrintable(responder.errorString()));
    QCOMPARE(b->toHex(), vector.messages[1].ciphertext.toHex());
    const std::optional<QByteArray> payloadB = initiator.readMessageB(vector.messages[1].ciphertext);
    QVERIFY2(payloadB, qPrintable(initiator.errorString()));
    QCOMPARE(*payloadB, vector.messages[1].payload);

    QVERIFY(initiator.isComplete() && responder.isComplete());
    QCOMPARE(bytesOf(initiator.handshakeHash()), bytesOf(responder.handshakeHash()));
    if (!vector.handshakeHash.isEmpty())
        QCOMPARE(bytesOf(initiator.handshakeHash()).toHex(), vector.handshakeHash.toHex());

    // Transport: standard Noise (little-endian nonces); after the handshake messages alternate,
    // initiator first, each direction with its own counter.
    const auto iKeys = initiator.splitKeys();
    const auto rKeys = responder.splitKeys();
    QVERIFY(iKeys && rKeys);
    QCOMPARE(bytesOf(iKeys->first), bytesOf(rKeys->first));
    QCOMPARE(bytesOf(iKeys->second), bytesOf(rKeys->second));
    CipherState i2r(iKeys->first, CipherState::NonceOrder::LittleEndian);
    CipherState r2i(iKeys->second, CipherState::NonceOrder::LittleEndian);
    CipherState i2rRecv(rKeys->first, CipherState::NonceOrder::LittleEndian);
    CipherState r2iRecv(rKeys->second, CipherState::NonceOrder::LittleEndian);
    for (int m = 2; m < vector.messages.size(); ++m) {
        const CacophonyVector::Message& msg = vector.messages[m];
        const bool fromInitiator = m % 2 == 0;
        QByteArray sealed(msg.payload.size() + 16, '\0');
        QVERIFY((fromInitiator ? i2r : r2i)
                    .encrypt({}, reinterpret_cast<const unsigned char*>(msg.payload.constData()), size_t(msg.payload.size()),
                             reinterpret_cast<unsigned char*>(sealed.data())));
        QCOMPARE(sealed.toHex(), msg.ciphertext.toHex());
        QByteArray opened(msg.ciphertext.size() - 16, '\0');
        QVERIFY((fromInitiator ? i2rRecv : r2iRecv)
                    .decrypt({}, reinterpret_cast<const unsigned char*>(msg.ciphertext.constData()),
                             size_t(msg.ciphertext.size()), reinterpret_cast<unsigned char*>(opened.data())));
        QCOMPARE(opened, msg.payload);
    }
}

void TestNoiseVectors::cacophonyParserRejectsGarbage()
{
    QString error;
    QVERIFY(!CacophonyFile::parse("init_static=00\n", &error));
    QVERIFY(error.contains(QLatin1String("before any handshake")));
    QVERIFY(!CacophonyFile::parse("handshake=x\nno equals sign\n", &error));
    QVERIFY(!CacophonyFile::parse("handshake=x\ninit_static=zz\n", &error));
    QVERIFY(error.contains(QLatin1String("non-hex")));
    QVERIFY(!CacophonyFile::parse("handshake=x\ninit_static=00\nresp_static=00\ngen_init_ephemeral=00\n"
                                  "gen_resp_ephemeral=00\nmsg_1_payload=\nmsg_1_ciphertext=00\n",
                                  &error)); // msg_0 missing
}

// control.md 2.10: fixed keys for every party, so both our roles must reproduce every byte.
void TestNoiseVectors::specTs2021Vector()
{
    const MachinePrivate clientKey(key32(hex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")));
    const MachinePrivate clientEphemeral(key32(hex("2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40")));
    const MachinePrivate serverKey(key32(hex("4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60")));
    const MachinePrivate serverEphemeral(key32(hex("6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80")));
    QCOMPARE(clientKey.publicKey().toByteArray().toHex(), QByteArray("07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c"));
    QCOMPARE(serverKey.publicKey().toByteArray().toHex(), QByteArray("64b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d48466"));

    const QByteArray wantInit = hex("006a0100605869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b822e"
                                    "8514e6389169bdfd10afecae5bded9cda3f0157ac1d03cd3620b3bb73a860d02c7f6a79c619e40"
                                    "a931e800bbe90f19048e0be763b1a0990a09a7bb39a5a9");
    const QByteArray wantResp = hex("020030244fe3b963e899dd295baffce248d3530f3a9a7479ba063002680ebfe7adad4905f13ba7"
                                    "391df11db08731c8d24e8a1b");
    const QByteArray wantHash = hex("8856abf4d7a7367fc5aa8d190a0e61181507e225597dd00a70bd5e656e6d1d5a");

    Ts2021Initiator client(clientKey, serverKey.publicKey(), 106, clientEphemeral);
    QCOMPARE(client.initiation().toHex(), wantInit.toHex());
    QString error;
    const std::optional<QByteArray> fromHeader = ts2021::decodeHandshakeHeader(
        "AGoBAGBYaa/0UFSXMsuq7V5d+bMKbaMcsOV0K61a1KGnaPGme4IuhRTmOJFpvf0Qr+yuW97ZzaPwFXrB0DzTYgs7tzqGDQLH9qecYZ5AqTHoALvpDxkEjgvnY7GgmQoJp7s5pak=",
        &error);
    QVERIFY2(fromHeader, qPrintable(error));
    QCOMPARE(*fromHeader, wantInit);

    Ts2021Accept server = Ts2021Responder::acceptWithEphemeral(*fromHeader, serverKey, serverEphemeral);
    QVERIFY2(server.ok(), qPrintable(server.error));
    QCOMPARE(server.version, quint16(106));
    QVERIFY(server.machineKey == clientKey.publicKey());
    QCOMPARE(server.response.toHex(), wantResp.toHex());
    QCOMPARE(bytesOf(server.handshakeHash).toHex(), wantHash.toHex());

    // Server records n=0 (early payload) and n=1 (empty SETTINGS), big-endian nonces.
    const QByteArray json = "{\"nodeKeyChallenge\":\"chalpub:" + QByteArray("ab").repeated(32) + "\"}";
    QByteArray early = QByteArray("\xff\xff\xffTS", 5);
    early.append(char(0)).append(char(0)).append(char(0)).append(char(json.size()));
    early.append(json);
    QByteArray serverOut;
    QVERIFY(server.codec->sealRecord(early, serverOut));
    QVERIFY(server.codec->sealRecord(hex("000000040000000000"), serverOut));
    const QByteArray wantServerRecords =
        hex("04007866cb70ea66541235ed6fb2a8cff33aeccba67e51fd074e667c8d6485f6a5b5de5d153152c645722a18b53b8bba4518"
            "13bf9dc56edaab2e3f92df549f60d15458f8a052d3204eeab2c1bc8853e3ed72d2d715445179bdc2040e95e84248783f85e3"
            "e20787c2f9da58933e447c0b2b8b7769b9fbb8ca0af3db"
            "040019b550c218be9ebc7c19f34bc79f8abcf3eadb45e7323bffce6f");
    QCOMPARE(serverOut.toHex(), wantServerRecords.toHex());

    // The client reads response + both records delivered in one piece.
    QCOMPARE(client.feed(server.response + serverOut), Ts2021Initiator::Status::Done);
    QCOMPARE(bytesOf(client.handshakeHash()).toHex(), wantHash.toHex());
    std::optional<TransportCodec> clientCodec = client.takeCodec();
    QVERIFY(clientCodec);
    QCOMPARE(clientCodec->takePlaintext(), early + hex("000000040000000000"));

    // Client records n=0 (HTTP/2 preface) and n=1 ("hello").
    QByteArray clientOut;
    QVERIFY(clientCodec->sealRecord("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", clientOut));
    QVERIFY(clientCodec->sealRecord("hello", clientOut));
    QCOMPARE(clientOut.toHex(), (hex("0400283f131eabdda88e1f08a0231aacebb3b3f3a0a497e0f43ef57b6ab292671c69f57799e1479733b23c")
                                 + hex("040015303e51d30d9bf270255ab7459bccd972fa86c024ae"))
                                    .toHex());
    QVERIFY(server.codec->feed(clientOut));
    QCOMPARE(server.codec->takePlaintext(), QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nhello"));
}

void TestNoiseVectors::realClients_data()
{
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("serverPriv");
    QTest::addColumn<QString>("serverPub");
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("initiationHex");
    QTest::addColumn<int>("version");
    QTest::addColumn<QString>("prologue");
    QTest::addColumn<QString>("machinePub");
    QTest::addColumn<QString>("ephemeralPub");
    QTest::addColumn<QString>("hashAfterInit");

    const QByteArray text = readTestdata(QStringLiteral("noise-vectors/ts2021-real-clients.txt"));
    QVERIFY2(!text.isEmpty(), "cannot read ts2021-real-clients.txt");
    const QList<QMap<QString, QString>> blocks = parseRealClients(text);
    QCOMPARE(blocks.size(), 2);
    for (const QMap<QString, QString>& b : blocks) {
        QTest::newRow(qPrintable(b.value(QStringLiteral("client"))))
            << b.value(QStringLiteral("client")) << b.value(QStringLiteral("server static priv"))
            << b.value(QStringLiteral("server static pub")) << b.value(QStringLiteral("X-Tailscale-Handshake"))
            << b.value(QStringLiteral("initiation (hex)"))
            << b.value(QStringLiteral("protocol version")).section(QLatin1Char(' '), 0, 0).toInt()
            << b.value(QStringLiteral("prologue")) << b.value(QStringLiteral("client machine pub"))
            << b.value(QStringLiteral("client ephemeral pub")) << b.value(QStringLiteral("handshake hash after initiation"));
    }
}

void TestNoiseVectors::realClients()
{
    QFETCH(QString, serverPriv);
    QFETCH(QString, serverPub);
    QFETCH(QString, header);
    QFETCH(QString, initiationHex);
    QFETCH(int, version);
    QFETCH(QString, prologue);
    QFETCH(QString, machinePub);
    QFETCH(QString, ephemeralPub);
    QFETCH(QString, hashAfterInit);
    QVERIFY(version > 0);

    const std::optional<MachinePrivate> serverKey = MachinePrivate::parse(QStringLiteral("privkey:") + serverPriv);
    QVERIFY(serverKey);
    QCOMPARE(QString::fromLatin1(serverKey->publicKey().toByteArray().toHex()), serverPub);

    QString error;
    const std::optional<QByteArray> initiation = ts2021::decodeHandshakeHeader(header.toLatin1(), &error);
    QVERIFY2(initiation, qPrintable(error));
    QCOMPARE(QString::fromLatin1(initiation->toHex()), initiationHex);
    QCOMPARE(QString::fromLatin1(ts2021::prologue(quint16(version))), prologue);

    // The Noise state right after message A, as the file records it.
    NoiseIK responder = NoiseIK::responder(ts2021::prologue(quint16(version)), serverKey->raw(),
                                           MachinePrivate::generate().raw());
    const std::optional<QByteArray> payload = responder.readMessageA(initiation->sliced(ts2021::kInitiationHeaderSize));
    QVERIFY2(payload, qPrintable(responder.errorString()));
    QVERIFY(payload->isEmpty());
    QCOMPARE(QString::fromLatin1(bytesOf(responder.handshakeHash()).toHex()), hashAfterInit);
    QCOMPARE(QString::fromLatin1(bytesOf(responder.remoteEphemeral()).toHex()), ephemeralPub);

    // And the ts2021 responder API recovers version and machine key.
    const Ts2021Accept accepted = Ts2021Responder::accept(*initiation, *serverKey);
    QVERIFY2(accepted.ok(), qPrintable(accepted.error));
    QCOMPARE(int(accepted.version), version);
    QCOMPARE(accepted.machineKey.toString(), QStringLiteral("mkey:") + machinePub);
    QCOMPARE(accepted.response.size(), ts2021::kResponseSize);

    // A different server key cannot read the initiation.
    const Ts2021Accept wrongKey = Ts2021Responder::accept(*initiation, MachinePrivate::generate());
    QVERIFY(!wrongKey.ok());
    QVERIFY(wrongKey.errorFrame.isEmpty()); // crypto failures get no error frame, as in Go
}

QTEST_GUILESS_MAIN(TestNoiseVectors)
#include "tst_noisevectors.moc"
