// keel-sim: brings up N virtual Tailscale nodes against a control server (Keel or Headscale: it
// speaks only the public protocol) and reports the figures of issue 4.
//   keel-sim --server 127.0.0.1:8080 --authkey KEY --nodes 1000 [--concurrency 32] [--server-pid PID] [--full-parse]
//            [--pending HOSTNAME]...
#include "sim/SimRun.h"

#include "control/ControlClient.h"
#include "crypto/Keys.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>

namespace {
// A device that runs `tailscale up` without a key: it registers once and gets an AuthURL, so the
// server lists it as a pending registration (screenshots, demos). Nobody approves it here.
void registerPending(const QString& host, quint16 port, const QString& hostname)
{
    auto* client = new keel::control::ControlClient(keel::crypto::MachinePrivate::generate(), qApp);
    const keel::crypto::NodePrivate node = keel::crypto::NodePrivate::generate();
    QObject::connect(client, &keel::control::ControlClient::connected, client, [client, node, hostname] {
        const QJsonObject body{{QStringLiteral("Version"), 115},
                               {QStringLiteral("NodeKey"), node.publicKey().toString()},
                               {QStringLiteral("OldNodeKey"), QStringLiteral("nodekey:") + QString(64, QLatin1Char('0'))},
                               {QStringLiteral("Auth"), QJsonObject{{QStringLiteral("AuthKey"), QString()}}},
                               {QStringLiteral("Expiry"), QStringLiteral("0001-01-01T00:00:00Z")},
                               {QStringLiteral("Followup"), QString()},
                               {QStringLiteral("Hostinfo"), QJsonObject{{QStringLiteral("Hostname"), hostname},
                                                                        {QStringLiteral("OS"), QStringLiteral("linux")},
                                                                        {QStringLiteral("IPNVersion"), QStringLiteral("1.82.5-keel-sim")}}}};
        client->request("POST", "/machine/register", QJsonDocument(body).toJson(QJsonDocument::Compact));
    });
    QObject::connect(client, &keel::control::ControlClient::failed, client,
                     [hostname](const QString& e) { std::fprintf(stderr, "pending %s: %s\n", qPrintable(hostname), qPrintable(e)); });
    client->connectToServer(host, port);
}
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("N virtual Tailscale nodes against a control server."));
    p.addHelpOption();
    p.addOption({QStringLiteral("server"), QStringLiteral("host:port of the control server"), QStringLiteral("addr"), QStringLiteral("127.0.0.1:8080")});
    p.addOption({QStringLiteral("authkey"), QStringLiteral("a reusable pre-auth key"), QStringLiteral("key")});
    p.addOption({QStringLiteral("nodes"), QStringLiteral("number of nodes"), QStringLiteral("n"), QStringLiteral("100")});
    p.addOption({QStringLiteral("concurrency"), QStringLiteral("registrations in flight"), QStringLiteral("n"), QStringLiteral("32")});
    p.addOption({QStringLiteral("server-pid"), QStringLiteral("server process to sample (RSS, CPU)"), QStringLiteral("pid"), QStringLiteral("0")});
    p.addOption({QStringLiteral("full-parse"), QStringLiteral("also keep every netmap as JSON objects (deep checks; O(N^2) memory)")});
    p.addOption({QStringLiteral("idle-seconds"), QStringLiteral("how long to sample the server's idle CPU (its resolution is one 10 ms tick over this time)"),
                 QStringLiteral("s"), QStringLiteral("5")});
    p.addOption({QStringLiteral("timeout"), QStringLiteral("give up after this many seconds"), QStringLiteral("s"), QStringLiteral("600")});
    p.addOption({QStringLiteral("hold"), QStringLiteral("stay connected this many seconds after the report (screenshots, demos)"), QStringLiteral("s"), QStringLiteral("0")});
    p.addOption({QStringLiteral("joins-on-stdin"), QStringLiteral("after the first join, one more join per line on stdin until EOF (bench/flood)")});
    p.addOption({QStringLiteral("pending"), QStringLiteral("also register a device of this host name without a key: it waits for approval (repeatable)"),
                 QStringLiteral("hostname")});
    p.process(app);

    keel::sim::SimRun::Options o;
    const QString server = p.value(QStringLiteral("server"));
    const int colon = int(server.lastIndexOf(QLatin1Char(':')));
    o.host = server.left(colon);
    o.port = quint16(server.mid(colon + 1).toUInt());
    o.authKey = p.value(QStringLiteral("authkey"));
    o.nodes = p.value(QStringLiteral("nodes")).toInt();
    o.concurrency = std::max(1, p.value(QStringLiteral("concurrency")).toInt());
    o.serverPid = p.value(QStringLiteral("server-pid")).toLongLong();
    o.timeoutSec = p.value(QStringLiteral("timeout")).toInt();
    o.idleSampleSec = std::max(1, p.value(QStringLiteral("idle-seconds")).toInt());
    o.fullParse = p.isSet(QStringLiteral("full-parse"));
    o.joinsOnStdin = p.isSet(QStringLiteral("joins-on-stdin"));
    if (colon <= 0 || o.port == 0 || o.authKey.isEmpty() || o.nodes < 1) {
        std::fprintf(stderr, "usage: keel-sim --server HOST:PORT --authkey KEY --nodes N\n");
        return 2;
    }
    keel::sim::SimRun run(o);
    const int holdMs = std::max(0, p.value(QStringLiteral("hold")).toInt()) * 1000;
    QObject::connect(&run, &keel::sim::SimRun::done, &app, [holdMs](int code) {
        QTimer::singleShot(holdMs, qApp, [code] { QCoreApplication::exit(code); });
    });
    run.start();
    for (const QString& hostname : p.values(QStringLiteral("pending")))
        registerPending(o.host, o.port, hostname);
    return app.exec();
}
