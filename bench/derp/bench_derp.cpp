// DERP relay and STUN load generator.
//
//   bench_derp [--clients N] [--size BYTES] [--seconds S] [--url http://host:port/derp] [--server-pid PID]
//              [--websocket]
//   bench_derp --serve [--port P]
//   bench_derp --stun [--seconds S]
//
// --serve runs only Keel's relay (plain HTTP on 127.0.0.1:P) until killed, so a second bench_derp
// with --url and --server-pid loads it from another process: then the CPU time is the server's
// alone, not shared with the load generator's threads.
// Without --url it starts Keel's DerpServer on 127.0.0.1 in its own thread and reports figures per
// second of that thread's CPU time ("per core"). With --url it loads any DERP server speaking the
// public protocol (e.g. derper --dev, plain HTTP) and, given --server-pid, divides by that
// process's CPU time read from /proc. Client i sends to client (i+1) mod N, each keeping a bounded
// backlog in its socket, so the relay is the bottleneck, not the generator's pacing.
#include "derp/DerpClient.h"
#include "derp/DerpServer.h"
#include "derp/StunPacket.h"
#include "derp/StunServer.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHostInfo>
#include <QNetworkDatagram>
#include <QThread>
#include <QTimer>
#include <QUdpSocket>

#include <ctime>
#include <functional>
#include <memory>
#include <unistd.h>
#include <vector>

using namespace keel;
using namespace keel::derp;

