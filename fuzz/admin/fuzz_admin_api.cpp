// libFuzzer target for the admin API's request bodies (a trust boundary: any holder of an API key,
// or anyone on the unix socket, sends them). The first byte picks one of the API's own routes (from
// its router, so new routes are covered); the rest is the JSON body, dispatched as an authorised
// request against a real SQLite store in a temporary directory. Handlers must answer, not crash.
#include "FuzzApp.h"
#include "admin/AdminApi.h"
#include "admin/AdminContext.h"
#include "http/Router.h"
#include "state/State.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using namespace keel;

namespace {

struct World
{
    QTemporaryDir dir;
    config::Config config;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<state::State> state;
    std::unique_ptr<admin::AdminContext> context;
    std::unique_ptr<admin::AdminApi> api;
    http::Router router;
    QList<http::Router::RouteInfo> routes;

    World()
    {
        store::DatabaseOptions options;
        options.sqlitePath = dir.filePath(QStringLiteral("db.sqlite"));
        QString error;
        store = store::Store::open(options, &error);
        if (!store)
            qFatal("store: %s", qPrintable(error));
        config.prefixes.v4 = QStringLiteral("100.64.0.0/10");
        state = state::State::load(*store, config, &error);
        if (!state)
            qFatal("state: %s", qPrintable(error));
        context = std::make_unique<admin::AdminContext>(admin::AdminContext{*store, *state, config});
        api = std::make_unique<admin::AdminApi>(*context);
        api->registerRoutes(router);
        for (const auto& r : router.routes())
            if (!r.method.isEmpty())
                routes.append(r);
        store::User u;
        u.name = QStringLiteral("fuzz");
        (void)store->createUser(u);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)keel::fuzz::app("fuzz_admin_api");
    const keel::fuzz::SettleOnReturn settleAtEnd;
    static World world;
    if (size < 1 || world.routes.isEmpty())
        return 0;
    const auto& route = world.routes[data[0] % world.routes.size()];
    http::HttpRequest request;
    request.method = route.method;
    // Small ids, so some calls find the rows earlier inputs made.
    QString path = route.pattern;
    path.replace(QRegularExpression(QStringLiteral("\\{[^}]*\\}")), QString::number(1 + data[0] % 3));
    request.target = path.toUtf8();
    request.version = "HTTP/1.1";
    request.transport = http::Transport::UnixSocket;
    request.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    request.body = QByteArray(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    (void)world.router.dispatch(request);
    return 0;
}
