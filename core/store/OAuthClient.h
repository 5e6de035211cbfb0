#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace keel::store {

// An OAuth client of the Tailscale-compatible API (/api/v2, docs/api-v2.md): it trades its secret
// for short-lived access tokens carrying its scopes. The secret is kept only as a SHA-256 hash.
struct OAuthClient
{
    qint64 id = 0;
    QString clientId;      // public, e.g. "kT3x9..."; also embedded in the secret
    QString description;
    QStringList scopes;    // Tailscale scope names ("devices:core", "auth_keys:read", "all")
    QStringList tags;      // the tags auth keys made through this client must carry (sorted)
    QDateTime createdAt;
    std::optional<QDateTime> lastUsed;
};

// What createOAuthClient takes.
struct NewOAuthClient
{
    QString description;
    QStringList scopes;
    QStringList tags;
};

// What createOAuthClient returns: the record and, this once, the secret
// ("tskey-client-<clientId>-<random>", the form Tailscale's tools recognise).
struct CreatedOAuthClient
{
    OAuthClient client;
    QString secret;
};

} // namespace keel::store
