#include "derp/ClientInfo.h"

#include "common/JsonNumbers.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace keel::derp {

namespace {

// Go's encoding/json matches field names case-insensitively; so do we.
QJsonValue field(const QJsonObject& object, QLatin1StringView name)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key().compare(name, Qt::CaseInsensitive) == 0)
            return it.value();
    }
    return QJsonValue(QJsonValue::Undefined);
}

bool readInt(const QJsonObject& object, QLatin1StringView name, qint64* out, QString* error)
{
    const QJsonValue v = field(object, name);
    if (v.isUndefined() || v.isNull())
        return true;
    const std::optional<qint64> n = common::jsonInteger(v);
    if (!n) {
        *error = QStringLiteral("%1 must be an integer").arg(name);
        return false;
    }
    *out = *n;
    return true;
}

bool readBool(const QJsonObject& object, QLatin1StringView name, bool* out, QString* error)
{
    const QJsonValue v = field(object, name);
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isBool()) {
        *error = QStringLiteral("%1 must be a boolean").arg(name);
        return false;
    }
    *out = v.toBool();
    return true;
}

bool readString(const QJsonObject& object, QLatin1StringView name, QString* out, QString* error)
{
    const QJsonValue v = field(object, name);
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isString()) {
        *error = QStringLiteral("%1 must be a string").arg(name);
        return false;
    }
    *out = v.toString();
    return true;
}

std::optional<QJsonObject> parseObject(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = parseError.error != QJsonParseError::NoError ? parseError.errorString() : QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    return doc.object();
}

} // namespace

QByteArray ClientInfo::toJson() const
{
    QJsonObject o;
    if (version != 0)
        o.insert(QStringLiteral("version"), version);
    if (!meshKey.isEmpty())
        o.insert(QStringLiteral("meshKey"), meshKey);
    o.insert(QStringLiteral("CanAckPings"), canAckPings);
    if (isProber)
        o.insert(QStringLiteral("IsProber"), true);
    if (!appName.isEmpty())
        o.insert(QStringLiteral("AppName"), appName);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<ClientInfo> ClientInfo::fromJson(const QByteArray& json, QString* error)
{
    const auto object = parseObject(json, error);
    if (!object)
        return std::nullopt;
    ClientInfo info;
    qint64 version = 0;
    if (!readInt(*object, QLatin1StringView("version"), &version, error)
        || !readString(*object, QLatin1StringView("meshKey"), &info.meshKey, error)
        || !readBool(*object, QLatin1StringView("CanAckPings"), &info.canAckPings, error)
        || !readBool(*object, QLatin1StringView("IsProber"), &info.isProber, error)
        || !readString(*object, QLatin1StringView("AppName"), &info.appName, error))
        return std::nullopt;
    info.version = int(qBound(qint64(0), version, qint64(1) << 20));
    return info;
}

QByteArray ServerInfo::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("version"), version);
    if (tokenBucketBytesPerSecond != 0)
        o.insert(QStringLiteral("TokenBucketBytesPerSecond"), tokenBucketBytesPerSecond);
    if (tokenBucketBytesBurst != 0)
        o.insert(QStringLiteral("TokenBucketBytesBurst"), tokenBucketBytesBurst);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<ServerInfo> ServerInfo::fromJson(const QByteArray& json, QString* error)
{
    const auto object = parseObject(json, error);
    if (!object)
        return std::nullopt;
    ServerInfo info;
    qint64 version = 0;
    if (!readInt(*object, QLatin1StringView("version"), &version, error)
        || !readInt(*object, QLatin1StringView("TokenBucketBytesPerSecond"), &info.tokenBucketBytesPerSecond, error)
        || !readInt(*object, QLatin1StringView("TokenBucketBytesBurst"), &info.tokenBucketBytesBurst, error))
        return std::nullopt;
    info.version = int(qBound(qint64(0), version, qint64(1) << 20));
    return info;
}

} // namespace keel::derp
