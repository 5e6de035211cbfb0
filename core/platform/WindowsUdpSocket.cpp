// Windows: the STUN server's non-blocking UDP socket on Winsock. (Compiled only for Windows.)
#include "platform/UdpSocket.h"

#include <cstring>

#include <winsock2.h>
#include <ws2tcpip.h>

namespace keel::platform {

namespace {

quint16 portOf(const sockaddr_storage& ss)
{
    return ss.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port)
                                   : ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
}

QString lastError()
{
    return QStringLiteral("Winsock error %1").arg(WSAGetLastError());
}

} // namespace

UdpSocket::~UdpSocket()
{
    close();
}

bool UdpSocket::bind(const QHostAddress& address, quint16 port, QString* error)
{
    // Qt Network has called WSAStartup by the time a server binds (QHostAddress, the TCP listener).
    WSADATA data;
    WSAStartup(MAKEWORD(2, 2), &data);
    const bool v4 = address.protocol() == QAbstractSocket::IPv4Protocol;
    const SOCKET s = ::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    if (s == INVALID_SOCKET) {
        *error = lastError();
        return false;
    }
    m_fd = qintptr(s);
    u_long nonBlocking = 1;
    ioctlsocket(s, FIONBIO, &nonBlocking);
    // A datagram answered with ICMP "port unreachable" must not make the next recvfrom fail.
    BOOL reportReset = FALSE;
    DWORD ignored = 0;
    WSAIoctl(s, _WSAIOW(IOC_VENDOR, 12) /* SIO_UDP_CONNRESET */, &reportReset, sizeof reportReset, nullptr, 0, &ignored, nullptr, nullptr);
    sockaddr_storage ss{};
    int len = 0;
    if (v4) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(address.toIPv4Address());
        len = sizeof(sockaddr_in);
    } else {
        const DWORD v6only = address == QHostAddress::Any ? 0 : 1;
        ::setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&v6only), sizeof v6only);
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        const Q_IPV6ADDR a = address == QHostAddress::Any ? Q_IPV6ADDR{} : address.toIPv6Address();
        std::memcpy(&sin6->sin6_addr, &a, 16);
        len = sizeof(sockaddr_in6);
    }
    if (::bind(s, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::getsockname(s, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
        *error = lastError();
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
        ::closesocket(SOCKET(m_fd));
    m_fd = -1;
}

qint64 UdpSocket::receive(char* buffer, qint64 size, Peer* from)
{
    sockaddr_storage ss{};
    int len = sizeof ss;
    const int n = ::recvfrom(SOCKET(m_fd), buffer, int(size), 0, reinterpret_cast<sockaddr*>(&ss), &len);
    if (n == SOCKET_ERROR)
        return -1;
    static_assert(sizeof(ss) <= sizeof(Peer::raw));
    std::memcpy(from->raw.data(), &ss, size_t(len));
    from->rawLength = len;
    from->address.setAddress(reinterpret_cast<const sockaddr*>(&ss));
    from->port = portOf(ss);
    return n;
}

bool UdpSocket::send(const char* data, qint64 size, const Peer& to)
{
    return ::sendto(SOCKET(m_fd), data, int(size), 0, reinterpret_cast<const sockaddr*>(to.raw.data()), to.rawLength) == size;
}

} // namespace keel::platform
