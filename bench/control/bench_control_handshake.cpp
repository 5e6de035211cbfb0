// Handshakes per second through the whole ts2021 endpoint over loopback TCP: each round is a new
// TCP connection, `POST /ts2021` upgrade, Noise IK, EarlyNoise, HTTP/2 prefaces and one request/
// response, then close. Client and server share one thread of this process, so the figure counts
// both sides' CPU (a real server does half of that work per handshake).
//   bench_control_handshake [connections] [parallel]
#include "ChannelFixture.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSysInfo>
#include <QThread>

#include <cstdio>
#include <ctime>

using namespace keel;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("keel.*.debug=false"));
    const int total = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int parallel = argc > 2 ? std::atoi(argv[2]) : 16;

    test::ChannelFixture fx;
    if (!fx.listen()) {
        std::fprintf(stderr, "cannot listen\n");
        return 1;
    }
    fx.endpoint().setHandler([](const control::ControlContext&, const http::Http2Request&, http::Http2Response r) {
        r.respond(200, {}, "ok");
    });
    const crypto::MachinePublic serverKey = fx.serverKey().publicKey();

    int started = 0;
    int done = 0;
    int failures = 0;
    std::function<void()> startOne = [&] {
        if (started >= total)
            return;
        ++started;
        auto* client = new control::ControlClient(crypto::MachinePrivate::generate());
        auto finishOne = [&, client](bool ok) {
            if (!ok)
                ++failures;
            ++done;
            client->close();
            client->deleteLater();
            if (done == total)
                app.quit();
            else
                startOne();
        };
        QObject::connect(client, &control::ControlClient::failed, client, [finishOne] { finishOne(false); });
        QObject::connect(client, &control::ControlClient::connected, client, [client, finishOne] {
            auto* stream = client->request("POST", "/machine/bench", "{}");
            QObject::connect(stream, &http::Http2ClientStream::finished, client, [finishOne] { finishOne(true); });
            QObject::connect(stream, &http::Http2ClientStream::failed, client, [finishOne] { finishOne(false); });
        });
        client->connectToServer(QStringLiteral("127.0.0.1"), fx.port(), serverKey);
    };

    QElapsedTimer wall;
    wall.start();
    const std::clock_t cpu0 = std::clock();
    for (int i = 0; i < parallel; ++i)
        startOne();
    app.exec();
    const double seconds = wall.nsecsElapsed() / 1e9;
    const double cpuSeconds = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
    std::printf("machine: %s, %d logical CPUs; Qt %s\n", qPrintable(QSysInfo::prettyProductName()),
                QThread::idealThreadCount(), qVersion());
    std::printf("command: %s %d %d\n", argv[0], total, parallel);
    std::printf("%d connections (%d failed), %d in parallel: %.2f s wall, %.2f s CPU\n", total, failures, parallel,
                seconds, cpuSeconds);
    std::printf("full ts2021 connections per second: %.0f wall, %.0f per CPU-second (client+server)\n",
                total / seconds, total / cpuSeconds);
    return failures == 0 ? 0 : 1;
}
