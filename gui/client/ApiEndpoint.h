#pragma once

#include <QString>
#include <QUrl>

namespace keel::gui {

// Where the admin API is: a unix socket (this computer's server, or a `keel` daemon on it: no key,
// the socket's permissions are the access control) or a URL with an API key.
struct ApiEndpoint
{
    QString socketPath;
    QUrl baseUrl;
    QString apiKey;
    bool insecure = false;   // accept any TLS certificate (a self-signed test server)

    bool isSocket() const { return !socketPath.isEmpty(); }
    bool isValid() const { return isSocket() || baseUrl.isValid(); }
    QString describe() const { return isSocket() ? socketPath : baseUrl.toString(QUrl::RemoveUserInfo); }
};

} // namespace keel::gui
