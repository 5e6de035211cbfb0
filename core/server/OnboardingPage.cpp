#include "server/OnboardingPage.h"

#include <QStringList>

namespace keel::server {

namespace {

QString pre(const QString& command) { return QStringLiteral("<pre>%1</pre>").arg(command.toHtmlEscaped()); }

} // namespace

QByteArray OnboardingPage::render(const QString& serverUrl, const QString& focus)
{
    const QString url = serverUrl.toHtmlEscaped();
    const QString login = pre(QStringLiteral("tailscale login --login-server %1").arg(serverUrl));
    const QString apple = QStringLiteral(
        "<section id=\"apple\"><h2>macOS, iOS and tvOS</h2>"
        "<p><b>macOS, from a terminal</b> (the client's command-line tool):</p>%1"
        "<p><b>macOS, as the default server</b> of the App Store client, then restart Tailscale:</p>%2"
        "<p>and of the standalone client:</p>%3"
        "<p><b>iOS and tvOS:</b> in the Tailscale app, open the account menu, choose to log in, pick "
        "the option to use a custom coordination server from the options menu and enter <code>%4</code>.</p>"
        "</section>")
                              .arg(login, pre(QStringLiteral("defaults write io.tailscale.ipn.macos ControlURL %1").arg(serverUrl)),
                                   pre(QStringLiteral("defaults write io.tailscale.ipn.macsys ControlURL %1").arg(serverUrl)), url);
    const QString windows = QStringLiteral(
        "<section id=\"windows\"><h2>Windows</h2>"
        "<p>Install Tailscale for Windows, then in a Command Prompt or PowerShell:</p>%1"
        "<p>To make this server the default for every user of the machine (as an administrator), set "
        "the <code>LoginURL</code> system policy:</p>%2</section>")
                                .arg(login, pre(QStringLiteral("reg add \"HKLM\\SOFTWARE\\Policies\\Tailscale\" /v LoginURL /t REG_SZ /d %1 /f").arg(serverUrl)));
    const QString unix = QStringLiteral(
        "<section id=\"linux\"><h2>Linux and other command-line clients</h2>%1"
        "<p>Add <code>--authkey</code> with a pre-auth key (<code>keel preauthkeys create --user USER</code>) "
        "to join without the browser step.</p></section>")
                             .arg(pre(QStringLiteral("tailscale up --login-server %1").arg(serverUrl)));
    QStringList sections{unix, apple, windows};
    if (focus == QLatin1String("apple"))
        sections = {apple, unix, windows};
    else if (focus == QLatin1String("windows"))
        sections = {windows, unix, apple};
    const QString html = QStringLiteral(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Keel: connect a device</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1d2330}"
        "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}code,pre{font-family:ui-monospace,monospace}"
        "pre{background:#f1f3f7;border:1px solid #d7dbe3;border-radius:6px;padding:1rem;overflow-x:auto}</style></head><body>"
        "<h1>Connect a device to %1</h1>"
        "<p>This server coordinates a Tailscale network. Point the Tailscale client at it; after the "
        "login step an administrator approves the device (or a pre-auth key does).</p>%2</body></html>\n")
                             .arg(url, sections.join(QString()));
    return html.toUtf8();
}

} // namespace keel::server
