// keel config init|show, keel dumpConfig: writes the documented example configuration, ready to
// edit; shows the configuration in force.
#include "Cli.h"

#include "config/ConfigDump.h"
#include "config/ConfigLoader.h"
#include "platform/Paths.h"
#include "platform/Process.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace keel::cli {

namespace {

// Where `keel config init` writes when given no path: the first place Keel searches that this
// user can be expected to write (root: /etc/keel, LocalSystem: %ProgramData%\Keel; anyone else:
// ~/.keel).
QString defaultInitPath()
{
    if (platform::isSuperuser())
        return platform::systemConfigDir(QProcessEnvironment::systemEnvironment()) + QStringLiteral("/config.yaml");
    return QDir::home().filePath(QStringLiteral(".keel/config.yaml"));
}

// The example as shipped (resources/config-example.yaml, compiled in), with its data paths moved
// to this user's default data directory when that is not /var/lib/keel.
QByteArray exampleConfig()
{
    QFile resource(QStringLiteral(":/keel/config-example.yaml"));
    if (!resource.open(QIODevice::ReadOnly))
        return {};
    QByteArray text = resource.readAll();
    const QString dataDir = config::ConfigLoader::defaultDataDir(QProcessEnvironment::systemEnvironment());
    if (dataDir != QLatin1String("/var/lib/keel"))
        text.replace(": /var/lib/keel", ": " + dataDir.toUtf8());
    return text;
}

} // namespace

Command configCommand(Cli& cli)
{
    Command init{{QStringLiteral("init")}, QStringLiteral("Writes the documented example config to a file, to edit"), QStringLiteral("[PATH]"), 0, 1,
        {},
        [&cli](Invocation& inv) {
            const QString path = inv.arguments.isEmpty() ? defaultInitPath() : inv.arguments.first();
            if (QFileInfo::exists(path) && !cli.force)
                return cli.fail(QStringLiteral("%1 already exists; not overwriting it (add --force to replace it)").arg(path));
            const QByteArray text = exampleConfig();
            if (text.isEmpty())
                return cli.fail(QStringLiteral("this keel binary carries no example config (a build problem)"));
            if (!QDir().mkpath(QFileInfo(path).absolutePath()))
                return cli.fail(QStringLiteral("cannot create the directory %1").arg(QFileInfo(path).absolutePath()));
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
                return cli.fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
            // It may come to hold secrets (database password, OIDC client secret, API key).
            QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup);
            const QString absolute = QFileInfo(path).absoluteFilePath();
            cli.print(QJsonObject{{QStringLiteral("path"), absolute}},
                      QStringLiteral("Wrote %1. Edit it (every key is documented there; keys you delete take Keel's defaults),\n"
                                     "then check it with `keel configtest -c %1`.").arg(absolute));
            return 0;
        }, {}, QStringLiteral("Writes Keel's documented example configuration to PATH (default: /etc/keel/config.yaml as root, "
                              "else ~/.keel/config.yaml, both places Keel looks). Refuses to overwrite an existing file unless --force.")};
    Command show{{QStringLiteral("show"), QStringLiteral("dump")}, QStringLiteral("Prints the configuration in force (secrets redacted)"), {}, 0, 0,
        {}, [&cli](Invocation&) { return showConfig(cli); }, {},
        QStringLiteral("Prints the effective configuration: the file, the KEEL_*/HEADSCALE_* environment and the defaults, "
                       "with config.yaml's key names. Passwords, client secrets and keys are shown as REDACTED.")};
    return Command{{QStringLiteral("config")}, QStringLiteral("Creates or shows the configuration"), {}, 0, 0, {}, {}, {init, show}, {}};
}

int showConfig(Cli& cli)
{
    const std::optional<config::Config> config = cli.loadConfig();
    if (!config)
        return cli.fail(QStringLiteral("the configuration is not valid (see above)"));
    const QJsonObject dump = config::ConfigDump::toJson(*config);
    cli.print(dump, QString::fromUtf8(QJsonDocument(dump).toJson(QJsonDocument::Indented)).trimmed());
    return 0;
}

Command dumpConfigCommand(Cli& cli)
{
    // Headscale's `dumpConfig`, which migrating scripts call.
    return Command{{QStringLiteral("dumpConfig"), QStringLiteral("dumpconfig"), QStringLiteral("dump-config")},
                   QStringLiteral("Prints the configuration in force (same as `keel config show`)"), {}, 0, 0, {},
                   [&cli](Invocation&) { return showConfig(cli); }, {}, {}};
}

} // namespace keel::cli
