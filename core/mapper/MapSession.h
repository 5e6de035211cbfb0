#pragma once

#include "http/Http2Response.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace keel::control {

// One streaming map long-poll (control.md 4.2-4.4) over an HTTP/2 response: transport only. It
// frames and sends the messages it is given and keeps the stream alive; what the client knows and
// what it has not been told yet is the batcher's (Batcher::Stream), what a message says the
// mapper's.
class MapSession : public QObject
{
    Q_OBJECT
public:
    // `keepAliveMs`: the interval of keep-alives on an idle stream (Headscale: 50 s + jitter).
    MapSession(http::Http2Response response, qint64 nodeId, bool zstd, int capVersion, int keepAliveMs,
               QObject* parent = nullptr);
    ~MapSession() override;

    qint64 nodeId() const { return m_nodeId; }
    int capVersion() const { return m_capVersion; }
    bool isOpen() const { return m_response.isOpen(); }
    // Bytes written but not yet taken by the client (HTTP/2 flow control): a slow reader.
    qint64 backlogBytes() const { return m_response.pendingBytes(); }
    // True once the first full map went out; deltas are held until then.
    bool started() const { return m_started; }
    // The next message written is a full map (for keel_map_responses_total{kind}).
    void markFullMap() { m_fullNext = true; }

    // Sends one MapResponse (the first must be the full map). Returns false if the stream is gone.
    bool send(const QJsonObject& message);
    // The same from its compact JSON bytes.
    bool sendJson(const QByteArray& json);
    // A message already framed for this stream's encoding (zstd() tells which): the batcher frames
    // a delta that many streams share once and hands every one the same bytes.
    bool sendFrame(const QByteArray& frame);
    bool zstd() const { return m_zstd; }
    bool sendKeepAlive();
    // Ends the stream (node deleted, replaced by a newer stream, server stopping).
    void close();

    qint64 bytesSent() const { return m_bytesSent; }
    int messagesSent() const { return m_messages; }

Q_SIGNALS:
    void closed(keel::control::MapSession* session);

private:
    void noteSent(qint64 bytes);
    void keepAliveDue();

    http::Http2Response m_response;
    qint64 m_nodeId;
    bool m_zstd;
    int m_capVersion;
    int m_keepAliveMs; // plus a fixed per-stream jitter
    bool m_started = false;
    bool m_fullNext = false;
    bool m_closedEmitted = false;
    // Armed once per interval, not per message: restarting a QTimer is a sorted insert into the
    // thread's timer list (O(streams)), which per message per stream made a batch O(N^2).
    QTimer m_keepAlive;
    qint64 m_lastSendMs = 0; // steady clock
    qint64 m_bytesSent = 0;
    int m_messages = 0;
    QByteArray m_keepAliveFrame;
};

} // namespace keel::control
