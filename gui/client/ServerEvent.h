#pragma once

#include <QJsonObject>
#include <QString>

namespace keel::gui {

// One event of the admin event stream (`GET /api/v1/events`): its type ("node.changed", ...),
// sequence number, the server process's epoch and the whole JSON payload.
struct ServerEvent
{
    QString type;
    qint64 seq = 0;
    QString epoch;
    QJsonObject data;
};

} // namespace keel::gui
