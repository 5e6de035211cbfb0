// keel export | import | import-headscale: backup, restore and the move from Headscale. These work
// offline on the database the configuration names (like Headscale's commands that bypass the
// server): export is safe while the server runs (SQLite WAL / PostgreSQL snapshot); import and
// import-headscale want the server stopped and refuse any database that already holds data.
#include "Cli.h"

#include "server/Maintenance.h"

#include <QFile>
#include <QJsonArray>
#include <QSaveFile>

#include <cstdio>

namespace keel::cli {

namespace {

using server::Maintenance;

// Progress lines on stderr, only for tables large enough to make someone wait.
Maintenance::Progress stderrProgress(const char* verb)
{
    return [verb](const QString& table, qint64 done, qint64 total) {
        if (total >= 1000)
            std::fprintf(stderr, "%s %s: %lld/%lld\n", verb, qPrintable(table), static_cast<long long>(done),
                         static_cast<long long>(total));
    };
}

int runExport(Cli& cli, const Invocation& inv)
{
    const auto config = cli.loadConfig();
    if (!config)
        return cli.fail(QStringLiteral("the configuration has errors (listed above)"));
    QString error;
    const auto exported = Maintenance::exportDatabase(*config, stderrProgress("export"), &error);
    if (!exported)
        return cli.fail(error);
    const QString path = inv.value(QStringLiteral("file"));
    if (path.isEmpty() || path == QLatin1String("-")) {
        std::fwrite(exported->json.constData(), 1, size_t(exported->json.size()), stdout);
        std::fflush(stdout);
    } else {
        // Written whole or not at all; private, since it holds key hashes.
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly)
            || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
            || file.write(exported->json) != exported->json.size() || !file.commit())
            return cli.fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    }
    std::fprintf(stderr, "exported %s\n", qPrintable(exported->counts.describe()));
    return 0;
}

int runImport(Cli& cli, const Invocation& inv)
{
    const QString path = inv.value(QStringLiteral("file"));
    QFile file(path);
    if (path == QLatin1String("-") ? !file.open(stdin, QIODevice::ReadOnly) : !file.open(QIODevice::ReadOnly))
        return cli.fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const auto config = cli.loadConfig();
    if (!config)
        return cli.fail(QStringLiteral("the configuration has errors (listed above)"));
    QString target;
    QString error;
    const auto counts = Maintenance::importDatabase(*config, file.readAll(), stderrProgress("import"), &target, &error);
    if (!counts)
        return cli.fail(QStringLiteral("%1: %2").arg(path, error));
    QJsonObject json = counts->toJson();
    json.insert(QStringLiteral("imported"), true);
    cli.print(json, QStringLiteral("Imported %1 into %2.").arg(counts->describe(), target));
    return 0;
}

int runImportHeadscale(Cli& cli, const Invocation& inv)
{
    const auto config = cli.loadConfig();
    if (!config)
        return cli.fail(QStringLiteral("the configuration has errors (listed above)"));
    const Maintenance::HeadscaleSource source{inv.value(QStringLiteral("from")), inv.value(QStringLiteral("from-postgres")),
                                              inv.value(QStringLiteral("headscale-config"))};
    const bool dryRun = inv.isOn(QStringLiteral("dry-run"));
    QString error;
    const auto rep = Maintenance::importHeadscale(*config, source, dryRun, stderrProgress("import"), &error);
    if (!rep)
        return cli.fail(error);

    QJsonObject imported;
    QString human = QStringLiteral("Headscale %1 at %2\n").arg(rep->version, rep->source);
    human += dryRun ? QStringLiteral("Dry run: nothing written. Would import:\n")
                    : QStringLiteral("Imported into %1:\n").arg(rep->target);
    for (auto it = rep->imported.cbegin(); it != rep->imported.cend(); ++it) {
        imported.insert(it.key(), it.value());
        human += QStringLiteral("  %1: %2\n").arg(it.key()).arg(it.value());
    }
    human += QStringLiteral("Skipped: %1\n").arg(rep->skipped.size());
    for (const QString& s : rep->skipped)
        human += QStringLiteral("  %1\n").arg(s);
    human += QStringLiteral("Notes: %1\n").arg(rep->notes.size());
    for (const QString& n : rep->notes)
        human += QStringLiteral("  %1\n").arg(n);
    human += QStringLiteral("Copy Headscale's noise_private.key to Keel's noise.private_key_path so clients keep "
                            "trusting the server (see docs/migrating-from-headscale.md).");
    cli.print(QJsonObject{{QStringLiteral("headscaleVersion"), rep->version},
                          {QStringLiteral("dryRun"), dryRun},
                          {QStringLiteral("imported"), imported},
                          {QStringLiteral("skipped"), QJsonArray::fromStringList(rep->skipped)},
                          {QStringLiteral("notes"), QJsonArray::fromStringList(rep->notes)}},
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
