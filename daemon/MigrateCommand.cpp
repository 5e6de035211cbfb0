// keel export | import | import-headscale: backup, restore and the move from Headscale. These work
// offline on the database the configuration names (like Headscale's commands that bypass the
// server): export is safe while the server runs (SQLite WAL / PostgreSQL snapshot); import and
// import-headscale want the server stopped and refuse any database that already holds data.
#include "Cli.h"

#include "config/ConfigLoader.h"
#include "store/ExportJson.h"
#include "store/Exporter.h"
#include "store/HeadscaleImport.h"
#include "store/Importer.h"
#include "store/Store.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcessEnvironment>
#include <QSaveFile>

#include <cstdio>

namespace keel::cli {

namespace {

store::DatabaseOptions databaseOptions(const config::Config& c)
{
    store::DatabaseOptions o;
    o.type = c.database.type;
    o.sqlitePath = c.database.sqlite.path;
    o.sqliteWal = c.database.sqlite.writeAheadLog;
    o.walAutocheckpoint = c.database.sqlite.walAutocheckpoint;
    o.checkpointIntervalSecs = 0; // a short-lived command: no periodic checkpoints
    o.pgHost = c.database.postgres.host;
    o.pgPort = c.database.postgres.port;
    o.pgName = c.database.postgres.name;
    o.pgUser = c.database.postgres.user;
    o.pgPass = c.database.postgres.pass;
    o.pgSsl = c.database.postgres.ssl;
    return o;
}

QString describe(const store::DatabaseOptions& o)
{
    return o.type.startsWith(QLatin1String("sqlite"))
        ? QStringLiteral("SQLite %1").arg(o.sqlitePath)
        : QStringLiteral("PostgreSQL %1@%2:%3/%4").arg(o.pgUser, o.pgHost).arg(o.pgPort).arg(o.pgName);
}

// Progress lines on stderr, only for tables large enough to make someone wait.
store::ExportProgress stderrProgress(const char* verb)
{
    return [verb](const QString& table, qint64 done, qint64 total) {
        if (total >= 1000)
            std::fprintf(stderr, "%s %s: %lld/%lld\n", verb, qPrintable(table), static_cast<long long>(done),
                         static_cast<long long>(total));
    };
}

QString counts(const store::ExportDocument& d)
{
    return QStringLiteral("%1 users, %2 nodes, %3 pre-auth keys, %4 API keys, %5 policies, %6 state values")
        .arg(d.users.size())
        .arg(d.nodes.size())
        .arg(d.preAuthKeys.size())
        .arg(d.apiKeys.size())
        .arg(d.policies.size())
        .arg(d.state.size());
}

// Opens the configured database. `mustExist`: do not create a SQLite file that is not there.
std::unique_ptr<store::Store> openStore(Cli& cli, bool mustExist, store::DatabaseOptions* used = nullptr)
{
    const auto config = cli.loadConfig();
    if (!config) {
        cli.fail(QStringLiteral("the configuration has errors (listed above)"));
        return nullptr;
    }
    const store::DatabaseOptions options = databaseOptions(*config);
    if (used)
        *used = options;
    if (mustExist && options.type.startsWith(QLatin1String("sqlite")) && !QFileInfo(options.sqlitePath).isFile()) {
        cli.fail(QStringLiteral("no database at %1").arg(options.sqlitePath));
        return nullptr;
    }
    QString error;
    auto s = store::Store::open(options, &error);
    if (!s)
        cli.fail(QStringLiteral("cannot open %1: %2").arg(describe(options), error));
    return s;
}

int runExport(Cli& cli, const Invocation& inv)
{
    const auto s = openStore(cli, true);
    if (!s)
        return cli.exitCode();
    store::Exporter exporter(*s);
    exporter.setProgress(stderrProgress("export"));
    const auto doc = exporter.read();
    if (!doc.ok())
        return cli.fail(QStringLiteral("export failed: %1").arg(doc.error().message));
    const QByteArray json = store::ExportJson::serialize(*doc);
    const QString path = inv.value(QStringLiteral("file"));
    if (path.isEmpty() || path == QLatin1String("-")) {
        std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
        std::fflush(stdout);
    } else {
        // Written whole or not at all; private, since it holds key hashes.
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly)
            || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
            || file.write(json) != json.size() || !file.commit())
            return cli.fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    }
    std::fprintf(stderr, "exported %s\n", qPrintable(counts(*doc)));
    return 0;
}

