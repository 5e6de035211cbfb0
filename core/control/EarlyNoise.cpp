#include "control/EarlyNoise.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

namespace keel::control {

const char EarlyNoise::kMagic[kMagicSize + 1] = "\xff\xff\xffTS";

QByteArray EarlyNoise::encode(const crypto::ChallengePublic& challenge)
{
    const QByteArray json =
        QJsonDocument(QJsonObject{{QStringLiteral("nodeKeyChallenge"), challenge.toString()}}).toJson(QJsonDocument::Compact);
    QByteArray out(kHeaderSize, Qt::Uninitialized);
    memcpy(out.data(), kMagic, kMagicSize);
    qToBigEndian(quint32(json.size()), out.data() + kMagicSize);
    return out + json;
}

std::optional<crypto::ChallengePublic> EarlyNoise::parseJson(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("early payload is not a JSON object");
        return std::nullopt;
    }
    // Go's decoder matches keys case-insensitively; a real server always sends this spelling.
    const QJsonValue value = doc.object().value(QStringLiteral("nodeKeyChallenge"));
    if (value.isUndefined() || value.isNull())
        return crypto::ChallengePublic();  // absent: the zero key, as Go leaves it
    QString keyError;
    auto key = crypto::ChallengePublic::parse(value.toString(), &keyError);
    if (!key) {
        *error = QStringLiteral("early payload nodeKeyChallenge: %1").arg(keyError);
        return std::nullopt;
    }
    return key;
}

} // namespace keel::control
