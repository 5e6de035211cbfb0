// Windows: direct TCP writes (Winsock) and the admin named pipe. (Compiled only for Windows.)
#include "platform/Endpoint.h"
#include "platform/Sockets.h"

#include <QLocalServer>

#include <winsock2.h>

namespace keel::platform {

qint64 sendNow(qintptr socketDescriptor, const char* data, qint64 size)
{
    // Qt keeps its sockets non-blocking on Windows too, and Windows has no SIGPIPE.
    const int n = ::send(SOCKET(socketDescriptor), data, int(qMin<qint64>(size, 1 << 30)), 0);
    return n == SOCKET_ERROR ? -1 : qint64(n);
}

qint64 peekNow(qintptr socketDescriptor, char* buffer, qint64 size)
{
    // The accepted socket is non-blocking (Qt's listener sets it so); MSG_PEEK leaves the bytes.
    const int n = ::recv(SOCKET(socketDescriptor), buffer, int(qMin<qint64>(size, 1 << 30)), MSG_PEEK);
    if (n != SOCKET_ERROR)
        return qint64(n);
    return WSAGetLastError() == WSAEWOULDBLOCK ? -1 : -2;
}

void closeSocket(qintptr socketDescriptor)
{
    ::closesocket(SOCKET(socketDescriptor));
}

qint64 localPeerUid(qintptr)
{
    return -1; // a pipe client has a SID, not a uid
}

bool listenLocalEndpoint(QLocalServer& server, const QString& configuredPath, int permissions, QString* error)
{
    Q_UNUSED(permissions);
    // UserAccessOption alone: Qt creates the pipe with a DACL holding one entry, the account this
    // process runs as; group and world entries are never added.
    server.setSocketOptions(QLocalServer::UserAccessOption);
    const QString name = localEndpointName(configuredPath);
    if (!server.listen(name)) {
        *error = QStringLiteral("cannot listen on named pipe \\\\.\\pipe\\%1: %2").arg(name, server.errorString());
        return false;
    }
    return true;
}

} // namespace keel::platform
