// Our ControlClient against a real `keel serve` process over loopback TCP: /key, the upgrade,
// the Noise handshake, EarlyNoise, and HTTP/2 requests answered by the server's control handler.
#include "../e2e/KeelProcess.h"

#include "control/ControlClient.h"
#include "http/Http2ClientStream.h"

#include <QTest>

using namespace keel;

class TestControlE2e : public QObject
{
    Q_OBJECT

private slots:
    void clientAgainstKeelServe();
};

void TestControlE2e::clientAgainstKeelServe()
{
    test::KeelProcess keel;
    keel.writeConfig();
    QString error;
    QVERIFY2(keel.start(true, &error), qPrintable(error + '\n' + keel.serverLog()));

    const crypto::MachinePrivate machine = crypto::MachinePrivate::generate();
    control::ControlClient client(machine);
    client.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] {
        return client.state() == control::ControlClient::State::Connected || client.state() == control::ControlClient::State::Failed;
    }, 15000));
    QVERIFY2(client.state() == control::ControlClient::State::Connected, qPrintable(client.errorString()));
    QVERIFY(!client.serverKey().isZero());
    QVERIFY(client.hadEarlyPayload());
    QVERIFY(!client.challenge().isZero());

    // An endpoint nobody implements answers the way Headscale does; an unknown path is 404.
    int status = 0;
    QByteArray body;
    bool done = false;
    auto* stream = client.request("GET", "/machine/whoami");
    QObject::connect(stream, &http::Http2ClientStream::headersReceived, stream, [&](int s, const http::Http2Headers&) { status = s; });
    QObject::connect(stream, &http::Http2ClientStream::dataReceived, stream, [&](const QByteArray& c) { body += c; });
    QObject::connect(stream, &http::Http2ClientStream::finished, stream, [&] { done = true; });
    QObject::connect(stream, &http::Http2ClientStream::failed, stream, [&] { done = true; });
    QVERIFY(QTest::qWaitFor([&] { return done; }, 10000));
    QCOMPARE(status, 501);

    int unknownStatus = 0;
    bool unknownDone = false;
    auto* unknown = client.request("POST", "/definitely/not/a/path", "{}");
    QObject::connect(unknown, &http::Http2ClientStream::headersReceived, unknown, [&](int s, const http::Http2Headers&) { unknownStatus = s; });
    QObject::connect(unknown, &http::Http2ClientStream::finished, unknown, [&] { unknownDone = true; });
    QObject::connect(unknown, &http::Http2ClientStream::failed, unknown, [&] { unknownDone = true; });
    QVERIFY(QTest::qWaitFor([&] { return unknownDone; }, 10000));
    QCOMPARE(unknownStatus, 404);

    // The server survives a client that vanishes, and takes the next one.
    client.close();
    control::ControlClient second(crypto::MachinePrivate::generate());
    second.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] { return second.state() == control::ControlClient::State::Connected; }, 15000));
    keel.stop();
}

QTEST_GUILESS_MAIN(TestControlE2e)
#include "tst_controle2e.moc"
