#pragma once

#include <QString>

class QLocalServer;

namespace keel::platform {

// The admin endpoint: a unix socket at the configured path on POSIX; on Windows a named pipe whose
// name is derived from that path (\\.\pipe\keel-<path with separators replaced>), or the path
// itself when it already names a pipe. Server and CLI both go through this, so they meet.
QString localEndpointName(const QString& configuredPath);

// Listens on the admin endpoint. POSIX: the socket file gets `permissions` (octal bits). Windows:
// the pipe's ACL grants the account Keel runs as, and nobody else (the bits are not used there).
bool listenLocalEndpoint(QLocalServer& server, const QString& configuredPath, int permissions, QString* error);

// The user id of the process at the other end of an accepted local connection, or -1 where the
// platform cannot tell (Windows pipes).
qint64 localPeerUid(qintptr socketDescriptor);

} // namespace keel::platform
