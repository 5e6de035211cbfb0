// The ts2021 channel over real TCP on 127.0.0.1: our ControlClient against an HttpServer with the
// ControlEndpoint (plain and TLS), a WebSocket client (Qt's own), raw sockets that send bad input,
// and the recorded sessions of real tailscale clients replayed through the whole server stack.
#include "ChannelFixture.h"
#include "TestPaths.h"

#include "control/DefaultControlHandler.h"
#include "control/EarlyNoiseReader.h"
#include "crypto/Ts2021.h"
#include "http/Http2ClientSession.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <nghttp2/nghttp2.h>

using namespace keel;
using namespace keel::control;
using namespace std::chrono_literals;

namespace {

struct Reply
{
    int status = 0;
    http::Http2Headers headers;
    QByteArray body;
    int chunksBeforeEnd = 0;
    bool finished = false;
    bool failed = false;

    void attach(http::Http2ClientStream* stream)
    {
        QObject::connect(stream, &http::Http2ClientStream::headersReceived, stream,
                         [this](int s, const http::Http2Headers& h) { status = s; headers = h; });
        QObject::connect(stream, &http::Http2ClientStream::dataReceived, stream, [this](const QByteArray& c) {
            body += c;
            ++chunksBeforeEnd;
        });
        QObject::connect(stream, &http::Http2ClientStream::finished, stream, [this] { finished = true; });
        QObject::connect(stream, &http::Http2ClientStream::failed, stream, [this](quint32, const QString&) { failed = true; });
    }
    bool done() const { return finished || failed; }
};

struct Seen
{
    ControlContext context;
    QByteArray method;
    QByteArray path;
    QByteArray body;
    qint32 stream = 0;
};

// Counts warnings and worse while alive: bad input must not make the server log at its rate.
class WarningCounter
{
public:
    WarningCounter() { s_count = 0; m_previous = qInstallMessageHandler(&handler); }
    ~WarningCounter() { qInstallMessageHandler(m_previous); }
    int count() const { return s_count; }

private:
    static void handler(QtMsgType type, const QMessageLogContext&, const QString&)
    {
        if (type != QtDebugMsg && type != QtInfoMsg)
            ++s_count;
    }
    static inline int s_count = 0;
    QtMessageHandler m_previous = nullptr;
};

QByteArray plainRequest(const QByteArray& method, const QList<QPair<QByteArray, QByteArray>>& headers)
{
    QByteArray r = method + " /ts2021 HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [k, v] : headers)
        r += k + ": " + v + "\r\n";
    return r + "\r\n";
}

// Decrypts what the server sent after the handshake with the raw client's codec.
QByteArray decrypt(test::RawClient& raw, const QByteArray& wire)
{
    raw.codec->feed(wire);
    return raw.codec->takePlaintext();
}

} // namespace

class TestControlChannel : public QObject
{
    Q_OBJECT

private slots:
    void handshakeEarlyPayloadAndRequest();
    void defaultHandlerAnswers();
    void manyConcurrentStreams();
    void streamingResponse();
    void handlerCanBeReplaced();
    void webSocketClient();
    void webSocketWithoutSubprotocolIsClosed();
    void tlsListener();
    void malformedUpgradeRequests_data();
    void malformedUpgradeRequests();
    void oldVersionGetsErrorFrame();
    void truncatedInitiationGetsErrorFrame();
    void badTransportBytesCloseOnlyThatConnection_data();
    void badTransportBytesCloseOnlyThatConnection();
    void http2GarbageGetsGoAway();
    void idleConnectionCloses();
    void gracefulShutdown();
    void backpressureStopsReading();
    void keyFetchRejectsServerWithoutNoiseKey();
    void recordedSessionsReplay_data();
    void recordedSessionsReplay();
};

void TestControlChannel::handshakeEarlyPayloadAndRequest()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    QList<Seen> seen;
    fx.endpoint().setHandler([&seen](const ControlContext& c, const http::Http2Request& r, http::Http2Response resp) {
        seen.append({c, r.method, r.path, r.body, r.streamId});
        QByteArray reversed = r.body;
        std::reverse(reversed.begin(), reversed.end());
        resp.respond(200, {{"content-type", "application/json"}, {"x-machine", c.machineKey.toString().toLatin1()}}, reversed);
    });

    const crypto::MachinePrivate machine = crypto::MachinePrivate::generate();
    ControlClient client(machine);
    QVERIFY2(test::connectClient(client, fx.port()), qPrintable(client.errorString()));  // fetches /key first
    QCOMPARE(client.serverKey().toString(), fx.serverKey().publicKey().toString());
    QVERIFY(client.hadEarlyPayload());
    QVERIFY(!client.challenge().isZero());
    QCOMPARE(fx.endpoint().connectionCount(), 1);

    Reply reply;
    reply.attach(client.request("POST", "/machine/echo", "{\"hello\":1}", {{"content-type", "application/json"}}));
    QVERIFY(QTest::qWaitFor([&] { return reply.done(); }, 5000));
    QVERIFY(reply.finished);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("}1:\"olleh\"{"));
    QCOMPARE(http::http2HeaderValue(reply.headers, "x-machine"), machine.publicKey().toString().toLatin1());

    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen[0].context.machineKey.toString(), machine.publicKey().toString());
    QCOMPARE(seen[0].context.protocolVersion, 115);
    QCOMPARE(seen[0].context.challenge.toString(), client.challenge().toString());
    QCOMPARE(seen[0].context.peer, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(seen[0].method, QByteArray("POST"));
    QCOMPARE(seen[0].path, QByteArray("/machine/echo"));

    // A second connection gets its own challenge.
    ControlClient other(crypto::MachinePrivate::generate());
    QVERIFY(test::connectClient(other, fx.port(), fx.serverKey().publicKey()));
    QVERIFY(other.challenge().toString() != client.challenge().toString());
    QCOMPARE(fx.endpoint().connectionCount(), 2);
    client.close();
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().connectionCount() == 1; }, 5000));
}

