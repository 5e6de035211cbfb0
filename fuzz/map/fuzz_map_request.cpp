// libFuzzer target for /machine/map bodies (control.md 4), what every registered machine sends over
// its Noise session: ControlService::serve parses the MapRequest (Stream, OmitPeers, ReadOnly,
// Compress, Version), stores what it reports (Hostinfo with NetInfo and routes, Endpoints, DiscoKey)
// in a real State over SQLite, and renders the map. Every peer's map is then rendered too, so what
// one node reported reaches the others' MapResponses the way a real stream would carry it.
//
// Input: the first byte picks one of four registered machines (bits 0-1), whether the request comes
// over that machine's own session or another's (bit 2: a node key is served only to its machine),
// and whether the harness puts the machine's real NodeKey into a JSON object body (bit 3), so the
// fuzzer reaches past the node lookup without guessing keys; the rest is the body. The response is
// a handle whose client is already gone (as when a client resets its stream at once).
#include "FuzzApp.h"
#include "machine/ControlService.h"
#include "mapper/Mapper.h"
#include "mapper/MapperOptions.h"
#include "state/State.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using namespace keel;

namespace {

constexpr int kMachines = 4;

QString key(const char* prefix, int n)
{
    return QString::fromLatin1(prefix) + QStringLiteral("%1").arg(n, 64, 10, QLatin1Char('0'));
}

struct World
{
    QTemporaryDir dir;
    config::Config config;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<state::State> state;
    std::unique_ptr<control::ControlService> service;
    QList<qint64> ids;

    World()
    {
        store::DatabaseOptions options;
        options.sqlitePath = dir.filePath(QStringLiteral("db.sqlite"));
        QString error;
        store = store::Store::open(options, &error);
        if (!store)
            qFatal("store: %s", qPrintable(error));
        config.serverUrl = QStringLiteral("https://ctrl.example.com");
        config.prefixes.v4 = QStringLiteral("100.64.0.0/10");
        config.prefixes.v6 = QStringLiteral("fd7a:115c:a1e0::/48");
        config.dns.baseDomain = QStringLiteral("tail.example");
        store::User u;
        u.name = QStringLiteral("fuzz");
        const auto user = store->createUser(u);
        state = state::State::load(*store, config, &error);
        if (!state || !user)
            qFatal("state: %s", qPrintable(error));
        for (int n = 1; n <= kMachines; ++n) {
            state::NewNode spec;
            spec.machineKey = key("mkey:", n);
            spec.nodeKey = key("nodekey:", n);
            spec.hostinfoJson = QJsonDocument(QJsonObject{{QStringLiteral("Hostname"), QStringLiteral("n%1").arg(n)}}).toJson(QJsonDocument::Compact);
            spec.userId = user->id;
            spec.registerMethod = QStringLiteral("authkey");
            const auto created = state->createNode(spec);
            if (!created)
                qFatal("node: %s", qPrintable(created.error().message));
            ids.append(created->node.id);
        }
        control::MapperOptions mo = control::MapperOptions::fromConfig(config);
        mo.derpMap = [] {
            return QJsonObject{{QStringLiteral("Regions"), QJsonObject{{QStringLiteral("999"), QJsonObject{{QStringLiteral("RegionID"), 999}}}}}};
        };
        control::ControlService::Options o;
        o.offlineGraceMs = 0;
        o.housekeepingMs = 0;
        o.batcher.delayMs = 0;
        service = std::make_unique<control::ControlService>(*state, mo, o);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)keel::fuzz::app("fuzz_map_request");
    static World world;
    if (size < 1)
        return 0;
    const int machine = 1 + (data[0] & 3);
    const int session = (data[0] & 4) ? 1 + ((machine) % kMachines) : machine;
    QByteArray body(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    if (data[0] & 8) {
        QJsonObject o = QJsonDocument::fromJson(body).object();
        if (!o.isEmpty()) {
            o.insert(QStringLiteral("NodeKey"), key("nodekey:", machine));
            body = QJsonDocument(o).toJson(QJsonDocument::Compact);
        }
    }
    http::Http2Request request;
    request.method = "POST";
    request.scheme = "https";
    request.path = "/machine/map";
    request.body = body;
    control::ControlContext context;
    context.machineKey = *crypto::MachinePublic::parse(key("mkey:", session));
    context.protocolVersion = 115;
    world.service->serve(context, request, http::Http2Response());
    // What the others now see of this node, as their next full map would carry it.
    for (qint64 id : world.ids)
        (void)world.service->mapper().fullMessage(world.state->snapshot(), id).toJson();
    // Closed sessions are deleted later; offline marks run from zero-delay timers.
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
