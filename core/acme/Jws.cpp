#include "acme/Jws.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace keel::acme {

QByteArray Jws::sign(const AccountKey& key, const QString& url, const QByteArray& nonce, const QString& kid,
                     const QByteArray& payload)
{
    QJsonObject header{{QStringLiteral("alg"), QStringLiteral("ES256")},
                       {QStringLiteral("nonce"), QString::fromLatin1(nonce)},
                       {QStringLiteral("url"), url}};
    if (kid.isEmpty())
        header.insert(QStringLiteral("jwk"), key.jwk());
    else
        header.insert(QStringLiteral("kid"), kid);
    const QByteArray protectedPart = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact));
    const QByteArray payloadPart = payload.isNull() ? QByteArray("") : base64Url(payload);
    const QByteArray signature = key.sign(protectedPart + '.' + payloadPart);
    if (signature.isEmpty())
        return {};
    const QJsonObject body{{QStringLiteral("protected"), QString::fromLatin1(protectedPart)},
                           {QStringLiteral("payload"), QString::fromLatin1(payloadPart)},
                           {QStringLiteral("signature"), QString::fromLatin1(base64Url(signature))}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace keel::acme