void TestControlChannel::defaultHandlerAnswers()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    ControlClient client(crypto::MachinePrivate::generate());
    QVERIFY(test::connectClient(client, fx.port(), fx.serverKey().publicKey()));
    struct Case { QByteArray method; QByteArray path; int status; QByteArray body; };
    const QList<Case> cases{
        {"GET", "/machine/whoami", 501, "Not implemented yet\n"},
        {"POST", "/machine/set-dns", 501, "Not implemented yet\n"},
        {"POST", "/machine/update-health", 501, "Not implemented yet\n"},
        {"PATCH", "/machine/set-device-attr", 501, "Not implemented yet\n"},
        {"POST", "/machine/register", 501, "Not implemented yet\n"},
        {"GET", "/machine/register", 405, ""},
        {"GET", "/no/such/path", 404, "404 page not found\n"},
    };
    std::vector<Reply> replies(cases.size());
    for (int i = 0; i < cases.size(); ++i)
        replies[i].attach(client.request(cases[i].method, cases[i].path, "{}"));
    QVERIFY(QTest::qWaitFor([&] { return std::all_of(replies.begin(), replies.end(), [](const Reply& r) { return r.done(); }); }, 5000));
    for (int i = 0; i < cases.size(); ++i) {
        QVERIFY2(replies[i].finished, cases[i].path.constData());
        QCOMPARE(replies[i].status, cases[i].status);
        QCOMPARE(replies[i].body, cases[i].body);
    }
    QCOMPARE(http::http2HeaderValue(replies[0].headers, "content-type"), QByteArray("text/plain; charset=utf-8"));
    QCOMPARE(http::http2HeaderValue(replies[5].headers, "allow"), QByteArray("POST"));
}

void TestControlChannel::manyConcurrentStreams()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    // The first kHeld requests are held until all of them are open at once (no timing involved:
    // a slow, sanitized build cannot make them overlap less), then everything is answered in a
    // shuffled order, later: the streams really overlap.
    constexpr int kHeld = 100;
    int maxOpen = 0;
    int open = 0;
    std::vector<std::pair<http::Http2Response, QByteArray>> held;
    const auto answerLater = [&open](http::Http2Response resp, const QByteArray& body) {
        QTimer::singleShot(int(QRandomGenerator::global()->bounded(200)), [resp, body, &open]() mutable {
            --open;
            resp.respond(200, {}, body + body);
        });
    };
    fx.endpoint().setHandler([&](const ControlContext&, const http::Http2Request& r, http::Http2Response resp) {
        maxOpen = std::max(maxOpen, ++open);
        if (maxOpen >= kHeld) {
            for (auto& [waiting, body] : held)
                answerLater(waiting, body);
            held.clear();
            answerLater(resp, r.body);
        } else {
            held.emplace_back(resp, r.body);
        }
    });
    ControlClient client(crypto::MachinePrivate::generate());
    QVERIFY(test::connectClient(client, fx.port(), fx.serverKey().publicKey()));
    constexpr int kStreams = 200;
    std::vector<Reply> replies(kStreams);
    for (int i = 0; i < kStreams; ++i)
        replies[i].attach(client.request("POST", "/machine/x", QByteArray::number(i) + QByteArray(3000, 'p')));
    QVERIFY(QTest::qWaitFor([&] { return std::all_of(replies.begin(), replies.end(), [](const Reply& r) { return r.done(); }); }, 15000));
    for (int i = 0; i < kStreams; ++i) {
        QVERIFY(replies[i].finished);
        const QByteArray one = QByteArray::number(i) + QByteArray(3000, 'p');
        QCOMPARE(replies[i].body, one + one);
    }
    QVERIFY2(maxOpen >= kHeld, qPrintable(QString::number(maxOpen)));
}

