#pragma once

#include <QByteArray>
#include <QString>

namespace keel::server {

// What `GET /` shows a person who opens the server's URL in a browser: what this server is and
// how a device joins it. Self-contained HTML (inline style, no scripts, nothing fetched from
// elsewhere), so it works on a tailnet with no Internet access and leaks nothing.
class WelcomePage
{
public:
    static QByteArray render(const QString& serverUrl, const QString& version);
};

} // namespace keel::server