namespace {

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double processCpuSeconds(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = f.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return double(fields[11].toLongLong() + fields[12].toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

// Keel's relay (or STUN server) living on its own thread.
class Host : public QObject
{
public:
    void startDerp(quint16 listenPort = 0)
    {
        m_server = std::make_unique<DerpServer>(crypto::NodePrivate::generate());
        DerpServer::Options options;
        options.writeTimeoutMs = 10000;
        m_server->setOptions(options);
        m_server->registerRoutes(m_router);
        m_http = std::make_unique<http::HttpServer>(m_router);
        QString error;
        if (!m_http->listen(QStringLiteral("127.0.0.1:%1").arg(listenPort), &error))
            qFatal("%s", qPrintable(error));
        port = m_http->tcpPort();
    }
    void startStun()
    {
        m_stun = std::make_unique<StunServer>();
        QString error;
        if (!m_stun->start(QStringLiteral("127.0.0.1:0"), &error))
            qFatal("%s", qPrintable(error));
        port = m_stun->port();
    }
    void stop()
    {
        if (m_server)
            stats = m_server->stats();
        m_http.reset();
        m_server.reset();
        m_stun.reset();
    }
    void sampleCpu() { cpu = threadCpuSeconds(); }

    quint16 port = 0;
    double cpu = 0;
    DerpStats stats;

private:
    http::Router m_router;
    std::unique_ptr<DerpServer> m_server;
    std::unique_ptr<http::HttpServer> m_http;
    std::unique_ptr<StunServer> m_stun;
};

QString machine()
{
    QFile f(QStringLiteral("/proc/cpuinfo"));
    QString model;
    if (f.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : f.readAll().split('\n')) {
            if (line.startsWith("model name")) {
                model = QString::fromUtf8(line.mid(line.indexOf(':') + 2));
                break;
            }
        }
    }
    return QStringLiteral("%1, %2 cores, %3").arg(model).arg(QThread::idealThreadCount()).arg(QHostInfo::localHostName());
}

double cpuOf(Host* host, QThread* thread, qint64 pid)
{
    if (pid > 0)
        return processCpuSeconds(pid);
    if (!host)
        return 0;
    QMetaObject::invokeMethod(host, [host] { host->sampleCpu(); }, thread == QThread::currentThread() ? Qt::DirectConnection : Qt::BlockingQueuedConnection);
    return host->cpu;
}

int serveDerp(quint16 port)
{
    Host host;
    host.startDerp(port);
    printf("serving http://127.0.0.1:%u/derp pid %lld\n", unsigned(host.port), qint64(QCoreApplication::applicationPid()));
    fflush(stdout);
    return QCoreApplication::exec();
}

int runDerp(const QUrl& externalUrl, qint64 pid, int clients, int size, int seconds, bool webSocket)
{
    QThread thread;
    std::unique_ptr<Host> host;
    QUrl url = externalUrl;
    if (url.isEmpty()) {
        host = std::make_unique<Host>();
        host->moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(host.get(), [&] { host->startDerp(); }, Qt::BlockingQueuedConnection);
        url = QUrl(QStringLiteral("%1://127.0.0.1:%2/derp").arg(webSocket ? QStringLiteral("ws") : QStringLiteral("http")).arg(host->port));
    }

    std::vector<std::unique_ptr<DerpClient>> peers;
    std::vector<crypto::NodePublic> keys;
    // Flow control: sender i keeps at most Window packets in flight towards client i+1 (sent but
    // not yet received), below the relay's queue depth, so the figures measure relaying and not
    // drops; a real WireGuard sender is paced by its peer the same way.
    std::vector<quint64> sent(size_t(clients), 0), got(size_t(clients), 0);
    std::vector<std::function<void()>> fills;
    fills.resize(size_t(clients));
    quint64 received = 0, receivedBytes = 0;
    int connected = 0, failed = 0;
    bool sending = false;
    const QByteArray packet(size, 'w');
    constexpr qint64 Backlog = 64 * 1024;
    constexpr quint64 Window = 24;
    for (int i = 0; i < clients; ++i) {
        auto c = std::make_unique<DerpClient>(crypto::NodePrivate::generate());
        keys.push_back(c->publicKey());
        QObject::connect(c.get(), &DerpClient::connected, [&] { ++connected; });
        QObject::connect(c.get(), &DerpClient::disconnected, [&](const QString& why) {
            ++failed;
            qWarning() << "client closed:" << why;
        });
        const size_t from = size_t((i + clients - 1) % clients);
        QObject::connect(c.get(), &DerpClient::packetReceived, [&, i, from](const crypto::NodePublic&, const QByteArray& p) {
            ++received;
            receivedBytes += quint64(p.size());
            ++got[size_t(i)];
            fills[from]();
        });
        peers.push_back(std::move(c));
    }
    for (int i = 0; i < clients; ++i) {
        DerpClient* c = peers[size_t(i)].get();
        const size_t to = size_t((i + 1) % clients);
        const crypto::NodePublic dst = keys[to];
        fills[size_t(i)] = [&, c, dst, i, to] {
            if (!sending)
                return;
            while (sent[size_t(i)] - got[to] < Window && c->bytesToWrite() < Backlog) {
                c->sendPacket(dst, packet);
                ++sent[size_t(i)];
            }
        };
        QObject::connect(c, &DerpClient::writable, fills[size_t(i)]);
        c->connectToServer(url);
        if (i % 50 == 49)
            QCoreApplication::processEvents();
    }
    QElapsedTimer setup;
    setup.start();
    while (connected + failed < clients && setup.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (connected < clients) {
        qCritical("only %d of %d clients connected", connected, clients);
        return 1;
    }
    // Warm up one second, then measure.
    sending = true;
    for (int i = 0; i < clients; ++i)
        fills[size_t(i)]();
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 1000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const quint64 startPackets = received, startBytes = receivedBytes;
    const double startCpu = cpuOf(host.get(), &thread, pid);
    clock.restart();
    while (clock.elapsed() < seconds * 1000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const double wall = double(clock.nsecsElapsed()) / 1e9;
    const double cpu = cpuOf(host.get(), &thread, pid) - startCpu;
    const double packets = double(received - startPackets), bytes = double(receivedBytes - startBytes);
    sending = false;

    printf("relay %s, %d clients, %d-byte packets, %d s\n", host ? "keel (in-process thread)" : qPrintable(url.toString()), clients, size, seconds);
    printf("  delivered: %.0f packets/s, %.1f MB/s (%.2f Gbit/s) wall\n", packets / wall, bytes / wall / 1e6, bytes * 8 / wall / 1e9);
    if (cpu > 0)
        printf("  server CPU %.2f s in %.2f s -> per core: %.0f packets/s, %.1f MB/s (%.2f Gbit/s)\n", cpu, wall,
               packets / cpu, bytes / cpu / 1e6, bytes * 8 / cpu / 1e9);
    peers.clear();
    if (host) {
        QMetaObject::invokeMethod(host.get(), [&] { host->stop(); }, Qt::BlockingQueuedConnection);
        printf("  server drops: %llu (queue_head %llu)\n", (unsigned long long)host->stats.totalDropped(),
               (unsigned long long)host->stats.dropped(DropReason::QueueHead));
        thread.quit();
        thread.wait();
    }
    return 0;
}

int runStun(int seconds)
{
    QThread thread;
    Host host;
    host.moveToThread(&thread);
    thread.start();
    QMetaObject::invokeMethod(&host, [&] { host.startStun(); }, Qt::BlockingQueuedConnection);
    QUdpSocket client;
    client.bind(QHostAddress::LocalHost, 0);
    client.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4 * 1024 * 1024);
    StunPacket::TransactionId id{};
    const QByteArray request = StunPacket::bindingRequest(id);
    quint64 answers = 0;
    int inFlight = 0;
    constexpr int Window = 64;
    QElapsedTimer clock;
    clock.start();
    double startCpu = -1;
    quint64 startAnswers = 0;
    QElapsedTimer measure;
    while (clock.elapsed() < qint64(seconds + 1) * 1000) {
        if (startCpu < 0 && clock.elapsed() >= 1000) {
            startCpu = cpuOf(&host, &thread, 0);
            startAnswers = answers;
            measure.start();
        }
        while (inFlight < Window) {
            client.writeDatagram(request, QHostAddress::LocalHost, host.port);
            ++inFlight;
        }
        if (!client.waitForReadyRead(100)) {
            inFlight = 0;   // lost datagrams: refill the window
            continue;
        }
        while (client.hasPendingDatagrams()) {
            client.receiveDatagram(256);
            ++answers;
            --inFlight;
        }
    }
    const double wall = double(measure.nsecsElapsed()) / 1e9;
    const double cpu = cpuOf(&host, &thread, 0) - startCpu;
    const double n = double(answers - startAnswers);
    printf("stun: %.0f answers/s wall; server CPU %.2f s in %.2f s -> %.0f answers/s per core\n", n / wall, cpu, wall, n / cpu);
    QMetaObject::invokeMethod(&host, [&] { host.stop(); }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("clients"), QStringLiteral("Connected clients."), QStringLiteral("n"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Packet size."), QStringLiteral("bytes"), QStringLiteral("1280")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("Measured seconds."), QStringLiteral("s"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("url"), QStringLiteral("External DERP server (http://host:port/derp)."), QStringLiteral("url")});
    parser.addOption({QStringLiteral("server-pid"), QStringLiteral("PID of the external server, for CPU time."), QStringLiteral("pid")});
    parser.addOption({QStringLiteral("stun"), QStringLiteral("Measure STUN answers instead.")});
    parser.addOption({QStringLiteral("websocket"), QStringLiteral("In-process relay reached over WebSocket (ws://).")});
    parser.addOption({QStringLiteral("serve"), QStringLiteral("Only run the relay, until killed.")});
    parser.addOption({QStringLiteral("port"), QStringLiteral("Port for --serve (0 = any)."), QStringLiteral("port"), QStringLiteral("0")});
    parser.process(app);
    if (parser.isSet(QStringLiteral("serve")))
        return serveDerp(quint16(parser.value(QStringLiteral("port")).toUInt()));
    printf("machine: %s\ncommand:", qPrintable(machine()));
    for (int i = 0; i < argc; ++i)
        printf(" %s", argv[i]);
    printf("\n");
    if (parser.isSet(QStringLiteral("stun")))
        return runStun(parser.value(QStringLiteral("seconds")).toInt());
    return runDerp(QUrl(parser.value(QStringLiteral("url"))), parser.value(QStringLiteral("server-pid")).toLongLong(),
                   qMax(2, parser.value(QStringLiteral("clients")).toInt()), parser.value(QStringLiteral("size")).toInt(),
                   parser.value(QStringLiteral("seconds")).toInt(), parser.isSet(QStringLiteral("websocket")));
}