void TestControlChannel::streamingResponse()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    fx.endpoint().setHandler([](const ControlContext&, const http::Http2Request&, http::Http2Response resp) {
        resp.sendHeaders(200);
        auto* timer = new QTimer;
        auto sent = std::make_shared<int>(0);
        QObject::connect(timer, &QTimer::timeout, timer, [timer, sent, resp]() mutable {
            if (!resp.isOpen() || *sent == 5) {
                resp.finish();
                timer->deleteLater();
                return;
            }
            resp.write("message " + QByteArray::number((*sent)++) + QByteArray(9000, '.'));  // > 2 Noise records
        });
        timer->start(60);
    });
    ControlClient client(crypto::MachinePrivate::generate());
    QVERIFY(test::connectClient(client, fx.port(), fx.serverKey().publicKey()));
    Reply reply;
    QList<QByteArray> arrivals;
    auto* stream = client.request("POST", "/machine/map", "{\"Stream\":true}");
    reply.attach(stream);
    QObject::connect(stream, &http::Http2ClientStream::dataReceived, stream, [&](const QByteArray&) {
        if (!reply.finished)
            arrivals.append(reply.body.right(16));
    });
    // The first message arrives long before the stream ends.
    QVERIFY(QTest::qWaitFor([&] { return reply.body.size() >= 9000; }, 5000));
    QVERIFY(!reply.finished);
    QVERIFY(QTest::qWaitFor([&] { return reply.done(); }, 5000));
    QVERIFY(reply.finished);
    QCOMPARE(reply.body.count("message "), 5);
    QVERIFY(reply.body.contains("message 4"));
}

void TestControlChannel::handlerCanBeReplaced()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    ControlClient client(crypto::MachinePrivate::generate());
    QVERIFY(test::connectClient(client, fx.port(), fx.serverKey().publicKey()));
    Reply before;
    before.attach(client.request("GET", "/machine/whoami"));
    QVERIFY(QTest::qWaitFor([&] { return before.done(); }, 5000));
    QCOMPARE(before.status, 501);
    // Installed later: the open connection uses it for its next request.
    fx.endpoint().setHandler([](const ControlContext&, const http::Http2Request&, http::Http2Response r) { r.respond(204); });
    Reply after;
    after.attach(client.request("GET", "/machine/whoami"));
    QVERIFY(QTest::qWaitFor([&] { return after.done(); }, 5000));
    QCOMPARE(after.status, 204);
}

void TestControlChannel::webSocketClient()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    QList<Seen> seen;
    fx.endpoint().setHandler([&seen](const ControlContext& c, const http::Http2Request& r, http::Http2Response resp) {
        seen.append({c, r.method, r.path, r.body, r.streamId});
        resp.respond(200, {}, "ws:" + r.body);
    });
    const crypto::MachinePrivate machine = crypto::MachinePrivate::generate();
    crypto::Ts2021Initiator initiator(machine, fx.serverKey().publicKey(), 133);
    QUrl url(QStringLiteral("ws://127.0.0.1:%1/ts2021").arg(fx.port()));
    url.setQuery(QStringLiteral("X-Tailscale-Handshake=") + QString::fromLatin1(initiator.initiation().toBase64().toPercentEncoding()));
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({QStringLiteral("tailscale-control-protocol")});
    QWebSocket ws;
    QByteArray in;
    QObject::connect(&ws, &QWebSocket::binaryMessageReceived, &ws, [&in](const QByteArray& m) { in += m; });
    ws.open(QNetworkRequest(url), options);
    QVERIFY(QTest::qWaitFor([&] { return in.size() >= 51; }, 5000));
    QCOMPARE(ws.subprotocol(), QStringLiteral("tailscale-control-protocol"));
    QCOMPARE(initiator.feed(in.left(51)), crypto::Ts2021Initiator::Status::Done);
    in.remove(0, 51);
    std::optional<crypto::TransportCodec> codec = initiator.takeCodec();

    // HTTP/2 over the WebSocket byte stream; no EarlyNoise on this path.
    http::Http2ClientSession h2;
    QObject::connect(&h2, &http::Http2Session::outgoing, &ws, [&](const QByteArray& plain) {
        QByteArray records;
        QVERIFY(codec->seal(plain, records));
        // Message boundaries carry no meaning: split records across messages on purpose.
        ws.sendBinaryMessage(records.left(7));
        ws.sendBinaryMessage(records.mid(7));
    });
    EarlyNoiseReader early;
    QObject::connect(&ws, &QWebSocket::binaryMessageReceived, &h2, [&](const QByteArray&) {
        QVERIFY(codec->feed(std::exchange(in, {})));
        const QByteArray plain = codec->takePlaintext();
        if (early.status() == EarlyNoiseReader::Status::NeedMore) {
            if (early.feed(plain) == EarlyNoiseReader::Status::Done)
                h2.feed(early.takeRemainder());
        } else {
            h2.feed(plain);
        }
    });
    h2.start();
    Reply reply;
    reply.attach(h2.request("POST", "/machine/ws", "body"));
    QVERIFY(QTest::qWaitFor([&] { return reply.done(); }, 5000));
    QVERIFY(reply.finished);
    QCOMPARE(reply.body, QByteArray("ws:body"));
    QVERIFY(!early.hadEarlyPayload());
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen[0].context.machineKey.toString(), machine.publicKey().toString());
    QCOMPARE(seen[0].context.protocolVersion, 133);
    QVERIFY(seen[0].context.challenge.isZero());
    ws.close();
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().connectionCount() == 0; }, 5000));
}

