#include "server/WelcomePage.h"

namespace keel::server {

QByteArray WelcomePage::render(const QString& serverUrl, const QString& version)
{
    const QString url = serverUrl.toHtmlEscaped();
    const QString html = QStringLiteral(R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keel: a Tailscale control server</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 42em; margin: 3em auto; padding: 0 1em; color: #222; }
code, pre { font-family: ui-monospace, monospace; background: #f3f3f3; border-radius: 4px; }
pre { padding: .8em 1em; overflow-x: auto; }
code { padding: 0 .2em; }
footer { margin-top: 3em; color: #777; font-size: 90%; }
</style>
</head>
<body>
<h1>Keel</h1>
<p>This is <strong>%1</strong>, a Keel server: a self-hosted coordination server for
<a href="https://tailscale.com/download">Tailscale</a> clients (it does the job of Headscale). Devices
that log in here form a private network with each other.</p>
<h2>Join this network</h2>
<p>Install Tailscale on the device, then point it at this server:</p>
<pre>tailscale up --login-server=%1</pre>
<p>Tailscale prints a link; the administrator of this server approves the device from it. With a
pre-auth key from the administrator the device joins at once:</p>
<pre>tailscale up --login-server=%1 --authkey=&lt;key&gt;</pre>
<p>On phones and desktop apps, set the custom coordination (login) server to <code>%1</code> in
Tailscale's settings.</p>
<h2>Administer it</h2>
<p>On the server machine: <code>keel users create NAME</code>, then
<code>keel preauthkeys create --user ID</code>; <code>keel --help</code> lists the rest.</p>
<footer>Keel %2</footer>
</body>
</html>
)").arg(url, version.toHtmlEscaped());
    return html.toUtf8();
}

} // namespace keel::server
