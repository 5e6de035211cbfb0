#include "SimNode.h"

#include "mapper/MapSessionFraming.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <algorithm>

namespace keel::sim {

namespace {
const QString kZeroNodeKey = QStringLiteral("nodekey:") + QString(64, QLatin1Char('0'));
}

SimNode::SimNode(int index, const QString& authKey, QObject* parent)
    : QObject(parent)
    , m_index(index)
    , m_authKey(authKey)
    , m_machine(crypto::MachinePrivate::generate())
    , m_node(crypto::NodePrivate::generate())
    , m_disco(crypto::DiscoPrivate::generate())
{
}

void SimNode::fail(const QString& error)
{
    if (!m_error.isEmpty())
        return;
    m_error = error;
    Q_EMIT failedSignal(this);
}

void SimNode::start(const QString& host, quint16 port, std::optional<crypto::MachinePublic> serverKey)
{
    dial(host, port, serverKey);
}

void SimNode::reconnect(const QString& host, quint16 port)
{
    // The old session first: closing it fails its map stream, which must not count against the new one.
    dropClient();
    m_error.clear();
    m_buffer.clear();
    m_view = PeerSetView();
    m_netmap = control::MapSessionNetmap();
    dial(host, port, std::nullopt);
}

void SimNode::dropClient()
{
    if (!m_client)
        return;
    m_client->disconnect(this);
    m_client->close();
    m_client->deleteLater();
    m_client = nullptr;
}

void SimNode::dial(const QString& host, quint16 port, std::optional<crypto::MachinePublic> serverKey)
{
    dropClient();
    m_client = new control::ControlClient(m_machine, this);
    connect(m_client, &control::ControlClient::connected, this, [this] {
        m_rateLimitedDials = 0;
        if (m_registered)
            openStream();
        else
            sendRegister();
    });
    connect(m_client, &control::ControlClient::failed, this, [this, host, port, serverKey](const QString& e) {
        constexpr int kMaxRateLimitedDials = 40;
        if (m_client->upgradeRefusedStatus() == 429 && m_rateLimitedDials < kMaxRateLimitedDials) {
            const int pauseMs = 100 * std::min(++m_rateLimitedDials, 20);
            QTimer::singleShot(pauseMs, this, [this, host, port, serverKey] { dial(host, port, serverKey); });
            return;
        }
        fail(e);
    });
    m_client->connectToServer(host, port, serverKey);
}

void SimNode::sendRegister()
{
    const QString name = QStringLiteral("sim-%1").arg(m_index);
    const QJsonObject body{
        {QStringLiteral("Version"), 115},
        {QStringLiteral("NodeKey"), m_node.publicKey().toString()},
        {QStringLiteral("OldNodeKey"), kZeroNodeKey},
        {QStringLiteral("NLKey"), QStringLiteral("nlpub:") + m_machine.publicKey().toString().mid(5)},
        {QStringLiteral("Auth"), QJsonObject{{QStringLiteral("AuthKey"), m_authKey}}},
        {QStringLiteral("Expiry"), QStringLiteral("0001-01-01T00:00:00Z")},
        {QStringLiteral("Followup"), QString()},
        {QStringLiteral("Hostinfo"), QJsonObject{{QStringLiteral("Hostname"), name}, {QStringLiteral("OS"), QStringLiteral("linux")},
                                                 {QStringLiteral("IPNVersion"), QStringLiteral("1.82.5-keel-sim")},
                                                 {QStringLiteral("BackendLogID"), m_node.publicKey().toString().mid(8)}}}};
    auto* stream = m_client->request("POST", "/machine/register", QJsonDocument(body).toJson(QJsonDocument::Compact));
    auto reply = std::make_shared<QByteArray>();
    // After reconnect() the old connection's streams may still report: only the current one counts.
    const control::ControlClient* owner = m_client;
    connect(stream, &http::Http2ClientStream::dataReceived, this, [reply](const QByteArray& c) { *reply += c; });
    connect(stream, &http::Http2ClientStream::failed, this, [this, owner](quint32, const QString& e) {
        if (owner == m_client)
            fail(QStringLiteral("register: ") + e);
    });
    connect(stream, &http::Http2ClientStream::finished, this, [this, reply, owner] {
        if (owner != m_client)
            return;
        const QJsonObject r = QJsonDocument::fromJson(*reply).object();
        if (!r.value(QStringLiteral("MachineAuthorized")).toBool()) {
            fail(QStringLiteral("register: ") + QString::fromUtf8(reply->left(200)));
            return;
        }
        m_registered = true;
        Q_EMIT registered(this);
        openStream();
    });
}

void SimNode::openStream()
{
    const QJsonObject body{
        {QStringLiteral("Version"), 115},
        {QStringLiteral("Compress"), QStringLiteral("zstd")},
        {QStringLiteral("KeepAlive"), true},
        {QStringLiteral("NodeKey"), m_node.publicKey().toString()},
        {QStringLiteral("DiscoKey"), m_disco.publicKey().toString()},
        {QStringLiteral("Stream"), true},
        {QStringLiteral("Endpoints"), QJsonArray{QStringLiteral("192.0.2.%1:%2").arg(m_index % 250 + 1).arg(41641 + m_index / 250)}},
        {QStringLiteral("Hostinfo"), QJsonObject{{QStringLiteral("Hostname"), QStringLiteral("sim-%1").arg(m_index)},
                                                 {QStringLiteral("OS"), QStringLiteral("linux")},
                                                 {QStringLiteral("NetInfo"), QJsonObject{{QStringLiteral("PreferredDERP"), 999}}}}}};
    auto* stream = m_client->request("POST", "/machine/map", QJsonDocument(body).toJson(QJsonDocument::Compact));
    const control::ControlClient* owner = m_client;
    connect(stream, &http::Http2ClientStream::failed, this, [this, owner](quint32, const QString& e) {
        if (owner == m_client)
            fail(QStringLiteral("map: ") + e);
    });
    connect(stream, &http::Http2ClientStream::finished, this, [this, owner] {
        if (owner == m_client)
            fail(QStringLiteral("map stream ended"));
    });
    connect(stream, &http::Http2ClientStream::dataReceived, this, [this, owner](const QByteArray& chunk) {
        if (owner != m_client)
            return;
        m_bytes += chunk.size();
        m_buffer += chunk;
        QString error;
        while (auto m = control::MapSessionFraming::takeMessage(m_buffer, true, &error)) {
            const bool first = !m_view.hasSelf();
            if (!m_view.apply(*m, &error) || (m_fullParse && !m_netmap.apply(QJsonDocument::fromJson(*m).object(), &error))) {
                fail(error);
                return;
            }
            if (m_fullParse && m_netmap.peers().size() != m_view.size()) {
                fail(QStringLiteral("the cheap peer set (%1) and the full netmap (%2) disagree").arg(m_view.size()).arg(m_netmap.peers().size()));
                return;
            }
            if (first && m_view.hasSelf()) {
                m_nodeId = m_view.selfId();
                m_selfAddresses.clear();
                const QJsonObject self = QJsonDocument::fromJson(*m).object().value(QStringLiteral("Node")).toObject();
                for (const QJsonValue& a : self.value(QStringLiteral("Addresses")).toArray())
                    m_selfAddresses << a.toString();
                Q_EMIT firstMap(this);
            }
            Q_EMIT updated(this);
        }
        if (!error.isEmpty())
            fail(error);
    });
}

} // namespace keel::sim
