#include "http/Http2ClientSession.h"
#include "http/Http2ClientStream.h"
#include "http/Http2ServerSession.h"

#include "TestPaths.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <memory>

using namespace keel::http;
using namespace std::chrono_literals;

namespace {

enum class Transport { Pipe, Tcp };

const QByteArray kPreface("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

// One decoded HTTP/2 frame (RFC 9113 §4.1), for checking what a session wrote.
struct Frame
{
    quint8 type = 0;
    quint8 flags = 0;
    qint32 stream = 0;
    QByteArray payload;
};

QList<Frame> parseFrames(const QByteArray& bytes, bool* complete = nullptr)
{
    QList<Frame> frames;
    qsizetype pos = 0;
    while (bytes.size() - pos >= 9) {
        const auto* p = reinterpret_cast<const uchar*>(bytes.constData() + pos);
        const qsizetype length = (qsizetype(p[0]) << 16) | (qsizetype(p[1]) << 8) | p[2];
        if (bytes.size() - pos - 9 < length)
            break;
        Frame f;
        f.type = p[3];
        f.flags = p[4];
        f.stream = qint32(((quint32(p[5]) << 24) | (quint32(p[6]) << 16) | (quint32(p[7]) << 8) | p[8]) & 0x7fffffffu);
        f.payload = bytes.mid(pos + 9, length);
        frames.append(f);
        pos += 9 + length;
    }
    if (complete)
        *complete = pos == bytes.size();
    return frames;
}

QByteArray frameBytes(quint8 type, quint8 flags, quint32 stream, const QByteArray& payload)
{
    QByteArray out;
    out.append(char((payload.size() >> 16) & 0xff));
    out.append(char((payload.size() >> 8) & 0xff));
    out.append(char(payload.size() & 0xff));
    out.append(char(type));
    out.append(char(flags));
    out.append(char((stream >> 24) & 0x7f));
    out.append(char((stream >> 16) & 0xff));
    out.append(char((stream >> 8) & 0xff));
    out.append(char(stream & 0xff));
    return out + payload;
}

quint32 goAwayCode(const QList<Frame>& frames, bool* found)
{
    *found = false;
    for (const Frame& f : frames) {
        if (f.type == 0x7 && f.payload.size() >= 8) {
            *found = true;
            const auto* p = reinterpret_cast<const uchar*>(f.payload.constData() + 4);
            return (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | p[3];
        }
    }
    return 0;
}

QByteArray pseudoRandom(qsizetype size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator rng(seed);
    rng.fillRange(reinterpret_cast<quint32*>(data.data()), size / 4);
    return data;
}

QByteArray sha256(const QByteArray& data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

// A client and a server session joined by an in-memory pipe (queued deliveries, like a socket) or
// by a real TCP connection on 127.0.0.1.
class Link
{
public:
    Link(Transport transport, Http2ServerSession::Handler handler, const Http2ServerSession::Options& options = {})
        : m_transport(transport)
    {
        server = std::make_unique<Http2ServerSession>(std::move(handler), options);
        client = std::make_unique<Http2ClientSession>();
    }

    ~Link()
    {
        client.reset();
        server.reset();
    }

    bool open()
    {
        if (m_transport == Transport::Pipe) {
            pipe(client.get(), server.get());
            pipe(server.get(), client.get());
        } else {
            if (!m_listener.listen(QHostAddress::LocalHost, 0))
                return false;
            m_clientSocket = std::make_unique<QTcpSocket>();
            m_clientSocket->connectToHost(QHostAddress::LocalHost, m_listener.serverPort());
            if (!QTest::qWaitFor([this] { return m_listener.hasPendingConnections(); }, 5000))
                return false;
            m_serverSocket.reset(m_listener.nextPendingConnection());
            m_serverSocket->setParent(nullptr);
            if (!QTest::qWaitFor([this] { return m_clientSocket->state() == QAbstractSocket::ConnectedState; }, 5000))
                return false;
            wire(client.get(), m_clientSocket.get());
            wire(server.get(), m_serverSocket.get());
        }
        server->start();
        client->start();
        return true;
    }

    std::unique_ptr<Http2ServerSession> server;
    std::unique_ptr<Http2ClientSession> client;

private:
    static void pipe(Http2Session* from, Http2Session* to)
    {
        QPointer<Http2Session> target(to);
        QObject::connect(
            from, &Http2Session::outgoing, to, [target](const QByteArray& bytes) { if (target) target->feed(bytes); },
            Qt::QueuedConnection);
        QObject::connect(
            from, &Http2Session::closed, to, [target] { if (target) target->transportClosed(); }, Qt::QueuedConnection);
    }

    static void wire(Http2Session* session, QTcpSocket* socket)
    {
        QObject::connect(session, &Http2Session::outgoing, socket, [socket](const QByteArray& bytes) { socket->write(bytes); });
        QObject::connect(socket, &QTcpSocket::readyRead, session, [session, socket] { session->feed(socket->readAll()); });
        QObject::connect(socket, &QTcpSocket::disconnected, session, [session] { session->transportClosed(); });
        QObject::connect(session, &Http2Session::closed, socket, [socket] { socket->disconnectFromHost(); });
    }

    Transport m_transport;
    QTcpServer m_listener;
    std::unique_ptr<QTcpSocket> m_clientSocket;
    std::unique_ptr<QTcpSocket> m_serverSocket;
};

// Everything a client stream reported.
struct Reply
{
    int status = 0;
    Http2Headers headers;
    QByteArray body;
    QList<QByteArray> chunks;
    bool finished = false;
    bool failed = false;
    quint32 errorCode = 0;

    void attach(Http2ClientStream* stream)
    {
        QObject::connect(stream, &Http2ClientStream::headersReceived, stream, [this](int s, const Http2Headers& h) {
            status = s;
            headers = h;
        });
        QObject::connect(stream, &Http2ClientStream::dataReceived, stream, [this](const QByteArray& chunk) {
            body += chunk;
            chunks.append(chunk);
        });
        QObject::connect(stream, &Http2ClientStream::finished, stream, [this] { finished = true; });
        QObject::connect(stream, &Http2ClientStream::failed, stream, [this](quint32 code, const QString&) {
            failed = true;
            errorCode = code;
        });
    }
    bool done() const { return finished || failed; }
};

// The handler most tests use: echoes what it got.
void echoHandler(const Http2Request& request, Http2Response response)
{
    response.respond(200,
                     {{"x-method", request.method},
                      {"x-path", request.path},
                      {"X-Body-Sha256", sha256(request.body)},
                      {"content-type", "application/octet-stream"}},
                     request.body);
}

// Reads a JSON replay file and returns (method, path, headers, body) of each request the client
// sent, decoded independently of the session under test with nghttp2's HPACK inflater.
struct ExpectedRequest
{
    qint32 stream = 0;
    QByteArray method;
    QByteArray path;
    Http2Headers headers;
    QByteArray body;
};

} // namespace

Q_DECLARE_METATYPE(Transport)

class TestHttp2 : public QObject
{
    Q_OBJECT

private:
    static void addTransports()
    {
        QTest::addColumn<Transport>("transport");
        QTest::newRow("pipe") << Transport::Pipe;
        QTest::newRow("tcp") << Transport::Tcp;
    }

private slots:
    void simpleRequest_data() { addTransports(); }
    void simpleRequest()
    {
        QFETCH(Transport, transport);
        Http2Request seen;
        int calls = 0;
        Link link(transport, [&](const Http2Request& request, Http2Response response) {
            ++calls;
            seen = request;
            echoHandler(request, response);
        });
        QVERIFY(link.open());

        Reply reply;
        const QByteArray body = R"({"Version":115,"NodeKey":"nodekey:00"})";
        reply.attach(link.client->request("POST", "/machine/register?x=1", body,
                                          {{"Content-Type", "application/json"}, {"Ts-Lb", "nodekey:aa"}, {"Ts-Lb", "nodekey:bb"}},
                                          "controlplane.example"));
        QTRY_VERIFY(reply.done());
        QVERIFY(reply.finished);
        QCOMPARE(calls, 1);
        QCOMPARE(seen.method, QByteArray("POST"));
        QCOMPARE(seen.path, QByteArray("/machine/register?x=1"));
        QCOMPARE(seen.authority, QByteArray("controlplane.example"));
        QCOMPARE(seen.scheme, QByteArray("https"));
        QCOMPARE(seen.body, body);
        QCOMPARE(seen.header("content-type"), QByteArray("application/json"));
        QCOMPARE(seen.headerValues("ts-lb"), (QList<QByteArray>{"nodekey:aa", "nodekey:bb"}));
        QCOMPARE(seen.header("content-length"), QByteArray::number(body.size()));

        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, body);
        QCOMPARE(http2HeaderValue(reply.headers, "x-path"), QByteArray("/machine/register?x=1"));
        // Header names go out lower-case whatever the handler wrote.
        QCOMPARE(http2HeaderValue(reply.headers, "x-body-sha256"), sha256(body));
        QVERIFY(std::any_of(reply.headers.cbegin(), reply.headers.cend(),
                            [](const Http2Header& h) { return h.first == "x-body-sha256"; }));
        QCOMPARE(link.server->state(), Http2Session::State::Open);
        QTRY_COMPARE(link.server->activeStreamCount(), 0);
        QCOMPARE(link.client->activeStreamCount(), 0);

        // A GET without a body, then an empty 204.
        Reply second;
        second.attach(link.client->request("GET", "/key?v=115"));
        QTRY_VERIFY(second.done());
        QVERIFY(second.finished);
        QCOMPARE(seen.method, QByteArray("GET"));
        QVERIFY(seen.body.isEmpty());
        QVERIFY(second.body.isEmpty());
    }

    void concurrentStreams_data() { addTransports(); }
    void concurrentStreams()
    {
        QFETCH(Transport, transport);
        int maxActive = 0;
        Http2ServerSession* server = nullptr;
        Link link(transport, [&](const Http2Request& request, Http2Response response) {
            maxActive = std::max(maxActive, server->activeStreamCount());
            // Answer out of order, after a while, so the streams overlap for real.
            const int delay = QRandomGenerator::global()->bounded(5, 60);
            QTimer::singleShot(delay, [request, response]() mutable {
                response.sendHeaders(200, {{"x-path", request.path}});
                response.write(request.body.left(10));
                response.write(request.body.mid(10));
                response.finish();
            });
        });
        server = link.server.get();
        QVERIFY(link.open());

        constexpr int kStreams = 100;
        std::vector<Reply> replies(kStreams);
        for (int i = 0; i < kStreams; ++i) {
            const QByteArray body = "request body number " + QByteArray::number(i) + QByteArray(i * 37, 'x');
            replies[size_t(i)].attach(link.client->request("POST", "/stream/" + QByteArray::number(i), body));
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.cbegin(), replies.cend(), [](const Reply& r) { return r.done(); }), 10000);
        for (int i = 0; i < kStreams; ++i) {
            const Reply& r = replies[size_t(i)];
            QVERIFY2(r.finished, qPrintable(QString::number(i)));
            QCOMPARE(r.status, 200);
            QCOMPARE(http2HeaderValue(r.headers, "x-path"), "/stream/" + QByteArray::number(i));
            QCOMPARE(r.body, "request body number " + QByteArray::number(i) + QByteArray(i * 37, 'x'));
        }
        QVERIFY2(maxActive >= 50, qPrintable(QString::number(maxActive)));
        QTRY_COMPARE(link.server->activeStreamCount(), 0);
        QCOMPARE(link.server->state(), Http2Session::State::Open);
    }

    void largeBodiesBothWays_data() { addTransports(); }
    void largeBodiesBothWays()
    {
        QFETCH(Transport, transport);
        constexpr qsizetype kSize = 10 * 1000 * 1000;
        Http2ServerSession::Options options;
        options.maxRequestBodyBytes = 16 << 20;
        QByteArray received;
        Link link(
            transport,
            [&](const Http2Request& request, Http2Response response) {
                received = request.body;
                // A different 10 MB back, in 1 MB writes: flow control must pace it.
                const QByteArray answer = pseudoRandom(kSize, 2);
                response.sendHeaders(200);
                for (qsizetype off = 0; off < answer.size(); off += 1 << 20)
                    response.write(answer.mid(off, 1 << 20));
                response.finish();
            },
            options);
        QVERIFY(link.open());

        const QByteArray upload = pseudoRandom(kSize, 1);
        Reply reply;
        reply.attach(link.client->request("POST", "/upload", upload));
        QTRY_VERIFY_WITH_TIMEOUT(reply.done(), 60000);
        QVERIFY(reply.finished);
        QCOMPARE(received.size(), kSize);
        QCOMPARE(sha256(received), sha256(upload));
        QCOMPARE(reply.body.size(), kSize);
        QCOMPARE(sha256(reply.body), sha256(pseudoRandom(kSize, 2)));
        // The windows are far smaller than 10 MB, so the body cannot have come in one piece.
        QVERIFY(reply.chunks.size() > 100);
    }

    void requestBodyLimit_data() { addTransports(); }
    void requestBodyLimit()
    {
        QFETCH(Transport, transport);
        Http2ServerSession::Options options;
        options.maxRequestBodyBytes = 1000;
        int calls = 0;
        Link link(
            transport,
            [&](const Http2Request& request, Http2Response response) {
                ++calls;
                echoHandler(request, response);
            },
            options);
        QVERIFY(link.open());

        // With a content-length over the limit (rejected at the headers) ...
        Reply big;
        big.attach(link.client->request("POST", "/machine/map", QByteArray(5000, 'a')));
        // ... and without one (rejected while the DATA arrives).
        Reply chunked;
        chunked.attach(link.client->request("POST", "/machine/map", QByteArray(200000, 'b'), {{"content-length", "200000"}}));
        Reply unlabelled;
        QByteArray body(3000, 'c');
        unlabelled.attach(link.client->request("POST", "/x", body, {{"x-no-length", "1"}, {"content-length", "10"}}));
        QTRY_VERIFY(big.done() && chunked.done() && unlabelled.done());
        QCOMPARE(big.status, 413);
        QVERIFY(big.finished);
        QVERIFY2(chunked.status == 413, qPrintable(QStringLiteral("status %1 failed %2 code %3")
                                                       .arg(chunked.status).arg(chunked.failed).arg(chunked.errorCode)));
        // A lying content-length is a stream error (nghttp2's HTTP messaging check): reset, no crash.
        QVERIFY(unlabelled.failed || unlabelled.status == 413);
        QCOMPARE(calls, 0);

        // The session is unaffected.
        Reply ok;
        ok.attach(link.client->request("POST", "/fine", QByteArray(1000, 'd')));
        QTRY_VERIFY(ok.done());
        QVERIFY(ok.finished);
        QCOMPARE(ok.status, 200);
        QCOMPARE(calls, 1);
        QCOMPARE(link.server->state(), Http2Session::State::Open);
    }

    void bodyOverLimitWithoutContentLength()
    {
        // The client API always labels bodies, so write the frames by hand: HEADERS without
        // content-length, then DATA past the limit.
        Http2ServerSession::Options options;
        options.maxRequestBodyBytes = 100;
        int calls = 0;
        Http2ServerSession server([&](const Http2Request&, Http2Response response) { ++calls; response.respond(200); },
                                  options);
        QByteArray out;
        connect(&server, &Http2Session::outgoing, this, [&](const QByteArray& b) { out += b; });
        // HPACK: :method POST (0x83), :scheme https (0x87), :path / (0x84), :authority literal "a".
        const QByteArray headerBlock = QByteArray::fromHex("838784") + QByteArray::fromHex("4101") + "a";
        server.feed(kPreface + frameBytes(0x4, 0, 0, {}) + frameBytes(0x1, 0x4, 1, headerBlock)
                    + frameBytes(0x0, 0, 1, QByteArray(80, 'x')) + frameBytes(0x0, 0x1, 1, QByteArray(80, 'y')));
        QCOMPARE(calls, 0);
        bool complete = false;
        const QList<Frame> frames = parseFrames(out, &complete);
        QVERIFY(complete);
        bool sawStatus = false;
        for (const Frame& f : frames) {
            if (f.type == 0x1 && f.stream == 1)
                sawStatus = (f.flags & 0x1) != 0; // a header-only response
        }
        QVERIFY(sawStatus);
        QVERIFY(!server.isClosed());
    }

    void streamingResponse_data() { addTransports(); }
    void streamingResponse()
    {
        QFETCH(Transport, transport);
        QElapsedTimer clock;
        clock.start();
        QList<qint64> writtenAt;
        QList<qint64> receivedAt;
        Link link(transport, [&](const Http2Request&, Http2Response response) {
            response.sendHeaders(200);
            auto* timer = new QTimer;
            timer->setInterval(50);
            QObject::connect(timer, &QTimer::timeout, [&writtenAt, &clock, response, timer]() mutable {
                if (writtenAt.size() == 5) {
                    response.finish();
                    timer->deleteLater();
                    return;
                }
                // A map message: little-endian length prefix, then JSON.
                const QByteArray json = R"({"KeepAlive":true,"Seq":)" + QByteArray::number(writtenAt.size()) + "}";
                QByteArray frame(4, '\0');
                qToLittleEndian<quint32>(quint32(json.size()), frame.data());
                writtenAt.append(clock.elapsed());
                response.write(frame + json);
            });
            timer->start();
        });
        QVERIFY(link.open());

        Reply reply;
        Http2ClientStream* stream = link.client->request("POST", "/machine/map", R"({"Stream":true})");
        reply.attach(stream);
        connect(stream, &Http2ClientStream::dataReceived, this, [&] { receivedAt.append(clock.elapsed()); });
        QTRY_VERIFY_WITH_TIMEOUT(reply.done(), 5000);
        QVERIFY(reply.finished);
        QCOMPARE(reply.chunks.size(), 5);
        for (int i = 0; i < 5; ++i) {
            const QByteArray& chunk = reply.chunks[i];
            QCOMPARE(qFromLittleEndian<quint32>(chunk.constData()), quint32(chunk.size() - 4));
            QVERIFY(chunk.endsWith(":" + QByteArray::number(i) + "}"));
        }
        // Each message reached the client before the next one was written: nothing was held back.
        for (int i = 0; i + 1 < 5; ++i)
            QVERIFY2(receivedAt[i] <= writtenAt[i + 1], qPrintable(QStringLiteral("%1: %2 > %3").arg(i).arg(receivedAt[i]).arg(writtenAt[i + 1])));
    }

    void clientCancelsMidResponse_data() { addTransports(); }
    void clientCancelsMidResponse()
    {
        QFETCH(Transport, transport);
        Http2Response kept;
        quint32 closeCode = 0xffff;
        int writesAfterClose = 0;
        bool closedSeen = false;
        std::unique_ptr<QTimer> ticker;
        Link link(transport, [&](const Http2Request& request, Http2Response response) {
            if (request.path != "/machine/map") {
                echoHandler(request, response);
                return;
            }
            kept = response;
            response.setCloseHandler([&](quint32 code) {
                closedSeen = true;
                closeCode = code;
            });
            response.sendHeaders(200);
            ticker = std::make_unique<QTimer>();
            ticker->setInterval(10);
            QObject::connect(ticker.get(), &QTimer::timeout, [&, response]() mutable {
                if (!response.write("tick"))
                    ++writesAfterClose;
            });
            ticker->start();
        });
        QVERIFY(link.open());

        Reply reply;
        QPointer<Http2ClientStream> stream = link.client->request("POST", "/machine/map", "{}");
        reply.attach(stream);
        QTRY_VERIFY(reply.chunks.size() >= 3);
        stream->cancel();
        QTRY_VERIFY(closedSeen);
        QCOMPARE(closeCode, quint32(0x8)); // CANCEL
        QTRY_VERIFY(writesAfterClose >= 3); // the handler keeps writing: no-ops, no crash
        QVERIFY(!kept.isOpen());
        QVERIFY(!kept.write("late"));
        QVERIFY(!kept.finish());
        QCOMPARE(kept.pendingBytes(), 0);
        QVERIFY(!reply.finished && !reply.failed); // no signal after cancel()
        QTRY_VERIFY(stream.isNull());              // and the stream object went away
        QCOMPARE(link.server->activeStreamCount(), 0);

        // The connection carries on.
        Reply next;
        next.attach(link.client->request("POST", "/other", "abc"));
        QTRY_VERIFY(next.done());
        QCOMPARE(next.body, QByteArray("abc"));
        ticker.reset();
    }

    void gracefulShutdown_data() { addTransports(); }
    void gracefulShutdown()
    {
        QFETCH(Transport, transport);
        Http2Response longPoll;
        Link link(transport, [&](const Http2Request& request, Http2Response response) {
            if (request.path == "/machine/map") {
                longPoll = response;
                response.sendHeaders(200);
                response.write("first");
                return;
            }
            echoHandler(request, response);
        });
        QVERIFY(link.open());
        Reply poll;
        poll.attach(link.client->request("POST", "/machine/map", "{}"));
        QTRY_COMPARE(poll.body, QByteArray("first"));

        bool serverClosed = false;
        bool clientClosed = false;
        connect(link.server.get(), &Http2Session::closed, this, [&] { serverClosed = true; });
        connect(link.client.get(), &Http2Session::closed, this, [&] { clientClosed = true; });
        link.server->shutdown();
        QTRY_VERIFY(link.client->goAwayReceived());
        QCOMPARE(link.client->goAwayErrorCode(), 0u);
        QCOMPARE(link.server->state(), Http2Session::State::Draining);
        // No new streams on a draining connection ...
        Reply refused;
        refused.attach(link.client->request("GET", "/late"));
        QTRY_VERIFY(refused.done());
        QVERIFY(refused.failed);
        // ... but the running one finishes normally, and then both ends close.
        QVERIFY(!serverClosed);
        QVERIFY(longPoll.write("second"));
        QVERIFY(longPoll.finish());
        QTRY_VERIFY(poll.done());
        QVERIFY(poll.finished);
        QCOMPARE(poll.body, QByteArray("firstsecond"));
        QTRY_VERIFY(serverClosed);
        QTRY_VERIFY(clientClosed);
        QVERIFY(link.server->errorString().isEmpty());
        QVERIFY(link.client->errorString().isEmpty());
    }

    void shutdownGraceThenAbort()
    {
        Http2Response longPoll;
        quint32 closeCode = 0xffff;
        Link link(Transport::Pipe, [&](const Http2Request&, Http2Response response) {
            longPoll = response;
            response.setCloseHandler([&](quint32 code) { closeCode = code; });
            response.sendHeaders(200);
        });
        QVERIFY(link.open());
        Reply poll;
        poll.attach(link.client->request("POST", "/machine/map", "{}"));
        QTRY_VERIFY(longPoll.isOpen());
        link.server->shutdown(50ms);
        QTRY_VERIFY(link.server->isClosed());
        QTRY_VERIFY(poll.done());
        QVERIFY(poll.failed);
        QCOMPARE(closeCode, quint32(0x8));
        QVERIFY(!longPoll.write("x"));
        QTRY_VERIFY(link.client->isClosed());
    }

    void immediateAbort_data() { addTransports(); }
    void immediateAbort()
    {
        QFETCH(Transport, transport);
        Http2Response longPoll;
        bool closeHandlerRan = false;
        Link link(transport, [&](const Http2Request&, Http2Response response) {
            longPoll = response;
            response.setCloseHandler([&](quint32) { closeHandlerRan = true; });
            response.sendHeaders(200);
            response.write("x");
        });
        QVERIFY(link.open());
        Reply poll;
        poll.attach(link.client->request("POST", "/machine/map", "{}"));
        QTRY_COMPARE(poll.body, QByteArray("x"));
        link.server->abort();
        QVERIFY(link.server->isClosed());
        QVERIFY(closeHandlerRan);
        QVERIFY(!longPoll.isOpen());
        QVERIFY(!longPoll.write("y"));
        QTRY_VERIFY(poll.done());
        QVERIFY(poll.failed);
        QTRY_VERIFY(link.client->isClosed());
        QVERIFY(link.client->goAwayReceived());
        // Feeding a closed session is harmless.
        link.server->feed(QByteArray("more bytes"));
        QVERIFY(link.server->isClosed());
    }

    void idleTimeout_data() { addTransports(); }
    void idleTimeout()
    {
        QFETCH(Transport, transport);
        Http2ServerSession::Options options;
        options.idleTimeout = 150ms;
        Http2Response longPoll;
        Link link(
            transport,
            [&](const Http2Request& request, Http2Response response) {
                if (request.path == "/machine/map") {
                    longPoll = response;
                    response.sendHeaders(200);
                    return;
                }
                echoHandler(request, response);
            },
            options);
        bool timedOut = false;
        connect(link.server.get(), &Http2ServerSession::idleTimedOut, this, [&] { timedOut = true; });
        QVERIFY(link.open());

        // A stream that stays open is not idleness, even without a byte for a while.
        Reply poll;
        poll.attach(link.client->request("POST", "/machine/map", "{}"));
        QTRY_VERIFY(longPoll.isOpen());
        QTest::qWait(400);
        QVERIFY(!timedOut);
        QCOMPARE(link.server->state(), Http2Session::State::Open);
        longPoll.finish();
        QTRY_VERIFY(poll.done());

        // Now nothing runs: GOAWAY after the timeout, and both sides close cleanly.
        QElapsedTimer since;
        since.start();
        QTRY_VERIFY_WITH_TIMEOUT(timedOut, 3000);
        QVERIFY(since.elapsed() >= 100);
        QTRY_VERIFY(link.server->isClosed());
        QTRY_VERIFY(link.client->goAwayReceived());
        QTRY_VERIFY(link.client->isClosed());
        QVERIFY(link.server->errorString().isEmpty());
    }

    void garbageInput_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<quint32>("expectedCode");
        QTest::newRow("http1") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << 0x1u;
        QTest::newRow("bad preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n") << 0x1u;
        QTest::newRow("binary") << pseudoRandom(4096, 7) << 0x1u;
        // Valid preface, then a SETTINGS frame whose length is not a multiple of 6.
        QTest::newRow("settings size") << kPreface + frameBytes(0x4, 0, 0, QByteArray(5, '\0')) << 0x6u;
        // The first frame after the preface must be SETTINGS.
        QTest::newRow("no settings") << kPreface + frameBytes(0x6, 0, 0, QByteArray(8, '\0')) << 0x1u;
        // DATA on stream 0.
        QTest::newRow("data on stream 0") << kPreface + frameBytes(0x4, 0, 0, {}) + frameBytes(0x0, 0, 0, "x") << 0x1u;
        // A frame bigger than SETTINGS_MAX_FRAME_SIZE.
        QTest::newRow("oversized frame") << kPreface + frameBytes(0x4, 0, 0, {}) + frameBytes(0x0, 0, 1, QByteArray(20000, 'z')) << 0x6u;
        // HEADERS with an HPACK index that does not exist.
        QTest::newRow("bad hpack") << kPreface + frameBytes(0x4, 0, 0, {}) + frameBytes(0x1, 0x5, 1, QByteArray::fromHex("ff7f")) << 0x9u;
        // WINDOW_UPDATE overflowing the connection window.
        QTest::newRow("window overflow") << kPreface + frameBytes(0x4, 0, 0, {}) + frameBytes(0x8, 0, 0, QByteArray::fromHex("7fffffff")) << 0x3u;
    }
    void garbageInput()
    {
        QFETCH(QByteArray, input);
        QFETCH(quint32, expectedCode);
        int calls = 0;
        Http2ServerSession victim([&](const Http2Request&, Http2Response r) { ++calls; r.respond(200); });
        QByteArray out;
        QString error;
        int closedCount = 0;
        connect(&victim, &Http2Session::outgoing, this, [&](const QByteArray& b) { out += b; });
        connect(&victim, &Http2Session::errorOccurred, this, [&](const QString& e) { error = e; });
        connect(&victim, &Http2Session::closed, this, [&] { ++closedCount; });

        // A healthy neighbour on the same thread must not notice.
        Link neighbour(Transport::Pipe, echoHandler);
        QVERIFY(neighbour.open());

        victim.feed(input);
        QVERIFY(victim.isClosed());
        QCOMPARE(closedCount, 1);
        QVERIFY2(!error.isEmpty(), "a protocol error must be reported");
        QCOMPARE(victim.errorString(), error);
        bool complete = false;
        const QList<Frame> frames = parseFrames(out, &complete);
        QVERIFY(complete);
        bool found = false;
        QCOMPARE(goAwayCode(frames, &found), expectedCode);
        QVERIFY(found);
        QCOMPARE(victim.goAwayErrorCode(), expectedCode);
        QCOMPARE(calls, 0);

        // Nothing more happens on a closed session.
        out.clear();
        victim.feed(kPreface);
        victim.start();
        QVERIFY(out.isEmpty());
        QCOMPARE(closedCount, 1);

        Reply reply;
        reply.attach(neighbour.client->request("POST", "/still/fine", "ok"));
        QTRY_VERIFY(reply.done());
        QCOMPARE(reply.body, QByteArray("ok"));
    }