void TestControlChannel::webSocketWithoutSubprotocolIsClosed()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    crypto::Ts2021Initiator initiator(crypto::MachinePrivate::generate(), fx.serverKey().publicKey(), 133);
    QUrl url(QStringLiteral("ws://127.0.0.1:%1/ts2021").arg(fx.port()));
    url.setQuery(QStringLiteral("X-Tailscale-Handshake=") + QString::fromLatin1(initiator.initiation().toBase64().toPercentEncoding()));
    QWebSocket ws;
    bool disconnected = false;
    QObject::connect(&ws, &QWebSocket::disconnected, &ws, [&] { disconnected = true; });
    ws.open(url);
    QVERIFY(QTest::qWaitFor([&] { return disconnected; }, 5000));
    QCOMPARE(int(ws.closeCode()), 1008);
    QCOMPARE(ws.closeReason(), QStringLiteral("client must speak the control subprotocol"));
    QCOMPARE(fx.endpoint().connectionCount(), 0);
}

void TestControlChannel::tlsListener()
{
    QTemporaryDir dir;
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                   QStringLiteral("-keyout"), dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"),
                   dir.filePath(QStringLiteral("cert.pem"))});
    QVERIFY(openssl.waitForFinished(20000));
    QCOMPARE(openssl.exitCode(), 0);
    QFile certFile(dir.filePath(QStringLiteral("cert.pem")));
    QFile keyFile(dir.filePath(QStringLiteral("key.pem")));
    QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(QSslCertificate::fromData(certFile.readAll(), QSsl::Pem));
    tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem));
    QVERIFY(!tls.privateKey().isNull());

    test::ChannelFixture fx;
    QVERIFY(fx.listen(&tls));
    fx.endpoint().setHandler([](const ControlContext& c, const http::Http2Request&, http::Http2Response r) {
        r.respond(200, {}, c.machineKey.toString().toLatin1());
    });
    ControlClient::Options options;
    options.tls = true;
    const crypto::MachinePrivate machine = crypto::MachinePrivate::generate();
    ControlClient client(machine, options);
    QVERIFY2(test::connectClient(client, fx.port()), qPrintable(client.errorString()));  // /key over TLS too
    QVERIFY(client.hadEarlyPayload());
    Reply reply;
    reply.attach(client.request("POST", "/machine/tls", QByteArray(20000, 'x')));
    QVERIFY(QTest::qWaitFor([&] { return reply.done(); }, 5000));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, machine.publicKey().toString().toLatin1());

    // A plain client on the TLS port gets nowhere, and the listener carries on.
    ControlClient plain(crypto::MachinePrivate::generate());
    ControlClient::Options quick;
    quick.dialTimeoutMs = 2000;
    ControlClient plainQuick(crypto::MachinePrivate::generate(), quick);
    QVERIFY(!test::connectClient(plainQuick, fx.port(), fx.serverKey().publicKey(), 5000));
    Reply again;
    again.attach(client.request("POST", "/machine/tls"));
    QVERIFY(QTest::qWaitFor([&] { return again.done(); }, 5000));
    QCOMPARE(again.status, 200);
}

void TestControlChannel::malformedUpgradeRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QByteArray>("body");
    const QByteArray init = crypto::Ts2021Initiator(crypto::MachinePrivate::generate(),
                                                    crypto::MachinePrivate::generate().publicKey(), 115).initiation().toBase64();
    QTest::newRow("no upgrade") << plainRequest("POST", {{"X-Tailscale-Handshake", init}})
                                << QByteArray("HTTP/1.1 500 ") << QByteArray("Internal error\n");
    QTest::newRow("unknown protocol") << plainRequest("POST", {{"Upgrade", "h2c"}, {"Connection", "upgrade"}})
                                      << QByteArray("HTTP/1.1 400 ") << QByteArray("unknown next protocol\n");
    QTest::newRow("no handshake") << plainRequest("POST", {{"Upgrade", "tailscale-control-protocol"}})
                                  << QByteArray("HTTP/1.1 400 ") << QByteArray("missing Tailscale handshake header\n");
    QTest::newRow("bad base64") << plainRequest("POST", {{"Upgrade", "tailscale-control-protocol"}, {"X-Tailscale-Handshake", "%%%%"}})
                                << QByteArray("HTTP/1.1 400 ") << QByteArray("invalid tailscale handshake header\n");
    QTest::newRow("PUT") << plainRequest("PUT", {{"Upgrade", "tailscale-control-protocol"}, {"X-Tailscale-Handshake", init}})
                         << QByteArray("HTTP/1.1 405 ") << QByteArray();
}

