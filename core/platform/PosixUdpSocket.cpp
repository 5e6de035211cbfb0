// POSIX: the STUN server's non-blocking UDP socket.
#include "platform/UdpSocket.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace keel::platform {

namespace {

quint16 portOf(const sockaddr_storage& ss)
{
    return ss.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port)
                                   : ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
}

} // namespace

UdpSocket::~UdpSocket()
{
    close();
}

bool UdpSocket::bind(const QHostAddress& address, quint16 port, QString* error)
{
    const bool v4 = address.protocol() == QAbstractSocket::IPv4Protocol;
#ifdef SOCK_NONBLOCK
    const int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
    const int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
#endif
    if (fd < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    m_fd = fd;
#ifndef SOCK_NONBLOCK
    // macOS has no SOCK_NONBLOCK/SOCK_CLOEXEC: the same flags, set right after.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (v4) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(address.toIPv4Address());
        len = sizeof(sockaddr_in);
    } else {
        // Any (":3478") takes both families; "[::]" and a specific IPv6 address only IPv6.
        const int v6only = address == QHostAddress::Any ? 0 : 1;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        const Q_IPV6ADDR a = address == QHostAddress::Any ? Q_IPV6ADDR{} : address.toIPv6Address();
        std::memcpy(&sin6->sin6_addr, &a, 16);
        len = sizeof(sockaddr_in6);
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        close();
        return false;
    }
    QHostAddress local;
    local.setAddress(reinterpret_cast<sockaddr*>(&ss));
    m_localAddress = address == QHostAddress::Any ? address : local;
    m_localPort = portOf(ss);
    return true;
}

void UdpSocket::close()
{
    if (m_fd >= 0)
        ::close(int(m_fd));
    m_fd = -1;
}

qint64 UdpSocket::receive(char* buffer, qint64 size, Peer* from)
{
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    const ssize_t n = ::recvfrom(int(m_fd), buffer, size_t(size), 0, reinterpret_cast<sockaddr*>(&ss), &len);
    if (n < 0)
        return -1; // EAGAIN: drained (other errors: nothing to do for UDP but wait)
    static_assert(sizeof(ss) <= sizeof(Peer::raw));
    std::memcpy(from->raw.data(), &ss, len);
    from->rawLength = int(len);
    from->address.setAddress(reinterpret_cast<const sockaddr*>(&ss));
    from->port = portOf(ss);
    return n;
}

bool UdpSocket::send(const char* data, qint64 size, const Peer& to)
{
    return ::sendto(int(m_fd), data, size_t(size), 0, reinterpret_cast<const sockaddr*>(to.raw.data()), socklen_t(to.rawLength)) == size;
}

} // namespace keel::platform