    void randomGarbageNeverCrashes()
    {
        // Many random inputs after a valid preface: every one ends in a GOAWAY or is tolerated.
        QRandomGenerator rng(42);
        for (int round = 0; round < 300; ++round) {
            Http2ServerSession session([](const Http2Request&, Http2Response r) { r.respond(200, {}, "x"); });
            QByteArray out;
            connect(&session, &Http2Session::outgoing, this, [&](const QByteArray& b) { out += b; });
            QByteArray input = kPreface + frameBytes(0x4, 0, 0, {});
            const int frames = rng.bounded(1, 8);
            for (int f = 0; f < frames; ++f) {
                const QByteArray payload = pseudoRandom(rng.bounded(0, 64) * 4, rng.generate());
                input += frameBytes(quint8(rng.bounded(0, 11)), quint8(rng.bounded(0, 256)), rng.bounded(0, 8), payload);
            }
            // In pieces of random size, as a transport would deliver them.
            for (qsizetype pos = 0; pos < input.size();) {
                const qsizetype n = rng.bounded(1, 100);
                session.feed(QByteArrayView(input).sliced(pos, std::min(n, input.size() - pos)));
                pos += n;
            }
            bool complete = false;
            parseFrames(out, &complete);
            QVERIFY(complete);
            // Unless the peer itself said GOAWAY, an error closes with our GOAWAY on the wire.
            if (session.isClosed() && !session.errorString().isEmpty() && !session.goAwayReceived()) {
                bool found = false;
                goAwayCode(parseFrames(out), &found);
                QVERIFY2(found, qPrintable(session.errorString()));
            }
        }
    }

