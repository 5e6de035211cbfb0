#include "config/ConfigLoader.h"

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

// First commit: API only, so the server can be coded against it. Real loading follows.
LoadResult ConfigLoader::loadFile(const QString&, const QProcessEnvironment& env)
{
    return load(QString(), env);
}

LoadResult ConfigLoader::loadFromText(const QByteArray&, const QString&, const QProcessEnvironment& env)
{
    return load(QString(), env);
}

LoadResult ConfigLoader::load(const QString&, const QProcessEnvironment& env)
{
    LoadResult r;
    r.config = Config::embeddedDefault(defaultDataDir(env));
    return r;
}

QStringList ConfigLoader::searchPaths(const QProcessEnvironment&)
{
    return {};
}

QString ConfigLoader::defaultDataDir(const QProcessEnvironment& env)
{
    return env.value(QStringLiteral("KEEL_DATA_DIR"), QStringLiteral("/var/lib/keel"));
}

} // namespace keel::config
