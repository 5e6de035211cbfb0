#include "ApiReply.h"

#include <QJsonDocument>

namespace keel::gui {

QJsonObject ApiReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString ApiReply::errorMessage() const
{
    if (status == 0)
        return transportError;
    const QJsonObject object = json();
    for (const char* key : {"detail", "message", "error"}) {
        const QString text = object.value(QLatin1String(key)).toString();
        if (!text.isEmpty())
            return text;
    }
    const QString text = QString::fromUtf8(body).trimmed();
    return text.isEmpty() ? QStringLiteral("HTTP status %1").arg(status) : text;
}

} // namespace keel::gui
