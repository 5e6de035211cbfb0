#pragma once

#include "control/ControlClient.h"
#include "control/ControlEndpoint.h"
#include "crypto/Keys.h"
#include "crypto/TransportCodec.h"
#include "crypto/Ts2021Initiator.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QSslConfiguration>
#include <QTcpSocket>

#include <memory>
#include <optional>

namespace keel::test {

// A public listener on 127.0.0.1 with `/key` and `/ts2021`, as the Server wires them, for the
// channel's integration tests and benchmark.
class ChannelFixture
{
public:
    explicit ChannelFixture(const control::ControlEndpoint::Options& options = {},
                            std::optional<crypto::MachinePrivate> serverKey = std::nullopt);
    bool listen(const QSslConfiguration* tls = nullptr);
    quint16 port() const { return m_server->tcpPort(); }
    control::ControlEndpoint& endpoint() { return *m_endpoint; }
    const crypto::MachinePrivate& serverKey() const { return m_key; }

private:
    crypto::MachinePrivate m_key;
    http::Router m_router;
    std::unique_ptr<control::ControlEndpoint> m_endpoint;
    std::unique_ptr<http::HttpServer> m_server;
};

// Connects a ControlClient and waits for connected() or failed().
bool connectClient(control::ControlClient& client, quint16 port, std::optional<crypto::MachinePublic> key = std::nullopt,
                   int timeoutMs = 10'000);

// A hand-driven ts2021 client over a raw socket, for feeding the server bad bytes.
class RawClient
{
public:
    // From `from` (e.g. 127.0.0.2) when given, else the system's choice.
    bool connect(quint16 port, const QHostAddress& from = QHostAddress());
    // Sends `request` and reads the response head (into `head`) plus `extra` more bytes.
    bool exchange(const QByteArray& request, QByteArray* head, QByteArray* rest, qsizetype extra, int timeoutMs = 5000);
    // The full native upgrade and handshake with a fresh machine key.
    bool handshake(const crypto::MachinePublic& serverKey, quint16 version = 115);
    // Waits until the server closes; returns everything it sent meanwhile.
    QByteArray readUntilClosed(int timeoutMs = 5000);

    QTcpSocket socket;
    std::optional<crypto::TransportCodec> codec;
    QByteArray pending; // bytes after the handshake response
};

} // namespace keel::test