void TestControlChannel::malformedUpgradeRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, statusLine);
    QFETCH(QByteArray, body);
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    WarningCounter warnings;
    for (int i = 0; i < 20; ++i) {
        test::RawClient raw;
        QVERIFY(raw.connect(fx.port()));
        QByteArray head;
        QByteArray rest;
        QVERIFY(raw.exchange(request, &head, &rest, 0));
        QVERIFY2(head.startsWith(statusLine), head.constData());
        if (!body.isEmpty()) {
            QVERIFY(QTest::qWaitFor([&] { rest += raw.socket.readAll(); return rest.size() >= body.size(); }, 2000));
            QCOMPARE(rest, body);
        }
    }
    QVERIFY2(warnings.count() <= 1, qPrintable(QString::number(warnings.count())));  // one rate-limited hint at most
    QCOMPARE(fx.endpoint().connectionCount(), 0);
}

void TestControlChannel::oldVersionGetsErrorFrame()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    test::RawClient raw;
    QVERIFY(raw.connect(fx.port()));
    crypto::Ts2021Initiator initiator(crypto::MachinePrivate::generate(), fx.serverKey().publicKey(), 90);
    QByteArray head;
    QByteArray rest;
    QVERIFY(raw.exchange(ControlClient::upgradeRequest("127.0.0.1", initiator.initiation()), &head, &rest, 3));
    QVERIFY(head.startsWith("HTTP/1.1 101 "));  // as in Go, the 101 comes before the handshake
    rest += raw.readUntilClosed();
    QCOMPARE(int(quint8(rest[0])), int(crypto::ts2021::kMsgError));
    QVERIFY2(rest.contains("unsupported client version 90"), rest.constData());
    // The real client's initiator reports it as a server error.
    QCOMPARE(initiator.feed(rest), crypto::Ts2021Initiator::Status::Failed);
    QVERIFY2(initiator.errorString().contains("unsupported client version"), qPrintable(initiator.errorString()));
    QCOMPARE(fx.endpoint().connectionCount(), 0);
    QCOMPARE(fx.endpoint().handshakesRefused(), quint64(1));
}

void TestControlChannel::truncatedInitiationGetsErrorFrame()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    const QByteArray init = crypto::Ts2021Initiator(crypto::MachinePrivate::generate(), fx.serverKey().publicKey(), 115).initiation();
    struct Case { QByteArray bytes; QByteArray text; };
    QByteArray wrongType = init;
    wrongType[2] = 2;
    QByteArray tampered = init;
    tampered[60] = char(tampered[60] ^ 1);
    const QList<Case> cases{{init.left(100), "wrong handshake initiation size"},
                            {wrongType, "unexpected handshake message type"},
                            {tampered, {}}};  // a cryptographic failure: closed without a word
    for (const Case& c : cases) {
        test::RawClient raw;
        QVERIFY(raw.connect(fx.port()));
        QByteArray head;
        QByteArray rest;
        raw.exchange(ControlClient::upgradeRequest("127.0.0.1", c.bytes), &head, &rest, 0);
        QVERIFY(head.startsWith("HTTP/1.1 101 "));
        rest += raw.readUntilClosed();
        if (c.text.isEmpty()) {
            QVERIFY(rest.isEmpty());
        } else {
            QCOMPARE(rest, crypto::ts2021::errorFrame(c.text));
        }
    }
    QCOMPARE(fx.endpoint().connectionCount(), 0);
}

void TestControlChannel::badTransportBytesCloseOnlyThatConnection_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("garbage") << QByteArray::fromHex("deadbeefdeadbeefdeadbeef00112233445566778899");
    QTest::newRow("oversized frame") << QByteArray::fromHex("040ffe") + QByteArray(4094, 'x');
    QTest::newRow("wrong type") << QByteArray::fromHex("020010") + QByteArray(16, 'x');
    QTest::newRow("forged record") << QByteArray::fromHex("040020") + QByteArray(32, 'x');
}

void TestControlChannel::badTransportBytesCloseOnlyThatConnection()
{
    QFETCH(QByteArray, bytes);
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    // A healthy client with a long-running stream, before and after.
    fx.endpoint().setHandler([](const ControlContext&, const http::Http2Request& r, http::Http2Response resp) {
        if (r.path == "/hold") {
            resp.sendHeaders(200);
            resp.write("held");
            return;  // never finished
        }
        resp.respond(200, {}, "ok");
    });
    ControlClient good(crypto::MachinePrivate::generate());
    QVERIFY(test::connectClient(good, fx.port(), fx.serverKey().publicKey()));
    Reply held;
    held.attach(good.request("POST", "/hold"));
    QVERIFY(QTest::qWaitFor([&] { return held.body == "held"; }, 5000));

    WarningCounter warnings;
    for (int i = 0; i < 10; ++i) {
        test::RawClient raw;
        QVERIFY(raw.connect(fx.port()));
        QVERIFY(raw.handshake(fx.serverKey().publicKey()));
        raw.socket.write(bytes);
        raw.readUntilClosed();
        QCOMPARE(raw.socket.state(), QAbstractSocket::UnconnectedState);
    }
    QCOMPARE(warnings.count(), 0);
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().connectionCount() == 1; }, 5000));
    QVERIFY(!held.done());
    Reply after;
    after.attach(good.request("POST", "/x"));
    QVERIFY(QTest::qWaitFor([&] { return after.done(); }, 5000));
    QCOMPARE(after.body, QByteArray("ok"));
}

