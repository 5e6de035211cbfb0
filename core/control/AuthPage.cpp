#include "control/AuthPage.h"

namespace keel::control {

QByteArray AuthPage::render(const Content& c)
{
    QString blocks;
    for (const QString& command : c.commands)
        blocks += QStringLiteral("<pre>%1</pre>").arg(command.toHtmlEscaped());
    const QString note = c.note.isEmpty() ? QString() : QStringLiteral("<p class=\"note\">%1</p>").arg(c.note.toHtmlEscaped());
    const QString html = QStringLiteral(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Keel: %1</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem;color:#1d2330}"
        "h1{font-size:1.5rem}code,pre{font-family:ui-monospace,monospace}"
        "pre{background:#f1f3f7;border:1px solid #d7dbe3;border-radius:6px;padding:1rem;overflow-x:auto}"
        "p.note{color:#5b6475}</style></head><body>"
        "<h1>%1</h1><p>%2</p>%3%4</body></html>\n")
                             .arg(c.title.toHtmlEscaped(), c.intro.toHtmlEscaped(), blocks, note);
    return html.toUtf8();
}

} // namespace keel::control
