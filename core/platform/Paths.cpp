#include "platform/Paths.h"

#include <QDir>

namespace keel::platform {

namespace {

#ifdef Q_OS_WIN
QString programData(const QProcessEnvironment& env)
{
    const QString dir = env.value(QStringLiteral("ProgramData"));
    return QDir::fromNativeSeparators(dir.isEmpty() ? QStringLiteral("C:/ProgramData") : dir);
}
#endif

} // namespace

QString systemConfigDir(const QProcessEnvironment& env)
{
#ifdef Q_OS_WIN
    return programData(env) + QStringLiteral("/Keel");
#else
    Q_UNUSED(env);
    return QStringLiteral("/etc/keel");
#endif
}

QString systemDataDir(const QProcessEnvironment& env)
{
#ifdef Q_OS_WIN
    return programData(env) + QStringLiteral("/Keel");
#else
    Q_UNUSED(env);
    return QStringLiteral("/var/lib/keel");
#endif
}

QString userDataDir(const QProcessEnvironment& env, const QString& home)
{
#ifdef Q_OS_WIN
    const QString local = env.value(QStringLiteral("LOCALAPPDATA"));
    if (!local.isEmpty())
        return QDir::fromNativeSeparators(local) + QStringLiteral("/Keel");
    return QDir(home).filePath(QStringLiteral("AppData/Local/Keel"));
#else
    const QString xdg = env.value(QStringLiteral("XDG_DATA_HOME"));
    if (!xdg.isEmpty())
        return QDir(xdg).filePath(QStringLiteral("keel"));
    return QDir(home).filePath(QStringLiteral(".local/share/keel"));
#endif
}

} // namespace keel::platform
