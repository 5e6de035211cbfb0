#pragma once

#include <QHostAddress>
#include <QObject>
#include <QUdpSocket>

#include <memory>

namespace keel::derp {

// Answers STUN Binding Requests on UDP (derp.server.stun_listen_addr), IPv4 and IPv6. Anything
// that is not a well-formed Binding Request is ignored silently, as derper does.
class StunServer : public QObject
{
    Q_OBJECT

public:
    struct Counters
    {
        quint64 success = 0, notStun = 0, writeError = 0, ipv4 = 0, ipv6 = 0;
    };

    explicit StunServer(QObject* parent = nullptr);
    ~StunServer() override;

    // "0.0.0.0:3478", "[::]:3478", ":3478" (both families), "127.0.0.1:0" (tests).
    bool start(const QString& hostPort, QString* error);
    void stop();
    quint16 port() const;
    QHostAddress address() const;
    const Counters& counters() const { return m_counters; }

private:
    void onReadyRead();

    std::unique_ptr<QUdpSocket> m_socket;
    Counters m_counters;
};

} // namespace keel::derp
