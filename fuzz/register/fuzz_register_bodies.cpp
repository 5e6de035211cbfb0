// libFuzzer target for /machine/register bodies (control.md 3), the first thing any machine with a
// Noise session sends: RegistrationRequest::parse, then the whole Registration logic (pending
// interactive entries with their limits and eviction, pre-auth keys, follow-ups, re-registration)
// on a real State over SQLite in a temporary directory.
#include "FuzzApp.h"
#include "machine/Registration.h"
#include "control/RegistrationRequest.h"
#include "state/State.h"
#include "store/Store.h"

#include <QCoreApplication>
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
    std::unique_ptr<control::Registration> registration;

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
        config.tuning.registerCacheMaxEntries = 64;
        store::User u;
        u.name = QStringLiteral("fuzz");
        (void)store->createUser(u);
        state = state::State::load(*store, config, &error);
        if (!state)
            qFatal("state: %s", qPrintable(error));
        registration = std::make_unique<control::Registration>(*state, config.serverUrl);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)keel::fuzz::app("fuzz_register_bodies");
    const keel::fuzz::SettleOnReturn settleAtEnd;
    static World world;
    if (size < 1)
        return 0;
    const QByteArray body(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    QString error;
    (void)control::RegistrationRequest::parse(body, &error);
    // A handful of machines and addresses, so follow-ups and per-address limits meet each other.
    const QString machine = QStringLiteral("mkey:") + QString(63, QLatin1Char('0')) + QString::number(data[0] % 8);
    const QHostAddress peer(QStringLiteral("192.0.2.%1").arg(1 + (data[0] >> 3) % 4));
    world.registration->handle(machine, body, [](int, const QJsonObject&) {}, peer);
    return 0;
}
