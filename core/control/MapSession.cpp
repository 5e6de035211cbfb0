#include "control/MapSession.h"

#include "common/Log.h"
#include "control/MapSessionFraming.h"

#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>

namespace keel::control {

MapSession::MapSession(http::Http2Response response, qint64 nodeId, bool zstd, int capVersion, int keepAliveMs,
                       QObject* parent)
    : QObject(parent)
    , m_response(std::move(response))
    , m_nodeId(nodeId)
    , m_zstd(zstd)
    , m_capVersion(capVersion)
    , m_keepAliveMs(keepAliveMs)
{
    m_keepAlive.setSingleShot(true);
    connect(&m_keepAlive, &QTimer::timeout, this, [this] { sendKeepAlive(); });
    // The client caches the bytes of a keep-alive and skips decoding identical ones.
    m_keepAliveFrame = MapSessionFraming::frame(QByteArrayLiteral("{\"KeepAlive\":true}"), m_zstd);
    QPointer<MapSession> self(this);
    m_response.setCloseHandler([self](quint32) {
        if (self && !self->m_closedEmitted) {
            self->m_closedEmitted = true;
            self->m_keepAlive.stop();
            Q_EMIT self->closed(self.data());
        }
    });
    m_response.sendHeaders(200, {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")}});
}

MapSession::~MapSession()
{
    m_response.setCloseHandler({});
}

void MapSession::armKeepAlive()
{
    if (m_keepAliveMs <= 0)
        return;
    // Jitter like Headscale (50 s + 0-9 s) so that thousands of streams do not tick together.
    const int jitter = m_keepAliveMs >= 10'000 ? int(QRandomGenerator::global()->bounded(m_keepAliveMs / 5)) : 0;
    m_keepAlive.start(m_keepAliveMs + jitter);
}

bool MapSession::send(const QJsonObject& message)
{
    const QByteArray frame = MapSessionFraming::frame(QJsonDocument(message).toJson(QJsonDocument::Compact), m_zstd);
    if (frame.isEmpty() || !m_response.write(frame))
        return false;
    m_started = true;
    m_bytesSent += frame.size();
    ++m_messages;
    armKeepAlive();
    return true;
}

bool MapSession::sendKeepAlive()
{
    if (!m_response.write(m_keepAliveFrame))
        return false;
    m_bytesSent += m_keepAliveFrame.size();
    armKeepAlive();
    return true;
}

bool MapSession::knowsPeer(qint64 id) const
{
    if (m_knownAll)
        return id != m_nodeId && m_knownAll->node(id);
    return m_known.contains(id);
}

bool MapSession::knowsNoPeer() const
{
    if (m_knownAll)
        return m_knownAll->nodes.size() <= (m_knownAll->node(m_nodeId) ? 1 : 0);
    return m_known.isEmpty();
}

QSet<qint64>& MapSession::knownPeers()
{
    if (m_knownAll) {
        m_known.clear();
        for (auto it = m_knownAll->nodes.cbegin(); it != m_knownAll->nodes.cend(); ++it)
            if (it.key() != m_nodeId)
                m_known.insert(it.key());
        m_knownAll.reset();
    }
    return m_known;
}

void MapSession::setKnownAll(const std::shared_ptr<const state::Snapshot>& s)
{
    m_knownAll = s;
    m_known = QSet<qint64>();
}

void MapSession::setKnown(QSet<qint64> peers)
{
    m_knownAll.reset();
    m_known = std::move(peers);
}

void MapSession::close()
{
    m_keepAlive.stop();
    m_response.finish();
}

} // namespace keel::control
