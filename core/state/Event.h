#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace keel::state {

// One thing that happened to the tailnet, as every watcher sees it (GET /api/v1/events, the GUI,
// the audit log). `payload` is the type's JSON (node, user, key, registration ...); toJson() is
// the SSE `data:` line: payload plus seq, type, time and epoch.
struct Event
{
    quint64 seq = 0;
    QString type;       // "node.added", "user.changed", ... (docs/events.md)
    QDateTime time;
    QString epoch;      // new for every server process: a watcher seeing another one resyncs
    QJsonObject payload;

    QJsonObject toJson() const;
};

// Who did something, for the audit log: "unix:<uid>", "apikey:<prefix>", "oidc:<user>",
// "node:<id>", or "system" (timers, start-up).
struct Actor
{
    QString name = QStringLiteral("system");

    static Actor system() { return {}; }
    static Actor of(const QString& name) { return {name}; }
};

} // namespace keel::state
