#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace keel::gui {

// The answer to one admin API call.
struct ApiReply
{
    int status = 0;            // 0: no answer (transportError says why)
    QByteArray body;
    QString transportError;

    bool ok() const { return status >= 200 && status < 300; }
    QJsonObject json() const;
    // What went wrong, for the user: the transport error or the API's problem detail.
    QString errorMessage() const;
};

} // namespace keel::gui
