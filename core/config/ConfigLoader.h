#pragma once

#include "config/Config.h"
#include "config/Diagnostic.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace keel::config {

struct LoadResult
{
    Config config;
    Diagnostics diagnostics;
    QString requestedPath;   // the file asked for (-c, KEEL_CONFIG, found by search), even when unreadable
    bool ok() const;   // no Error among the diagnostics
    Diagnostics errors() const;
    Diagnostics warnings() const;
};

// Finds, reads and validates config.yaml (Headscale's keys, older ones mapped with a warning),
// applies KEEL_* / HEADSCALE_* environment overrides and fills defaults. The environment is passed
// in so tests never touch the process environment.
class ConfigLoader
{
public:
    static LoadResult loadFile(const QString& path, const QProcessEnvironment& env);
    static LoadResult loadFromText(const QByteArray& yaml, const QString& pathForMessages, const QProcessEnvironment& env);
    // explicitPath may be empty: then search; nothing found -> embeddedDefault + env overrides.
    static LoadResult load(const QString& explicitPath, const QProcessEnvironment& env);
    // Candidate files in search order (KEEL_CONFIG, HEADSCALE_CONFIG first when set).
    static QStringList searchPaths(const QProcessEnvironment& env);
    // KEEL_DATA_DIR, else /var/lib/keel for root, else $XDG_DATA_HOME/keel or ~/.local/share/keel
    // (Windows: %ProgramData%\Keel for LocalSystem, else %LOCALAPPDATA%\Keel; platform/Paths.h).
    static QString defaultDataDir(const QProcessEnvironment& env);
};

} // namespace keel::config