    void peerGoAwayWithErrorIsReported()
    {
        Http2ClientSession client;
        QByteArray out;
        QString error;
        connect(&client, &Http2Session::outgoing, this, [&](const QByteArray& b) { out += b; });
        connect(&client, &Http2Session::errorOccurred, this, [&](const QString& e) { error = e; });
        client.start();
        QVERIFY(out.startsWith(kPreface));
        // Server preface, then GOAWAY(ENHANCE_YOUR_CALM) with debug data.
        client.feed(frameBytes(0x4, 0, 0, {}) + frameBytes(0x7, 0, 0, QByteArray::fromHex("000000000000000b") + "slow down"));
        QVERIFY(client.isClosed());
        QVERIFY(client.goAwayReceived());
        QCOMPARE(client.goAwayErrorCode(), 0xbu);
        QVERIFY2(error.contains("slow down"), qPrintable(error));
    }

    void realClientReplay_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("split"); // 0: all at once, 1: record by record, 2: byte by byte
        for (const char* file : {"real-client-exchange/ts2021-session-1.82.5.json", "real-client-exchange/ts2021-session-1.96.5.json"}) {
            const QString name = QString::fromLatin1(file).section('-', -1);
            QTest::newRow(qPrintable(name + " whole")) << QString::fromLatin1(file) << 0;
            QTest::newRow(qPrintable(name + " records")) << QString::fromLatin1(file) << 1;
            QTest::newRow(qPrintable(name + " bytes")) << QString::fromLatin1(file) << 2;
        }
    }
    void realClientReplay()
    {
        QFETCH(QString, file);
        QFETCH(int, split);
        QFile f(keel::test::testdataPath(file));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(!root.isEmpty());

        QList<QByteArray> records;
        for (const QJsonValue& v : root.value("records").toArray()) {
            const QJsonObject r = v.toObject();
            if (r.value("dir").toString() == "c2s")
                records.append(QByteArray::fromHex(r.value("plaintext").toString().toLatin1()));
        }
        QVERIFY(records.size() > 10);
        QVERIFY(records.first().startsWith(kPreface));

        const QList<ExpectedRequest> expected = expectedRequests(root.value("client_http2_frames_after_preface").toArray());
        QVERIFY(expected.size() >= 6);
        QVERIFY(!QTest::currentTestFailed());

        QList<Http2Request> seen;
        QList<Http2Response> open;
        Http2ServerSession server([&](const Http2Request& request, Http2Response response) {
            seen.append(request);
            // Plausible answers: register gets a RegisterResponse, a streaming map gets a
            // keep-alive and stays open, everything else an empty JSON object.
            if (request.path == "/machine/register") {
                response.respond(200, {{"content-type", "application/json"}}, R"({"MachineAuthorized":true})");
            } else if (request.path == "/machine/map" && request.body.contains(R"("Stream":true)")) {
                const QByteArray json = R"({"KeepAlive":true})";
                QByteArray msg(4, '\0');
                qToLittleEndian<quint32>(quint32(json.size()), msg.data());
                response.sendHeaders(200);
                response.write(msg + json);
                open.append(response);
            } else {
                response.respond(200, {{"content-type", "application/json"}}, "{}");
            }
        });
        QByteArray out;
        QString error;
        connect(&server, &Http2Session::outgoing, this, [&](const QByteArray& b) { out += b; });
        connect(&server, &Http2Session::errorOccurred, this, [&](const QString& e) { error = e; });
        server.start();

        const QByteArray all = records.join();
        if (split == 0) {
            server.feed(all);
        } else if (split == 1) {
            for (const QByteArray& r : records)
                server.feed(r);
        } else {
            for (qsizetype i = 0; i < all.size(); ++i)
                server.feed(QByteArrayView(all).sliced(i, 1));
        }

        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!server.isClosed());
        QCOMPARE(seen.size(), expected.size());
        for (qsizetype i = 0; i < seen.size(); ++i) {
            const Http2Request& got = seen[i];
            const ExpectedRequest& want = expected[i];
            QCOMPARE(got.streamId, want.stream);
            QCOMPARE(got.method, want.method);
            QCOMPARE(got.path, want.path);
            QCOMPARE(got.body, want.body);
            QCOMPARE(got.headers, want.headers);
        }
        // What the clients sent, spelled out (register, then maps and health reports).
        QCOMPARE(seen.first().path, QByteArray("/machine/register"));
        QVERIFY(std::any_of(seen.cbegin(), seen.cend(), [](const Http2Request& r) { return r.path == "/machine/map"; }));

        // Our answers are well-formed frames: SETTINGS, SETTINGS ACK, a PING ACK per client PING.
        bool complete = false;
        const QList<Frame> frames = parseFrames(out, &complete);
        QVERIFY(complete);
        QVERIFY(!frames.isEmpty());
        QCOMPARE(frames.first().type, quint8(0x4));
        QVERIFY(std::any_of(frames.cbegin(), frames.cend(), [](const Frame& fr) { return fr.type == 0x4 && fr.flags == 0x1; }));
        int clientPings = 0;
        for (const QByteArray& r : records)
            for (const Frame& fr : parseFrames(r.startsWith(kPreface) ? r.mid(kPreface.size()) : r))
                clientPings += fr.type == 0x6 && !(fr.flags & 0x1);
        const auto pingAcks = std::count_if(frames.cbegin(), frames.cend(), [](const Frame& fr) { return fr.type == 0x6 && fr.flags == 0x1; });
        QCOMPARE(int(pingAcks), clientPings);
        // The client reset the streaming map at the end; its response handle is now a no-op.
        QVERIFY(!open.isEmpty());
        QVERIFY(!open.first().write("late"));
    }

