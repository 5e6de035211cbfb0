#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

namespace keel::store {

// An API key as listed (spec D.3 "ApiKey"); the secret is kept only as a hash.
struct ApiKey
{
    qint64 id = 0;
    QString prefix;                     // 12 URL-safe characters, or 7 for a legacy key
    std::optional<QDateTime> expiration; // absent = never
    QDateTime createdAt;
    std::optional<QDateTime> lastSeen;

    // What lists show: "hskey-api-<prefix>-***", legacy "<prefix>***".
    QString displayPrefix() const;
    bool isExpired(const QDateTime& now) const { return expiration && *expiration < now; }
};

struct CreatedApiKey
{
    ApiKey key;
    QString fullKey; // shown once
};

} // namespace keel::store
