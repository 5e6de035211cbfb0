#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace keel::store {

// A pre-auth key as listed (spec D.3 "PreAuthKey"). The secret itself is never kept: only its hash,
// which does not leave the store. `legacyKey` is set only for plaintext keys imported from
// Headscale <= 0.26 (48 hex characters), which are looked up by equality and listed in full.
struct PreAuthKey
{
    qint64 id = 0;
    QString prefix;                 // 12 URL-safe characters; empty for a legacy key
    QString legacyKey;
    std::optional<qint64> userId;   // owner (user-owned key) or creator (tagged key)
    bool reusable = false;
    bool ephemeral = false;
    bool used = false;
    std::optional<QDateTime> expiration; // absent = never
    QDateTime createdAt;
    QStringList tags;               // sorted, de-duplicated "tag:x"
    bool preApproved = false;       // nodes it registers skip device approval

    // What lists show: "hskey-auth-<prefix>-***", or a legacy key in full.
    QString displayKey() const;
    bool isExpired(const QDateTime& now) const { return expiration && *expiration < now; }
};

// What createPreAuthKey takes.
struct NewPreAuthKey
{
    std::optional<qint64> userId;
    bool reusable = false;
    bool ephemeral = false;
    std::optional<QDateTime> expiration;
    QStringList tags;
    bool preApproved = false;
};

// What createPreAuthKey returns: the record and, this once, the full secret key text.
struct CreatedPreAuthKey
{
    PreAuthKey key;
    QString fullKey;
};

} // namespace keel::store