private:
    static QList<ExpectedRequest> expectedRequests(const QJsonArray& frames)
    {
        QList<ExpectedRequest> done;
        QHash<qint32, ExpectedRequest> pending;
        nghttp2_hd_inflater* inflater = nullptr;
        if (nghttp2_hd_inflate_new(&inflater) != 0)
            return {};
        for (const QJsonValue& v : frames) {
            const QJsonObject fr = v.toObject();
            const QString type = fr.value("type").toString();
            const qint32 stream = fr.value("stream").toInt();
            const int flags = fr.value("flags").toInt();
            if (type == "HEADERS") {
                ExpectedRequest& req = pending[stream];
                req.stream = stream;
                QByteArray block = QByteArray::fromHex(fr.value("payload_hex").toString().toLatin1());
                if (block.size() != fr.value("length").toInt())
                    qWarning("HEADERS payload not complete in the fixture");
                const auto* in = reinterpret_cast<const uint8_t*>(block.constData());
                size_t left = size_t(block.size());
                for (;;) {
                    nghttp2_nv nv;
                    int inflateFlags = 0;
                    const ssize_t used = nghttp2_hd_inflate_hd2(inflater, &nv, &inflateFlags, in, left, 1);
                    if (used < 0) {
                        qWarning("HPACK error in the fixture");
                        break;
                    }
                    in += used;
                    left -= size_t(used);
                    if (inflateFlags & NGHTTP2_HD_INFLATE_EMIT) {
                        const QByteArray name(reinterpret_cast<const char*>(nv.name), qsizetype(nv.namelen));
                        const QByteArray value(reinterpret_cast<const char*>(nv.value), qsizetype(nv.valuelen));
                        if (name == ":method")
                            req.method = value;
                        else if (name == ":path")
                            req.path = value;
                        else if (!name.startsWith(':'))
                            req.headers.append({name, value});
                    }
                    if (inflateFlags & NGHTTP2_HD_INFLATE_FINAL) {
                        nghttp2_hd_inflate_end_headers(inflater);
                        break;
                    }
                    if (used == 0 && left == 0)
                        break;
                }
            } else if (type == "DATA") {
                pending[stream].body += fr.value("body").toString().toUtf8();
            } else {
                continue;
            }
            if (flags & 0x1)
                done.append(pending.take(stream));
        }
        nghttp2_hd_inflate_del(inflater);
        return done;
    }
};

QTEST_GUILESS_MAIN(TestHttp2)
#include "tst_http2.moc"
