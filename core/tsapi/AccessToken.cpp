#include "tsapi/AccessToken.h"

#include "auth/SecretHasher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTimeZone>

namespace keel::tsapi {

namespace {

const QLatin1String Marker("keel-oauth-");
constexpr auto B64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray mac(const QByteArray& payload, const QByteArray& key)
{
    return QMessageAuthenticationCode::hash(payload, key, QCryptographicHash::Sha256).toBase64(B64);
}

} // namespace

QString AccessToken::sign(const QByteArray& key) const
{
    const QJsonObject o{{QStringLiteral("c"), QString::number(clientRowId)},
                        {QStringLiteral("s"), QJsonArray::fromStringList(scopes)},
                        {QStringLiteral("e"), QString::number(expires.toSecsSinceEpoch())}};
    const QByteArray payload = QJsonDocument(o).toJson(QJsonDocument::Compact).toBase64(B64);
    return Marker + QString::fromLatin1(payload + '.' + mac(payload, key));
}

std::optional<AccessToken> AccessToken::verify(const QString& text, const QByteArray& key, const QDateTime& now)
{
    if (key.isEmpty() || !text.startsWith(Marker))
        return std::nullopt;
    const QByteArray body = text.mid(Marker.size()).toLatin1();
    const qsizetype dot = body.indexOf('.');
    if (dot <= 0)
        return std::nullopt;
    const QByteArray payload = body.left(dot);
    if (!auth::SecretHasher::constantTimeEquals(mac(payload, key), body.mid(dot + 1)))
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(payload, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(*decoded).object();
    AccessToken t;
    t.clientRowId = o.value(QStringLiteral("c")).toString().toLongLong();
    for (const QJsonValue& v : o.value(QStringLiteral("s")).toArray())
        t.scopes.append(v.toString());
    t.expires = QDateTime::fromSecsSinceEpoch(o.value(QStringLiteral("e")).toString().toLongLong(), Qt::UTC);
    if (t.clientRowId <= 0 || !(now < t.expires))
        return std::nullopt;
    return t;
}

} // namespace keel::tsapi
