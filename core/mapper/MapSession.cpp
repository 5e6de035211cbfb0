#include "mapper/MapSession.h"

#include "common/Log.h"
#include "mapper/MapSessionFraming.h"
#include "metrics/Instruments.h"

#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>

#include <chrono>

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
    // Jitter like Headscale (50 s + 0-9 s) so that thousands of streams do not tick together.
    if (m_keepAliveMs >= 10'000)
        m_keepAliveMs += int(QRandomGenerator::global()->bounded(m_keepAliveMs / 5));
    m_keepAlive.setSingleShot(true);
    connect(&m_keepAlive, &QTimer::timeout, this, &MapSession::keepAliveDue);
    // One frame per encoding for all streams (the client skips decoding identical keep-alives).
    static const QByteArray plain = MapSessionFraming::frame(QByteArrayLiteral("{\"KeepAlive\":true}"), false);
    static const QByteArray compressed = MapSessionFraming::frame(QByteArrayLiteral("{\"KeepAlive\":true}"), true);
    m_keepAliveFrame = m_zstd ? compressed : plain;
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

namespace {
qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

void MapSession::noteSent(qint64 bytes)
{
    m_bytesSent += bytes;
    m_lastSendMs = steadyMs();
    if (m_keepAliveMs > 0 && !m_keepAlive.isActive())
        m_keepAlive.start(m_keepAliveMs);
}

void MapSession::keepAliveDue()
{
    // A keep-alive goes out only after a whole interval without any message.
    const qint64 idle = steadyMs() - m_lastSendMs;
    if (idle + 5 < m_keepAliveMs)
        m_keepAlive.start(int(m_keepAliveMs - idle));
    else
        sendKeepAlive();
}

bool MapSession::send(const QJsonObject& message)
{
    return sendJson(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

bool MapSession::sendJson(const QByteArray& json)
{
    return sendFrame(MapSessionFraming::frame(json, m_zstd));
}

bool MapSession::sendFrame(const QByteArray& frame)
{
    if (frame.isEmpty() || !m_response.write(frame))
        return false;
    m_started = true;
    ++m_messages;
    noteSent(frame.size());
    metrics::Instruments::mapResponse(std::exchange(m_fullNext, false) ? "full" : "delta", frame.size());
    return true;
}

bool MapSession::sendKeepAlive()
{
    if (!m_response.write(m_keepAliveFrame))
        return false;
    noteSent(m_keepAliveFrame.size());
    metrics::Instruments::mapResponse("keepalive", m_keepAliveFrame.size());
    return true;
}

void MapSession::close()
{
    m_keepAlive.stop();
    m_response.finish();
}

} // namespace keel::control
