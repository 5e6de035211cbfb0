#include "InteractiveNode.h"

#include "http/Http2ClientStream.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonDocument>

namespace keel::test {

InteractiveNode::InteractiveNode(const QString& hostname, QObject* parent)
    : QObject(parent)
    , m_hostname(hostname)
    , m_machine(crypto::MachinePrivate::generate())
    , m_node(crypto::NodePrivate::generate())
    , m_disco(crypto::DiscoPrivate::generate())
{
}

void InteractiveNode::start(quint16 port)
{
    m_client = new control::ControlClient(m_machine, this);
    connect(m_client, &control::ControlClient::connected, this, [this] { sendRegister({}); });
    connect(m_client, &control::ControlClient::failed, this, [this](const QString& e) { m_error = e; });
    m_client->connectToServer(QStringLiteral("127.0.0.1"), port);
}

QJsonObject InteractiveNode::registerBody(const QString& followup) const
{
    return {{QStringLiteral("Version"), 115},
            {QStringLiteral("NodeKey"), m_node.publicKey().toString()},
            {QStringLiteral("OldNodeKey"), QStringLiteral("nodekey:") + QString(64, QLatin1Char('0'))},
            {QStringLiteral("Auth"), QJsonObject{{QStringLiteral("AuthKey"), QString()}}},
            {QStringLiteral("Expiry"), QStringLiteral("0001-01-01T00:00:00Z")},
            {QStringLiteral("Followup"), followup},
            {QStringLiteral("Hostinfo"), QJsonObject{{QStringLiteral("Hostname"), m_hostname},
                                                     {QStringLiteral("OS"), QStringLiteral("linux")},
                                                     {QStringLiteral("IPNVersion"), QStringLiteral("1.82.5-test")}}}};
}

void InteractiveNode::sendRegister(const QString& followup)
{
    auto* stream = m_client->request("POST", "/machine/register", QJsonDocument(registerBody(followup)).toJson(QJsonDocument::Compact));
    auto reply = std::make_shared<QByteArray>();
    connect(stream, &http::Http2ClientStream::dataReceived, this, [reply](const QByteArray& c) { *reply += c; });
    connect(stream, &http::Http2ClientStream::failed, this, [this](quint32, const QString& e) { m_error = QStringLiteral("register: ") + e; });
    connect(stream, &http::Http2ClientStream::finished, this, [this, reply] {
        const QJsonObject r = QJsonDocument::fromJson(*reply).object();
        if (r.value(QStringLiteral("MachineAuthorized")).toBool()) {
            m_authorized = true;
            openStream();
            return;
        }
        const QString url = r.value(QStringLiteral("AuthURL")).toString();
        if (url.isEmpty()) {
            m_error = QStringLiteral("register: ") + QString::fromUtf8(reply->left(300));
            return;
        }
        m_authUrl = url;
        sendRegister(url);   // held by the server until an admin decides (or it expires)
    });
}

void InteractiveNode::openStream()
{
    const QJsonObject body{{QStringLiteral("Version"), 115},
                           {QStringLiteral("NodeKey"), m_node.publicKey().toString()},
                           {QStringLiteral("DiscoKey"), m_disco.publicKey().toString()},
                           {QStringLiteral("Stream"), true},
                           {QStringLiteral("KeepAlive"), true},
                           {QStringLiteral("Endpoints"), QJsonArray{QStringLiteral("192.0.2.10:41641")}},
                           {QStringLiteral("Hostinfo"), QJsonObject{{QStringLiteral("Hostname"), m_hostname}, {QStringLiteral("OS"), QStringLiteral("linux")},
                                                                    {QStringLiteral("IPNVersion"), QStringLiteral("1.82.5-test")}}}};
    auto* stream = m_client->request("POST", "/machine/map", QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(stream, &http::Http2ClientStream::dataReceived, this, [this](const QByteArray&) { m_streaming = true; });
    connect(stream, &http::Http2ClientStream::failed, this, [this](quint32, const QString& e) { m_error = QStringLiteral("map: ") + e; });
}

} // namespace keel::test
