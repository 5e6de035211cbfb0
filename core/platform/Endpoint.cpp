#include "platform/Endpoint.h"

namespace keel::platform {

QString localEndpointName(const QString& configuredPath)
{
#ifdef Q_OS_WIN
    // A pipe name may hold any character but a backslash; Qt prefixes \\.\pipe\ itself.
    static const QString pipePrefix = QStringLiteral("\\\\.\\pipe\\");
    if (configuredPath.startsWith(pipePrefix, Qt::CaseInsensitive))
        return configuredPath.mid(pipePrefix.size());
    QString name = configuredPath.toLower();
    for (QChar& c : name)
        if (c == QLatin1Char('\\') || c == QLatin1Char('/') || c == QLatin1Char(':'))
            c = QLatin1Char('-');
    return QStringLiteral("keel-") + name;
#else
    return configuredPath;
#endif
}

} // namespace keel::platform
