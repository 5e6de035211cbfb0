#include "server/OidcPages.h"

namespace keel::server::OidcPages {

namespace {

QString esc(const QString& s) { return s.toHtmlEscaped(); }

QByteArray page(const QString& title, const QString& body)
{
    return QStringLiteral(
               "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<title>Keel: %1</title>"
               "<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem;color:#1d2330}"
               "h1{font-size:1.5rem}code{font-family:ui-monospace,monospace}dt{font-weight:600}dd{margin:0 0 .5rem 0}"
               "button{font-size:1rem;padding:.5rem 1.25rem;border-radius:6px;border:1px solid #2b59c3;background:#2b59c3;color:#fff}"
               "p.note{color:#5b6475}</style></head><body>\n<h1>%1</h1>\n%2\n</body></html>\n")
        .arg(esc(title), body)
        .toUtf8();
}

} // namespace

QByteArray confirm(const Confirm& c)
{
    const QString body = QStringLiteral(
        "<p>You are signed in as <strong>%1</strong>. Register this machine to your account?</p>"
        "<dl><dt>Machine</dt><dd>%2</dd><dt>Operating system</dt><dd>%3</dd><dt>Machine key</dt><dd><code>%4</code></dd></dl>"
        "<form method=\"post\" action=\"/register/confirm/%5\">"
        "<input type=\"hidden\" name=\"csrf_token\" value=\"%6\">"
        "<button type=\"submit\">Register this machine</button></form>"
        "<p class=\"note\">Only continue if you started this login yourself on that machine: a link someone "
        "else sent you would put their machine on your account.</p>")
                             .arg(esc(c.userLabel), esc(c.hostname.isEmpty() ? QStringLiteral("(unnamed)") : c.hostname),
                                  esc(c.os.isEmpty() ? QStringLiteral("(unknown)") : c.os), esc(c.machineKey), esc(c.authId),
                                  esc(c.csrfToken));
    return page(QStringLiteral("Confirm machine registration"), body);
}

QByteArray registered(const QString& hostname, const QString& userLabel)
{
    return page(QStringLiteral("Machine registered"),
                QStringLiteral("<p>%1 is now registered to <strong>%2</strong>. You can close this window; "
                               "the machine connects on its own.</p>")
                    .arg(esc(hostname.isEmpty() ? QStringLiteral("The machine") : hostname), esc(userLabel)));
}

QByteArray error(const QString& title, const QString& detail)
{
    return page(title, QStringLiteral("<p>%1</p><p class=\"note\">Nothing was registered. Start again from the "
                                      "machine (<code>tailscale up</code> or <code>tailscale login</code>) to get a new link.</p>")
                           .arg(esc(detail)));
}

QByteArray sshConfirm(const SshConfirm& c)
{
    const QString body = QStringLiteral(
        "<p>You are signed in as <strong>%1</strong>. Let this Tailscale SSH connection in?</p>"
        "<dl><dt>From</dt><dd>%2</dd><dt>To</dt><dd>%3</dd><dt>As local user</dt><dd><code>%4</code></dd></dl>"
        "<form method=\"post\" action=\"/auth/confirm/%5\">"
        "<input type=\"hidden\" name=\"csrf_token\" value=\"%6\">"
        "<button type=\"submit\">Approve this connection</button></form>"
        "<p class=\"note\">Only continue if you are making this connection yourself, right now: a link someone "
        "else sent you would let their connection in as you.</p>")
                             .arg(esc(c.userLabel), esc(c.from), esc(c.to), esc(c.localUser), esc(c.authId), esc(c.csrfToken));
    return page(QStringLiteral("Confirm SSH connection"), body);
}

QByteArray sshApproved(const QString& from, const QString& to, const QString& localUser)
{
    return page(QStringLiteral("SSH session authorized"),
                QStringLiteral("<p>The connection from %1 to %2 as <code>%3</code> is approved. You can close this "
                               "window; your SSH session continues on its own.</p>")
                    .arg(esc(from), esc(to), esc(localUser)));
}

QByteArray sshError(const QString& title, const QString& detail)
{
    return page(title, QStringLiteral("<p>%1</p><p class=\"note\">The SSH connection was not approved. It waits until "
                                      "its owner approves it or the check expires; connect again for a new link.</p>")
                           .arg(esc(detail)));
}

} // namespace keel::server::OidcPages