void TestControlChannel::http2GarbageGetsGoAway()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    test::RawClient raw;
    QVERIFY(raw.connect(fx.port()));
    QVERIFY(raw.handshake(fx.serverKey().publicKey()));
    // Valid Noise records, but HTTP/1.1 inside instead of the HTTP/2 preface.
    QByteArray records;
    QVERIFY(raw.codec->seal("GET / HTTP/1.1\r\nHost: x\r\n\r\n", records));
    raw.socket.write(records);
    const QByteArray plain = decrypt(raw, raw.pending + raw.readUntilClosed());
    QVERIFY(!raw.codec->receiveFailed());
    EarlyNoiseReader early;
    QCOMPARE(early.feed(plain), EarlyNoiseReader::Status::Done);
    QVERIFY(early.hadEarlyPayload());
    // SETTINGS first, and a GOAWAY (type 7) with PROTOCOL_ERROR somewhere after it.
    const QByteArray h2 = early.takeRemainder();
    QCOMPARE(int(h2[3]), 4);
    bool goAway = false;
    for (qsizetype pos = 0; pos + 9 <= h2.size();) {
        const auto* p = reinterpret_cast<const uchar*>(h2.constData() + pos);
        const qsizetype len = (qsizetype(p[0]) << 16) | (qsizetype(p[1]) << 8) | p[2];
        if (p[3] == 7 && pos + 9 + len <= h2.size() && len >= 8)
            goAway = p[9 + 7] == 1;  // last byte of the error code: PROTOCOL_ERROR
        pos += 9 + len;
    }
    QVERIFY(goAway);
    QCOMPARE(fx.endpoint().connectionCount(), 0);
}

void TestControlChannel::idleConnectionCloses()
{
    ControlEndpoint::Options options;
    options.connection.http2.idleTimeout = 300ms;
    test::ChannelFixture fx(options);
    QVERIFY(fx.listen());
    ControlClient client(crypto::MachinePrivate::generate());
    bool disconnected = false;
    QObject::connect(&client, &ControlClient::disconnected, &client, [&] { disconnected = true; });
    QVERIFY(test::connectClient(client, fx.port(), fx.serverKey().publicKey()));
    QVERIFY(QTest::qWaitFor([&] { return disconnected; }, 5000));
    QVERIFY(client.http2()->goAwayReceived());
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().connectionCount() == 0; }, 5000));
}

void TestControlChannel::gracefulShutdown()
{
    test::ChannelFixture fx;
    QVERIFY(fx.listen());
    fx.endpoint().setHandler([](const ControlContext&, const http::Http2Request& r, http::Http2Response resp) {
        if (r.path == "/quick") {
            QTimer::singleShot(50, [resp]() mutable { resp.respond(200, {}, "done"); });
            return;
        }
        resp.sendHeaders(200);  // a long-poll that never ends by itself
    });
    ControlClient client(crypto::MachinePrivate::generate());
    QVERIFY(test::connectClient(client, fx.port(), fx.serverKey().publicKey()));
    Reply poll;
    Reply quick;
    poll.attach(client.request("POST", "/poll"));
    QVERIFY(QTest::qWaitFor([&] { return poll.status == 200; }, 5000));
    quick.attach(client.request("POST", "/quick"));
    QTest::qWait(10);
    fx.endpoint().shutdown(300ms);
    QVERIFY(QTest::qWaitFor([&] { return quick.done() && poll.done(); }, 5000));
    QVERIFY(quick.finished);  // in flight at GOAWAY time: allowed to finish
    QCOMPARE(quick.body, QByteArray("done"));
    QVERIFY(poll.failed);     // cut after the grace period
    QVERIFY(client.http2()->goAwayReceived());
    QVERIFY(QTest::qWaitFor([&] { return fx.endpoint().connectionCount() == 0; }, 5000));
}

