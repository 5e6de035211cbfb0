#include "ChannelFixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

namespace keel::test {

ChannelFixture::ChannelFixture(const control::ControlEndpoint::Options& options,
                               std::optional<crypto::MachinePrivate> serverKey)
    : m_key(serverKey ? *serverKey : crypto::MachinePrivate::generate())
{
    m_endpoint = std::make_unique<control::ControlEndpoint>(m_key, options);
    m_router.add("GET", QStringLiteral("/key"), [this](http::HttpRequest&) {
        return http::HttpResponse::json(200, QJsonDocument(QJsonObject{
            {QStringLiteral("legacyPublicKey"), QStringLiteral("mkey:") + QString(64, QLatin1Char('0'))},
            {QStringLiteral("publicKey"), m_key.publicKey().toString()}}));
    });
    m_endpoint->registerRoutes(m_router);
    m_server = std::make_unique<http::HttpServer>(m_router);
}

bool ChannelFixture::listen(const QSslConfiguration* tls)
{
    QString error;
    return m_server->listen(QStringLiteral("127.0.0.1:0"), &error, tls);
}

bool connectClient(control::ControlClient& client, quint16 port, std::optional<crypto::MachinePublic> key, int timeoutMs)
{
    client.connectToServer(QStringLiteral("127.0.0.1"), port, key);
    (void)QTest::qWaitFor([&] {
        return client.state() == control::ControlClient::State::Connected || client.state() == control::ControlClient::State::Failed;
    }, timeoutMs);
    return client.state() == control::ControlClient::State::Connected;
}

bool RawClient::connect(quint16 port, const QHostAddress& from)
{
    if (!from.isNull() && !socket.bind(from, 0))
        return false;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(5000);
}

bool RawClient::exchange(const QByteArray& request, QByteArray* head, QByteArray* rest, qsizetype extra, int timeoutMs)
{
    socket.write(request);
    QByteArray in;
    qsizetype end = -1;
    (void)QTest::qWaitFor([&] {
        in += socket.readAll();
        end = in.indexOf("\r\n\r\n");
        return (end >= 0 && in.size() >= end + 4 + extra) || socket.state() == QAbstractSocket::UnconnectedState;
    }, timeoutMs);
    in += socket.readAll();
    if (end < 0)
        return false;
    *head = in.left(end + 4);
    *rest = in.mid(end + 4);
    return rest->size() >= extra;
}

bool RawClient::handshake(const crypto::MachinePublic& serverKey, quint16 version)
{
    crypto::Ts2021Initiator initiator(crypto::MachinePrivate::generate(), serverKey, version);
    QByteArray head;
    QByteArray rest;
    if (!exchange(control::ControlClient::upgradeRequest("127.0.0.1", initiator.initiation()), &head, &rest, 51))
        return false;
    if (!head.startsWith("HTTP/1.1 101 "))
        return false;
    if (initiator.feed(rest.left(51)) != crypto::Ts2021Initiator::Status::Done)
        return false;
    codec = initiator.takeCodec();
    pending = rest.mid(51);
    return true;
}

QByteArray RawClient::readUntilClosed(int timeoutMs)
{
    QByteArray all;
    (void)QTest::qWaitFor([&] {
        all += socket.readAll();
        return socket.state() == QAbstractSocket::UnconnectedState;
    }, timeoutMs);
    return all + socket.readAll();
}

} // namespace keel::test
