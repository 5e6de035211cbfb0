#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace keel::control {

// A decoded tailcfg.RegisterRequest (control.md 3.1). Parsing is strict where a wrong value could
// do harm (keys, times) and lenient elsewhere (unknown fields are ignored, as Go does).
struct RegistrationRequest
{
    int version = 0;
    QString nodeKey;      // "nodekey:..." (never zero)
    QString oldNodeKey;   // empty when zero/absent
    QString nlKey;
    QString authKey;
    std::optional<QDateTime> expiry; // absent when zero
    QString followup;
    QJsonObject hostinfo;
    QByteArray hostinfoJson;
    bool ephemeral = false;
    QStringList requestTags;

    // Returns std::nullopt and sets *error for a body that is not a usable RegisterRequest.
    static std::optional<RegistrationRequest> parse(const QByteArray& body, QString* error);
    // Go's time.Time text; std::nullopt for the zero time; *ok false for garbage.
    static std::optional<QDateTime> parseGoTime(const QString& text, bool* ok);
};

} // namespace keel::control