int runImport(Cli& cli, const Invocation& inv)
{
    const QString path = inv.value(QStringLiteral("file"));
    QFile file(path);
    if (path == QLatin1String("-") ? !file.open(stdin, QIODevice::ReadOnly) : !file.open(QIODevice::ReadOnly))
        return cli.fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const auto doc = store::ExportJson::parse(file.readAll());
    if (!doc.ok())
        return cli.fail(QStringLiteral("%1: %2").arg(path, doc.error().message));
    if (const auto v = store::Importer::validate(*doc); !v.ok())
        return cli.fail(QStringLiteral("%1: %2").arg(path, v.error().message));
    store::DatabaseOptions options;
    const auto s = openStore(cli, false, &options);
    if (!s)
        return cli.exitCode();
    store::Importer importer(*s);
    importer.setProgress(stderrProgress("import"));
    if (const auto r = importer.write(*doc); !r.ok())
        return cli.fail(QStringLiteral("import into %1 failed, nothing was written: %2").arg(describe(options), r.error().message));
    cli.print(QJsonObject{{QStringLiteral("imported"), true},
                          {QStringLiteral("users"), doc->users.size()},
                          {QStringLiteral("nodes"), doc->nodes.size()},
                          {QStringLiteral("preAuthKeys"), doc->preAuthKeys.size()},
                          {QStringLiteral("apiKeys"), doc->apiKeys.size()},
                          {QStringLiteral("policies"), doc->policies.size()},
                          {QStringLiteral("stateValues"), doc->state.size()}},
              QStringLiteral("Imported %1 into %2.").arg(counts(*doc), describe(options)));
    return 0;
}

// Where the Headscale database is: --from FILE, --from-postgres URL, or a Headscale config file.
std::optional<store::DatabaseOptions> headscaleSource(Cli& cli, const Invocation& inv)
{
    const int given = int(inv.has(QStringLiteral("from"))) + int(inv.has(QStringLiteral("from-postgres")))
        + int(inv.has(QStringLiteral("headscale-config")));
    if (given != 1) {
        cli.fail(QStringLiteral("give exactly one of --from FILE, --from-postgres URL or --headscale-config FILE"));
        return std::nullopt;
    }
    if (inv.has(QStringLiteral("from"))) {
        store::DatabaseOptions o;
        o.type = QStringLiteral("sqlite");
        o.sqlitePath = inv.value(QStringLiteral("from"));
        return o;
    }
    if (inv.has(QStringLiteral("from-postgres"))) {
        const auto o = store::HeadscaleImport::postgresOptions(inv.value(QStringLiteral("from-postgres")));
        if (!o.ok()) {
            cli.fail(QStringLiteral("--from-postgres: %1").arg(o.error().message));
            return std::nullopt;
        }
        return *o;
    }
    // Headscale's config.yaml: Keel reads the same database.* keys. Only those matter here, so
    // other problems in the file are not fatal.
    const config::LoadResult load
        = config::ConfigLoader::loadFile(inv.value(QStringLiteral("headscale-config")), QProcessEnvironment());
    if (load.config.sourcePath.isEmpty()) {
        cli.fail(QStringLiteral("cannot read %1").arg(inv.value(QStringLiteral("headscale-config"))));
        return std::nullopt;
    }
    return databaseOptions(load.config);
}

