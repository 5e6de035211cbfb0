// POSIX: direct TCP writes and unix-socket peer credentials.
#include "platform/Endpoint.h"
#include "platform/Sockets.h"

#include <QFile>
#include <QLocalServer>

#include <cerrno>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace keel::platform {

qint64 sendNow(qintptr socketDescriptor, const char* data, qint64 size)
{
#ifdef MSG_NOSIGNAL
    const int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
    const int flags = MSG_DONTWAIT; // macOS: Qt sets SO_NOSIGPIPE on its sockets
#endif
    const ssize_t n = ::send(int(socketDescriptor), data, size_t(size), flags);
    return n < 0 ? -1 : qint64(n);
}

qint64 peekNow(qintptr socketDescriptor, char* buffer, qint64 size)
{
    const ssize_t n = ::recv(int(socketDescriptor), buffer, size_t(size), MSG_PEEK | MSG_DONTWAIT);
    if (n >= 0)
        return qint64(n);
    return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -1 : -2;
}

void closeSocket(qintptr socketDescriptor)
{
    ::close(int(socketDescriptor));
}

qint64 localPeerUid(qintptr socketDescriptor)
{
    if (socketDescriptor < 0)
        return -1;
#ifdef SO_PEERCRED
    struct ucred cred = {};
    socklen_t len = sizeof cred;
    if (getsockopt(int(socketDescriptor), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return -1;
    return qint64(cred.uid);
#else
    uid_t uid = 0;
    gid_t gid = 0;
    if (getpeereid(int(socketDescriptor), &uid, &gid) != 0)
        return -1;
    return qint64(uid);
#endif
}

bool listenLocalEndpoint(QLocalServer& server, const QString& configuredPath, int permissions, QString* error)
{
    // Permission bits are applied with chmod: QLocalServer's options only know user/group/other
    // as a whole, and the config gives octal bits (Headscale's unix_socket_permission).
    const QString path = localEndpointName(configuredPath);
    if (!server.listen(path)) {
        *error = QStringLiteral("cannot listen on unix socket %1: %2").arg(path, server.errorString());
        return false;
    }
    if (::chmod(QFile::encodeName(path).constData(), static_cast<mode_t>(permissions)) != 0) {
        *error = QStringLiteral("cannot set permissions %1 on %2").arg(QString::number(permissions, 8), path);
        server.close();
        return false;
    }
    return true;
}

} // namespace keel::platform