void TestControlChannel::backpressureStopsReading()
{
    ControlEndpoint::Options options;
    options.connection.writeHighWater = 64 << 10;
    options.connection.writeLowWater = 16 << 10;
    test::ChannelFixture fx(options);
    QVERIFY(fx.listen());
    ControlConnection* connection = nullptr;
    QObject::connect(&fx.endpoint(), &ControlEndpoint::connectionOpened, &fx.endpoint(), [&] {
        connection = fx.endpoint().findChild<ControlConnection*>();
    });
    fx.endpoint().setHandler([](const ControlContext&, const http::Http2Request& r, http::Http2Response resp) {
        resp.respond(200, {}, QByteArray(256 << 10, 'b') + r.body);
    });
    // A client that sends requests but never reads: the server must stop reading it.
    test::RawClient raw;
    QVERIFY(raw.connect(fx.port()));
    raw.socket.setReadBufferSize(4096);
    QVERIFY(raw.handshake(fx.serverKey().publicKey()));
    QVERIFY(connection);
    // Preface with a huge window so that only the socket, not HTTP/2 flow control, can push back.
    QByteArray h2 = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + QByteArray::fromHex("000006040000000000" "000400ffffff")
                    + QByteArray::fromHex("0000040800000000007fff0000");
    nghttp2_hd_deflater* deflater = nullptr;
    QCOMPARE(nghttp2_hd_deflate_new(&deflater, 4096), 0);
    for (int id = 1; id < 400; id += 2) {
        nghttp2_nv nv[] = {
            {(uint8_t*)":method", (uint8_t*)"GET", 7, 3, NGHTTP2_NV_FLAG_NONE},
            {(uint8_t*)":scheme", (uint8_t*)"https", 7, 5, NGHTTP2_NV_FLAG_NONE},
            {(uint8_t*)":path", (uint8_t*)"/big", 5, 4, NGHTTP2_NV_FLAG_NONE},
            {(uint8_t*)":authority", (uint8_t*)"unused", 10, 6, NGHTTP2_NV_FLAG_NONE},
        };
        QByteArray block(256, Qt::Uninitialized);
        const auto n = nghttp2_hd_deflate_hd(deflater, reinterpret_cast<uint8_t*>(block.data()), block.size(), nv, 4);
        QVERIFY(n > 0);
        block.truncate(n);
        QByteArray frame(9, '\0');
        frame[2] = char(block.size());
        frame[3] = 1;     // HEADERS
        frame[4] = 0x5;   // END_STREAM | END_HEADERS
        frame[5] = char(id >> 24); frame[6] = char(id >> 16); frame[7] = char(id >> 8); frame[8] = char(id);
        h2 += frame + block;
    }
    nghttp2_hd_deflate_del(deflater);
    QByteArray records;
    QVERIFY(raw.codec->seal(h2, records));
    raw.socket.write(records);
    QVERIFY(QTest::qWaitFor([&] { return connection && connection->readingPaused(); }, 5000));
    QVERIFY(connection->session()->activeStreamCount() < 200);  // it stopped taking requests
    // Once the client reads, the server goes on.
    raw.socket.setReadBufferSize(0);
    qint64 received = 0;
    QVERIFY(QTest::qWaitFor([&] { received += raw.socket.readAll().size(); return received > (200ll * (256 << 10)); }, 20000));
}

void TestControlChannel::keyFetchRejectsServerWithoutNoiseKey()
{
    QString error;
    QVERIFY(!ControlClient::parseKeyResponse("{\"legacyPublicKey\":\"mkey:00\"}", &error));
    QCOMPARE(error, QStringLiteral("control server is too old; no noise key"));
    QVERIFY(!ControlClient::parseKeyResponse("{\"publicKey\":\"mkey:" + QByteArray(64, '0') + "\"}", &error));
    QVERIFY(!ControlClient::parseKeyResponse("not json", &error));
    const auto key = crypto::MachinePrivate::generate().publicKey();
    const auto parsed = ControlClient::parseKeyResponse("{\"publicKey\":\"" + key.toString().toLatin1() + "\"}", &error);
    QVERIFY(parsed);
    QCOMPARE(parsed->toString(), key.toString());
}

void TestControlChannel::recordedSessionsReplay_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("1.82.5") << QStringLiteral("real-client-exchange/ts2021-session-1.82.5.json");
    QTest::newRow("1.96.5") << QStringLiteral("real-client-exchange/ts2021-session-1.96.5.json");
}