int runImportHeadscale(Cli& cli, const Invocation& inv)
{
    const auto source = headscaleSource(cli, inv);
    if (!source)
        return cli.exitCode();
    const auto out = store::HeadscaleImport::read(*source);
    if (!out.ok())
        return cli.fail(QStringLiteral("%1: %2").arg(describe(*source), out.error().message));
    const store::HeadscaleImportReport& rep = out->report;

    const bool dryRun = inv.isOn(QStringLiteral("dry-run"));
    store::DatabaseOptions target;
    if (!dryRun) {
        const auto s = openStore(cli, false, &target);
        if (!s)
            return cli.exitCode();
        store::Importer importer(*s);
        importer.setProgress(stderrProgress("import"));
        if (const auto r = importer.write(out->document); !r.ok())
            return cli.fail(QStringLiteral("import into %1 failed, nothing was written: %2").arg(describe(target), r.error().message));
    }

    QJsonObject imported;
    QString human = QStringLiteral("Headscale %1 at %2\n").arg(rep.version, describe(*source));
    human += dryRun ? QStringLiteral("Dry run: nothing written. Would import:\n")
                    : QStringLiteral("Imported into %1:\n").arg(describe(target));
    for (auto it = rep.imported.cbegin(); it != rep.imported.cend(); ++it) {
        imported.insert(it.key(), it.value());
        human += QStringLiteral("  %1: %2\n").arg(it.key()).arg(it.value());
    }
    human += QStringLiteral("Skipped: %1\n").arg(rep.skipped.size());
    for (const QString& s : rep.skipped)
        human += QStringLiteral("  %1\n").arg(s);
    human += QStringLiteral("Notes: %1\n").arg(rep.notes.size());
    for (const QString& n : rep.notes)
        human += QStringLiteral("  %1\n").arg(n);
    human += QStringLiteral("Copy Headscale's noise_private.key to Keel's noise.private_key_path so clients keep "
                            "trusting the server (see docs/migrating-from-headscale.md).");
    cli.print(QJsonObject{{QStringLiteral("headscaleVersion"), rep.version},
                          {QStringLiteral("dryRun"), dryRun},
                          {QStringLiteral("imported"), imported},
                          {QStringLiteral("skipped"), QJsonArray::fromStringList(rep.skipped)},
                          {QStringLiteral("notes"), QJsonArray::fromStringList(rep.notes)}},
              human);
    return 0;
}

} // namespace

QList<Command> migrateCommands(Cli& cli)
{
    Command exportCmd{{QStringLiteral("export")},
        QStringLiteral("Writes the whole database as one JSON document (backup)"), {}, 0, 0,
        {{QStringLiteral("file"), QLatin1Char('f'), QStringLiteral("output file (default: standard output)")}},
        [&cli](Invocation& inv) { return runExport(cli, inv); }, {},
        QStringLiteral("Reads the database named by the configuration directly; safe while the server runs.\n"
                       "Keys appear only as their stored hashes. Restore with `keel import -f FILE`.")};

    Command importCmd{{QStringLiteral("import")},
        QStringLiteral("Restores a `keel export` document into an empty database"), {}, 0, 0,
        {{QStringLiteral("file"), QLatin1Char('f'), QStringLiteral("the export file (- for standard input)"), true, {}, true}},
        [&cli](Invocation& inv) { return runImport(cli, inv); }, {},
        QStringLiteral("Stop the server first. The database named by the configuration must be empty (a new\n"
                       "SQLite file or PostgreSQL database); everything is written in one transaction, ids kept.")};

    Command headscaleCmd{{QStringLiteral("import-headscale")},
        QStringLiteral("Imports a Headscale database (0.22 to 0.29) into an empty Keel database"), {}, 0, 0,
        {{QStringLiteral("from"), {}, QStringLiteral("Headscale's SQLite file (e.g. /var/lib/headscale/db.sqlite)")},
         {QStringLiteral("from-postgres"), {}, QStringLiteral("Headscale's PostgreSQL: postgres://user:pass@host:port/db or \"host=... dbname=...\"")},
         {QStringLiteral("headscale-config"), {}, QStringLiteral("take the database from Headscale's config.yaml")},
         {QStringLiteral("dry-run"), {}, QStringLiteral("read and report only; write nothing"), false}},
        [&cli](Invocation& inv) { return runImportHeadscale(cli, inv); }, {},
        QStringLiteral("Users, nodes (keys, IPs, tags, routes, expiry), pre-auth keys, API keys and the database\n"
                       "policy are brought over; clients reconnect without logging in again once Headscale's\n"
                       "noise_private.key is copied. Stop both servers first. See docs/migrating-from-headscale.md.")};

    return {exportCmd, importCmd, headscaleCmd};
}

} // namespace keel::cli
