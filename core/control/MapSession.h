#pragma once

#include "http/Http2Response.h"
#include "state/Snapshot.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace keel::control {

// One streaming map long-poll (control.md 4.2-4.4) over an HTTP/2 response: frames and sends
// messages, keeps the stream alive, and holds what the batcher needs per stream: the peers the
// client knows and the changes not yet sent (coalesced: a later change of the same node merges).
class MapSession : public QObject
{
    Q_OBJECT
public:
    struct Pending
    {
        bool full = false;      // send a fresh full map
        bool self = false;      // the self Node changed
        bool policy = false;    // filters / visibility / SSH may have changed
        bool dns = false;       // DNSConfig changed
        QSet<qint64> changed;   // PeersChanged
        QSet<qint64> removed;   // PeersRemoved
        QHash<qint64, unsigned> patches; // PeersChangedPatch fields
        bool isEmpty() const { return !full && !self && !policy && !dns && changed.isEmpty() && removed.isEmpty() && patches.isEmpty(); }
        int size() const { return int(changed.size() + removed.size() + patches.size()); }
    };

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

    Pending& pending() { return m_pending; }
    // The peers the client knows. Without a policy that is "every node of the snapshot last sent
    // except itself", kept as that snapshot (shared, O(1) per stream) instead of a set of N ids.
    bool knowsPeer(qint64 id) const;
    bool knowsNoPeer() const;
    // Materialises the set (needed when a policy makes visibility per node).
    QSet<qint64>& knownPeers();
    void setKnownAll(const std::shared_ptr<const state::Snapshot>& s);
    // The snapshot the client knows all of, when that is how its peers are kept (else null).
    const state::Snapshot* knownAllSnapshot() const { return m_knownAll.get(); }
    // The version of the snapshot its last full map or delta was built from.
    quint64 sentVersion() const { return m_sentVersion; }
    void setSentVersion(quint64 v) { m_sentVersion = v; }
    void setKnown(QSet<qint64> peers);
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
    Pending m_pending;
    QSet<qint64> m_known;
    std::shared_ptr<const state::Snapshot> m_knownAll; // set: the client knows all of it but itself
    quint64 m_sentVersion = 0;
    qint64 m_bytesSent = 0;
    int m_messages = 0;
    QByteArray m_keepAliveFrame;
};

} // namespace keel::control
