#include "derp/MeshClient.h"

#include "common/Log.h"
#include "derp/DerpClient.h"
#include "derp/DerpServer.h"

namespace keel::derp {

MeshClient::MeshClient(DerpServer& server, const QUrl& url, bool ignoreTlsErrors, QObject* parent)
    : QObject(parent)
    , m_server(server)
    , m_url(url)
    , m_ignoreTlsErrors(ignoreTlsErrors)
{
    m_redial.setSingleShot(true);
    connect(&m_redial, &QTimer::timeout, this, &MeshClient::dial);
}

MeshClient::~MeshClient()
{
    if (m_client)
        disconnect(m_client, nullptr, this, nullptr);
}

void MeshClient::start()
{
    m_stopped = false;
    dial();
}

void MeshClient::stop()
{
    m_stopped = true;
    m_redial.stop();
    m_server.removeForwarders(this);
    if (m_client) {
        DerpClient* client = m_client;
        m_client = nullptr;
        disconnect(client, nullptr, this, nullptr);
        client->close();
        client->deleteLater();
    }
}

bool MeshClient::isConnected() const
{
    return m_client && m_client->isConnected();
}

void MeshClient::dial()
{
    if (m_stopped)
        return;
    if (m_client)
        m_client->deleteLater();
    m_client = new DerpClient(m_server.privateKey(), this);
    DerpClient::Options options;
    options.meshKey = QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(m_server.m_meshKey ? m_server.m_meshKey->data() : nullptr),
                                                     m_server.m_meshKey ? 32 : 0).toHex());
    options.ignoreTlsErrors = m_ignoreTlsErrors;
    m_client->setOptions(options);
    connect(m_client, &DerpClient::connected, this, [this] {
        if (m_client->serverKey() == m_server.publicKey()) {
            qCInfo(lcDerp).noquote() << "mesh peer" << m_url.toString() << "is this server; ignoring it";
            stop();
            return;
        }
        m_backoffMs = 250;
        m_client->watchConns();
        qCInfo(lcDerp).noquote() << "mesh link up to" << m_url.toString();
    });
    connect(m_client, &DerpClient::peerPresent, this, [this](const FrameCodec::Present& present) {
        if (present.peer != m_server.publicKey())
            m_server.addForwarder(present.peer, this);
    });
    connect(m_client, &DerpClient::peerGone, this, [this](const crypto::NodePublic& peer, PeerGoneReason) {
        m_server.removeForwarder(peer, this);
    });
    connect(m_client, &DerpClient::disconnected, this, &MeshClient::onDisconnected);
    m_client->connectToServer(m_url);
}

void MeshClient::onDisconnected(const QString& reason)
{
    m_server.removeForwarders(this);
    if (m_stopped)
        return;
    qCInfo(lcDerp).noquote() << "mesh link to" << m_url.toString() << "down:" << reason << "; redialling in" << m_backoffMs << "ms";
    m_redial.start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, 30000);
}

void MeshClient::forward(const crypto::NodePublic& src, const crypto::NodePublic& dst, QByteArrayView packet)
{
    if (m_client)
        m_client->forwardPacket(src, dst, packet);   // errors ignored, as derper does
}

} // namespace keel::derp
