#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace keel::derp {

// The JSON sealed inside a ClientInfo frame (spec A.4). Keys are matched case-insensitively, as
// Go's decoder does ("version", "meshKey", "CanAckPings", "IsProber", "AppName").
struct ClientInfo
{
    int version = 0;
    QString meshKey;        // 64 hex or empty
    bool canAckPings = false;
    bool isProber = false;
    QString appName;

    QByteArray toJson() const;
    // Nothing (and `error` set) for something that is not a JSON object or has mistyped fields.
    static std::optional<ClientInfo> fromJson(const QByteArray& json, QString* error);
};

// The JSON sealed inside a ServerInfo frame.
struct ServerInfo
{
    int version = 2;
    qint64 tokenBucketBytesPerSecond = 0;
    qint64 tokenBucketBytesBurst = 0;

    QByteArray toJson() const;
    static std::optional<ServerInfo> fromJson(const QByteArray& json, QString* error);
};

} // namespace keel::derp
