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
// `title` says what went wrong; `detail` why, in a sentence for the person at the browser.
QByteArray error(const QString& title, const QString& detail);

} // namespace OidcPages

} // namespace keel::server
