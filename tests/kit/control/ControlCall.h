#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace keel::control {
class ControlClient;
}

namespace keel::test {

// One request on a connected ControlClient, waited for: its status (0 if none came within 15 s).
// The body is sent as compact JSON (none when empty); what arrives is appended to `reply`. With
// `waitForEnd` false it returns once the headers (and, with `reply`, the first bytes: a map
// stream's first message has begun) have come, leaving a long-poll stream open.
int callAndWait(control::ControlClient& client, const QByteArray& method, const QByteArray& path, const QJsonObject& body,
                QByteArray* reply = nullptr, bool waitForEnd = true);

} // namespace keel::test