void TestControlChannel::recordedSessionsReplay()
{
    QFETCH(QString, file);
    QFile f(test::testdataPath(file));
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
    const auto serverKey = crypto::MachinePrivate::parse(QStringLiteral("privkey:") + doc.value(QStringLiteral("server_static_private")).toString());
    const auto ephemeral = crypto::MachinePrivate::parse(QStringLiteral("privkey:") + doc.value(QStringLiteral("server_ephemeral_private")).toString());
    QVERIFY(serverKey && ephemeral);

    // What the client meant: decode its HEADERS (HPACK, one dynamic table for the connection) and
    // pair them with the DATA of the same stream.
    struct Expected { QByteArray method; QByteArray path; QByteArray body; };
    QMap<qint32, Expected> expected;
    nghttp2_hd_inflater* inflater = nullptr;
    QCOMPARE(nghttp2_hd_inflate_new(&inflater), 0);
    for (const QJsonValue& v : doc.value(QStringLiteral("client_http2_frames_after_preface")).toArray()) {
        const QJsonObject frame = v.toObject();
        const qint32 stream = frame.value(QStringLiteral("stream")).toVariant().toInt();
        const QString type = frame.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("HEADERS")) {
            QByteArray block = QByteArray::fromHex(frame.value(QStringLiteral("payload_hex")).toString().toLatin1());
            auto* in = reinterpret_cast<uint8_t*>(block.data());
            size_t left = size_t(block.size());
            for (;;) {
                nghttp2_nv nv;
                int flags = 0;
                const auto used = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, in, left, 1);
                QVERIFY(used >= 0);
                in += used;
                left -= size_t(used);
                if (flags & NGHTTP2_HD_INFLATE_EMIT) {
                    const QByteArray name(reinterpret_cast<const char*>(nv.name), qsizetype(nv.namelen));
                    const QByteArray value(reinterpret_cast<const char*>(nv.value), qsizetype(nv.valuelen));
                    if (name == ":method")
                        expected[stream].method = value;
                    else if (name == ":path")
                        expected[stream].path = value;
                }
                if (flags & NGHTTP2_HD_INFLATE_FINAL) {
                    nghttp2_hd_inflate_end_headers(inflater);
                    break;
                }
                if (used == 0 && left == 0)
                    break;
            }
        } else if (type == QLatin1String("DATA")) {
            expected[stream].body += frame.value(QStringLiteral("body")).toString().toUtf8();
        }
    }
    nghttp2_hd_inflate_del(inflater);
    QVERIFY(expected.size() >= 5);

    test::ChannelFixture fx({}, *serverKey);
    fx.endpoint().setEphemeralKeySourceForTesting([e = *ephemeral] { return e; });
    QMap<qint32, Expected> got;
    ControlContext context;
    fx.endpoint().setHandler([&](const ControlContext& c, const http::Http2Request& r, http::Http2Response resp) {
        context = c;
        got[r.streamId] = {r.method, r.path, r.body};
        DefaultControlHandler::serve(c, r, std::move(resp));
    });
    QVERIFY(fx.listen());

    QByteArray upgrade;
    QJsonObject handshake;
    QByteArray clientBytes;
    for (const QJsonValue& v : doc.value(QStringLiteral("records")).toArray()) {
        const QJsonObject r = v.toObject();
        const QString dir = r.value(QStringLiteral("dir")).toString();
        if (dir == QLatin1String("http") && r.value(QStringLiteral("request_line")).toString().startsWith(QLatin1String("POST /ts2021"))) {
            upgrade = r.value(QStringLiteral("request_line")).toString().toLatin1() + "\r\n";
            const QJsonObject headers = r.value(QStringLiteral("headers")).toObject();
            for (auto it = headers.begin(); it != headers.end(); ++it)
                upgrade += it.key().toLatin1() + ": " + it.value().toString().toLatin1() + "\r\n";
            upgrade += "\r\n";
        } else if (dir == QLatin1String("handshake")) {
            handshake = r;
        } else if (dir == QLatin1String("c2s")) {
            clientBytes += QByteArray::fromHex(r.value(QStringLiteral("record")).toString().toLatin1());
        }
    }
    QVERIFY(!upgrade.isEmpty() && !handshake.isEmpty());

    test::RawClient raw;
    QVERIFY(raw.connect(fx.port()));
    QByteArray head;
    QByteArray rest;
    QVERIFY(raw.exchange(upgrade, &head, &rest, 51));
    QVERIFY2(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head.constData());
    QVERIFY(head.contains("\r\nUpgrade: tailscale-control-protocol\r\n"));
    QCOMPARE(rest.left(51).toHex(), handshake.value(QStringLiteral("response")).toString().toLatin1());

    // The client's records, cut at odd places, through Noise and HTTP/2 to the handler.
    for (qsizetype pos = 0; pos < clientBytes.size(); pos += 977) {
        raw.socket.write(clientBytes.mid(pos, 977));
        raw.socket.flush();
    }
    QVERIFY(QTest::qWaitFor([&] { return got.size() == expected.size(); }, 5000));
    QCOMPARE(got.keys(), expected.keys());
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        QCOMPARE(got[it.key()].method, it->method);
        QCOMPARE(got[it.key()].path, it->path);
        QCOMPARE(got[it.key()].body, it->body);
    }
    QCOMPARE(context.machineKey.toByteArray().toHex(), handshake.value(QStringLiteral("client_machine_pub")).toString().toLatin1());
    QCOMPARE(context.protocolVersion, handshake.value(QStringLiteral("version")).toVariant().toInt());
    QCOMPARE(fx.endpoint().connectionCount(), 1);
}

QTEST_GUILESS_MAIN(TestControlChannel)
#include "tst_controlchannel.moc"
