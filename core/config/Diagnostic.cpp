#include "config/Diagnostic.h"

namespace keel::config {

QString Diagnostic::toString() const
{
    QString out = file.isEmpty() ? QStringLiteral("config") : file;
    if (line > 0) {
        out += QLatin1Char(':') + QString::number(line);
        if (column > 0)
            out += QLatin1Char(':') + QString::number(column);
    }
    out += QStringLiteral(": ");
    if (severity == Severity::Warning)
        out += QStringLiteral("warning: ");
    // Messages kept in Headscale's words often start with the key already ("server_url must
    // start with ..."): then it is not said twice.
    if (!keyPath.isEmpty() && !message.startsWith(keyPath + QLatin1Char(' ')))
        out += keyPath + QStringLiteral(": ");
    out += message;
    if (!hint.isEmpty())
        out += QStringLiteral(" (hint: ") + hint + QLatin1Char(')');
    return out;
}

} // namespace keel::config
