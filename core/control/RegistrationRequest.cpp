#include "control/RegistrationRequest.h"

#include "crypto/Keys.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace keel::control {

std::optional<QDateTime> RegistrationRequest::parseGoTime(const QString& text, bool* ok)
{
    *ok = true;
    if (text.isEmpty() || text.startsWith(QLatin1String("0001-01-01T00:00:00")))
        return std::nullopt;
    // Qt reads at most millisecond fractions; Go may send nanoseconds: cut the extra digits.
    QString t = text;
    const int dot = int(t.indexOf(QLatin1Char('.')));
    if (dot > 0) {
        int end = dot + 1;
        while (end < t.size() && t[end].isDigit())
            ++end;
        if (end - dot - 1 > 3)
            t.remove(dot + 4, end - dot - 4);
    }
    QDateTime d = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!d.isValid()) {
        *ok = false;
        return std::nullopt;
    }
    return d.toUTC();
}

std::optional<RegistrationRequest> RegistrationRequest::parse(const QByteArray& body, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (doc.isNull() || !doc.isObject()) {
        *error = QStringLiteral("invalid RegisterRequest JSON: %1").arg(pe.error == QJsonParseError::NoError ? QStringLiteral("not an object") : pe.errorString());
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    RegistrationRequest r;
    r.version = o.value(QStringLiteral("Version")).toInt();
    QString keyError;
    const auto nodeKey = crypto::NodePublic::parse(o.value(QStringLiteral("NodeKey")).toString(), &keyError);
    if (!nodeKey || nodeKey->isZero()) {
        *error = QStringLiteral("invalid NodeKey: %1").arg(nodeKey ? QStringLiteral("zero key") : keyError);
        return std::nullopt;
    }
    r.nodeKey = nodeKey->toString();
    const QString oldText = o.value(QStringLiteral("OldNodeKey")).toString();
    if (!oldText.isEmpty()) {
        const auto old = crypto::NodePublic::parse(oldText, &keyError);
        if (!old) {
            *error = QStringLiteral("invalid OldNodeKey: %1").arg(keyError);
            return std::nullopt;
        }
        if (!old->isZero())
            r.oldNodeKey = old->toString();
    }
    r.nlKey = o.value(QStringLiteral("NLKey")).toString();
    r.authKey = o.value(QStringLiteral("Auth")).toObject().value(QStringLiteral("AuthKey")).toString().trimmed();
    bool ok = true;
    r.expiry = parseGoTime(o.value(QStringLiteral("Expiry")).toString(), &ok);
    if (!ok) {
        *error = QStringLiteral("invalid Expiry");
        return std::nullopt;
    }
    r.followup = o.value(QStringLiteral("Followup")).toString();
    const QJsonValue hi = o.value(QStringLiteral("Hostinfo"));
    if (hi.isObject()) {
        r.hostinfo = hi.toObject();
        r.hostinfoJson = QJsonDocument(r.hostinfo).toJson(QJsonDocument::Compact);
        for (const QJsonValue& t : r.hostinfo.value(QStringLiteral("RequestTags")).toArray())
            r.requestTags << t.toString();
    } else if (!hi.isUndefined() && !hi.isNull()) {
        *error = QStringLiteral("invalid Hostinfo");
        return std::nullopt;
    }
    r.ephemeral = o.value(QStringLiteral("Ephemeral")).toBool();
    return r;
}

} // namespace keel::control
