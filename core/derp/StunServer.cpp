#include "derp/StunServer.h"

#include "common/Log.h"
#include "derp/StunPacket.h"
#include "http/HttpServer.h"

#include <QNetworkDatagram>

namespace keel::derp {

StunServer::StunServer(QObject* parent)
    : QObject(parent)
{
}

StunServer::~StunServer() = default;

bool StunServer::start(const QString& hostPort, QString* error)
{
    QHostAddress address;
    quint16 port = 0;
    if (!http::HttpServer::parseHostPort(hostPort, &address, &port, error))
        return false;
    m_socket = std::make_unique<QUdpSocket>();
    if (!m_socket->bind(address, port)) {
        if (error)
            *error = QStringLiteral("STUN: cannot bind %1: %2").arg(hostPort, m_socket->errorString());
        m_socket.reset();
        return false;
    }
    connect(m_socket.get(), &QUdpSocket::readyRead, this, &StunServer::onReadyRead);
    qCInfo(lcDerp).noquote() << "STUN listening on" << m_socket->localAddress().toString() << m_socket->localPort();
    return true;
}

void StunServer::stop()
{
    m_socket.reset();
}

quint16 StunServer::port() const
{
    return m_socket ? m_socket->localPort() : 0;
}

QHostAddress StunServer::address() const
{
    return m_socket ? m_socket->localAddress() : QHostAddress();
}

void StunServer::onReadyRead()
{
    while (m_socket && m_socket->hasPendingDatagrams()) {
        const QNetworkDatagram datagram = m_socket->receiveDatagram(2048);
        const auto id = StunPacket::parseBindingRequest(datagram.data());
        if (!id) {
            ++m_counters.notStun;
            continue;
        }
        // A dual-stack socket shows IPv4 senders as ::ffff:a.b.c.d; answer them as IPv4.
        QHostAddress sender = datagram.senderAddress();
        bool isV4 = false;
        const quint32 v4 = sender.toIPv4Address(&isV4);
        if (isV4) {
            ++m_counters.ipv4;
        } else {
            ++m_counters.ipv6;
        }
        const QByteArray reply = StunPacket::bindingResponse(*id, isV4 ? QHostAddress(v4) : sender, quint16(datagram.senderPort()));
        if (m_socket->writeDatagram(reply, sender, quint16(datagram.senderPort())) == reply.size())
            ++m_counters.success;
        else
            ++m_counters.writeError;
    }
}

} // namespace keel::derp
