#pragma once

#include <QHostAddress>
#include <QString>

#include <array>
#include <cstddef>

namespace keel::platform {

// A plain non-blocking UDP socket for the STUN server: bound once, read through a QSocketNotifier
// on descriptor(), answered in place. Qt's QUdpSocket would copy every datagram through its own
// buffers and events; STUN answers a flood of tiny requests, so it reads the socket directly.
class UdpSocket
{
public:
    // A datagram's sender, kept in the system's own address form so the reply goes back exactly
    // where the request came from (a dual-stack socket sees IPv4 senders as ::ffff:a.b.c.d).
    struct Peer
    {
        QHostAddress address;
        quint16 port = 0;
        alignas(8) std::array<std::byte, 128> raw{};
        int rawLength = 0;
    };

    UdpSocket() = default;
    ~UdpSocket();
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    // Binds to address:port. QHostAddress::Any takes IPv4 and IPv6; an IPv6 address only IPv6.
    bool bind(const QHostAddress& address, quint16 port, QString* error);
    void close();
    bool isOpen() const { return m_fd >= 0; }
    qintptr descriptor() const { return m_fd; }
    QHostAddress localAddress() const { return m_localAddress; }
    quint16 localPort() const { return m_localPort; }

    // One datagram into `buffer`; -1 when none is waiting.
    qint64 receive(char* buffer, qint64 size, Peer* from);
    // True when the whole datagram was sent.
    bool send(const char* data, qint64 size, const Peer& to);

private:
    qintptr m_fd = -1;
    QHostAddress m_localAddress;
    quint16 m_localPort = 0;
};

} // namespace keel::platform
