#pragma once

#include <QByteArray>
#include <QString>

namespace keel::server {

// The HTML a person sees during an OIDC login: the confirmation before a machine is registered,
// the result, and the refusals and failures. Every value is escaped; no page loads anything.
namespace OidcPages {

struct Confirm
{
    QString authId;
    QString csrfToken;
    QString userLabel;     // "Alice Example (alice@example.com)"
    QString hostname;
    QString os;
    QString machineKey;    // short prefix
};

QByteArray confirm(const Confirm& c);
QByteArray registered(const QString& hostname, const QString& userLabel);
// Tailscale SSH check mode: what is being approved, the result, and a refusal.
struct SshConfirm
{
    QString authId;
    QString csrfToken;
    QString userLabel;
    QString from;      // the source node's name
    QString to;        // the destination node's name
    QString localUser;
};
QByteArray sshConfirm(const SshConfirm& c);
QByteArray sshApproved(const QString& from, const QString& to, const QString& localUser);
QByteArray sshError(const QString& title, const QString& detail);

// `title` says what went wrong; `detail` why, in a sentence for the person at the browser.
QByteArray error(const QString& title, const QString& detail);

} // namespace OidcPages

} // namespace keel::server
