// keel-flood: a flood of ts2021 handshakes from one source address, at a fixed rate, for the
// flood-N measurement of issue 16 (flood-join.sh). Each handshake is a real client's: a new TCP
// connection from --from, `POST /ts2021` with a fresh Noise initiation (a fresh ephemeral key, so
// the server's replay check does not short-cut it), the Noise IK handshake, the HTTP/2 prefaces;
// then the connection is closed without a request, and the next starts on the timer. The server's
// key is fetched once (GET /key), as an attacker would.
//
//   keel-flood --server 127.0.0.1:8080 --from 127.0.0.2 --rate 200 --seconds 30
//
// Prints, every second and at the end: handshakes started, completed, failed, in flight.
#include "control/ControlClient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace keel;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("keel.*.debug=false\nkeel.*.info=false"));
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("A flood of ts2021 handshakes at a fixed rate from one source address."));
    p.addHelpOption();
    p.addOption({QStringLiteral("server"), QStringLiteral("host:port of the control server"), QStringLiteral("addr"), QStringLiteral("127.0.0.1:8080")});
    p.addOption({QStringLiteral("from"), QStringLiteral("source address to bind (another loopback address)"), QStringLiteral("addr"), QStringLiteral("127.0.0.2")});
    p.addOption({QStringLiteral("rate"), QStringLiteral("handshakes started per second"), QStringLiteral("n"), QStringLiteral("100")});
    p.addOption({QStringLiteral("seconds"), QStringLiteral("how long to flood (0: until killed)"), QStringLiteral("s"), QStringLiteral("0")});
    p.addOption({QStringLiteral("max-in-flight"), QStringLiteral("never more handshakes open than this"), QStringLiteral("n"), QStringLiteral("2000")});
    p.process(app);
    const QString server = p.value(QStringLiteral("server"));
    const int colon = int(server.lastIndexOf(QLatin1Char(':')));
    const QString host = server.left(colon);
    const quint16 port = quint16(server.mid(colon + 1).toUInt());
    const double rate = p.value(QStringLiteral("rate")).toDouble();
    const int seconds = p.value(QStringLiteral("seconds")).toInt();
    const int maxInFlight = p.value(QStringLiteral("max-in-flight")).toInt();
    control::ControlClient::Options options;
    options.localAddress = QHostAddress(p.value(QStringLiteral("from")));
    if (colon <= 0 || port == 0 || rate <= 0 || options.localAddress.isNull()) {
        std::fprintf(stderr, "usage: keel-flood --server HOST:PORT --from ADDR --rate N [--seconds S]\n");
        return 2;
    }

    qint64 started = 0, completed = 0, failed = 0, inFlight = 0;
    std::optional<crypto::MachinePublic> serverKey;
    QElapsedTimer clock;
    clock.start();
    const auto report = [&](const char* what) {
        std::printf("%s %.1f s: started %lld, completed %lld, failed %lld, in flight %lld (%.0f completed/s)\n", what,
                    double(clock.elapsed()) / 1000.0, started, completed, failed, inFlight,
                    double(completed) * 1000.0 / double(std::max<qint64>(1, clock.elapsed())));
        std::fflush(stdout);
    };
    const auto startOne = [&] {
        ++started;
        ++inFlight;
        auto* client = new control::ControlClient(crypto::MachinePrivate::generate(), options);
        const auto done = [&, client](bool ok) {
            if (ok)
                ++completed;
            else
                ++failed;
            --inFlight;
            if (ok && !serverKey)
                serverKey = client->serverKey();
            client->disconnect();
            client->close();
            client->deleteLater();
        };
        QObject::connect(client, &control::ControlClient::connected, client, [done] { done(true); });
        QObject::connect(client, &control::ControlClient::failed, client, [done] { done(false); });
        client->connectToServer(host, port, serverKey);
    };
    // A 10 ms tick starts what the rate owes by now (never more than max-in-flight open).
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 owed = qint64(rate * double(clock.elapsed()) / 1000.0);
        while (started < owed && inFlight < maxInFlight && (serverKey || started == 0 || completed + failed > 0))
            startOne();
        if (seconds > 0 && clock.elapsed() >= seconds * 1000LL) {
            report("done");
            QCoreApplication::exit(0);
        }
    });
    tick.start(10);
    QTimer every;
    QObject::connect(&every, &QTimer::timeout, [&] { report("at"); });
    every.start(1000);
    return app.exec();
}
