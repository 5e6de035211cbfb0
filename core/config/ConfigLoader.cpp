#include "config/ConfigLoader.h"

#include "config/ConfigBuilder.h"
#include "config/ConfigValidator.h"
#include "config/DiagnosticSink.h"
#include "config/EnvOverrides.h"
#include "config/KeyEffects.h"
#include "config/LegacyKeys.h"
#include "config/RawSettings.h"
#include "config/YamlReader.h"
#include "platform/Paths.h"
#include "platform/Process.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <climits>


namespace keel::config {

bool LoadResult::ok() const
{
    for (const Diagnostic& d : diagnostics)
        if (d.isError())
            return false;
    return true;
}

Diagnostics LoadResult::errors() const
{
    Diagnostics out;
    for (const Diagnostic& d : diagnostics)
        if (d.isError())
            out.append(d);
    return out;
}

Diagnostics LoadResult::warnings() const
{
    Diagnostics out;
    for (const Diagnostic& d : diagnostics)
        if (!d.isError())
            out.append(d);
    return out;
}

namespace {

constexpr qint64 kMaxConfigBytes = 4 * 1024 * 1024;   // a config file is a few KiB

Diagnostic fileError(const QString& file, const QString& message, const QString& hint = QString())
{
    Diagnostic d;
    d.severity = Diagnostic::Severity::Error;
    d.file = file;
    d.message = message;
    d.hint = hint;
    return d;
}

QString homeDir(const QProcessEnvironment& env)
{
    const QString home = env.value(QStringLiteral("HOME"));
    return home.isEmpty() ? QDir::homePath() : home;
}

// Shared tail of every load: environment, old keys, types and defaults, then the cross-key rules.
LoadResult finish(RawSettings& raw, DiagnosticSink& sink, bool fromFile, const QString& baseDir, const QProcessEnvironment& env, bool validate)
{
    EnvOverrides::apply(raw, env, sink);
    LegacyKeys::migrate(raw, sink);
    ConfigBuilder::Options options;
    options.fromFile = fromFile;
    options.baseDir = baseDir;
    options.defaultDataDir = ConfigLoader::defaultDataDir(env);
    options.env = env;
    ConfigBuilder builder(raw, sink, options);
    LoadResult result;
    result.config = builder.build();
    if (validate) {
        ConfigValidator::validate(result.config, sink);
        KeyEffects::report(result.config, raw, sink);   // keys that are accepted but do nothing
    }
    result.diagnostics = sink.diagnostics();
    // In file order, so the report reads top to bottom; positionless ones (environment, rules
    // about absent keys) come last.
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        const int la = a.line > 0 ? a.line : INT_MAX;
        const int lb = b.line > 0 ? b.line : INT_MAX;
        return la < lb || (la == lb && a.column < b.column);
    });
    return result;
}

} // namespace

LoadResult ConfigLoader::loadFile(const QString& path, const QProcessEnvironment& env)
{
    QFile file(path);
    if (!QFileInfo::exists(path)) {
        LoadResult r;
        r.requestedPath = path;
        r.config = Config::embeddedDefault(defaultDataDir(env));
        r.diagnostics.append(fileError(path, QStringLiteral("the config file does not exist"),
                                       QStringLiteral("create one with `keel config init %1` (the documented example), or leave out "
                                                      "-c/KEEL_CONFIG/HEADSCALE_CONFIG to run on the embedded default").arg(path)));
        return r;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        LoadResult r;
        r.requestedPath = path;
        r.config = Config::embeddedDefault(defaultDataDir(env));
        r.diagnostics.append(fileError(path, QStringLiteral("cannot read the config file: %1").arg(file.errorString()),
                                       QStringLiteral("check the path given with -c/--config, KEEL_CONFIG or HEADSCALE_CONFIG, and its permissions")));
        return r;
    }
    const QByteArray text = file.read(kMaxConfigBytes + 1);
    if (text.size() > kMaxConfigBytes) {
        LoadResult r;
        r.requestedPath = path;
        r.config = Config::embeddedDefault(defaultDataDir(env));
        r.diagnostics.append(fileError(path, QStringLiteral("the config file is larger than 4 MiB")));
        return r;
    }
    return loadFromText(text, path, env);
}

LoadResult ConfigLoader::loadFromText(const QByteArray& yaml, const QString& pathForMessages, const QProcessEnvironment& env)
{
    RawSettings raw;
    DiagnosticSink sink(pathForMessages, &raw);
    YamlReader reader(raw, sink, pathForMessages);
    const bool parsed = reader.read(yaml);
    const QFileInfo info(pathForMessages.isEmpty() ? QStringLiteral("config.yaml") : pathForMessages);
    // Validating defaults after a syntax error would only bury the real problem.
    LoadResult result = finish(raw, sink, true, info.absolutePath(), env, parsed);
    result.config.sourcePath = pathForMessages.isEmpty() ? QString() : info.absoluteFilePath();
    result.requestedPath = result.config.sourcePath;
    return result;
}

LoadResult ConfigLoader::load(const QString& explicitPath, const QProcessEnvironment& env)
{
    if (!explicitPath.isEmpty())
        return loadFile(explicitPath, env);
    for (const char* var : {"KEEL_CONFIG", "HEADSCALE_CONFIG"}) {
        const QString named = env.value(QLatin1String(var));
        if (!named.isEmpty())
            return loadFile(named, env);   // named explicitly: missing is an error, not "search on"
    }
    for (const QString& candidate : searchPaths(env)) {
        if (QFileInfo(candidate).isFile())
            return loadFile(candidate, env);
    }
    RawSettings raw;
    DiagnosticSink sink(QStringLiteral("embedded default"), &raw);
    return finish(raw, sink, false, QDir::currentPath(), env, true);
}

QStringList ConfigLoader::searchPaths(const QProcessEnvironment& env)
{
    QStringList paths;
    for (const char* var : {"KEEL_CONFIG", "HEADSCALE_CONFIG"}) {
        const QString named = env.value(QLatin1String(var));
        if (!named.isEmpty())
            paths << named;
    }
    QStringList dirs = {
        platform::systemConfigDir(env),
        QDir(homeDir(env)).filePath(QStringLiteral(".keel")),
        QDir::currentPath(),
    };
#ifndef Q_OS_WIN
    dirs << QStringLiteral("/etc/headscale");   // an existing Headscale installation works unchanged
#endif
    for (const QString& dir : dirs) {
        paths << QDir(dir).filePath(QStringLiteral("config.yaml"));
        paths << QDir(dir).filePath(QStringLiteral("config.json"));
    }
    return paths;
}

QString ConfigLoader::defaultDataDir(const QProcessEnvironment& env)
{
    const QString explicitDir = env.value(QStringLiteral("KEEL_DATA_DIR"));
    if (!explicitDir.isEmpty())
        return explicitDir;
    if (platform::isSuperuser())
        return platform::systemDataDir(env);
    return platform::userDataDir(env, homeDir(env));
}

} // namespace keel::config
