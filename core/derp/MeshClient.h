#pragma once

#include "crypto/Keys.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

namespace keel::derp {

class DerpClient;
class DerpServer;

// One mesh link (spec A.9): dials a sibling DERP server of the region as a client with the
// server's own key and the mesh key, sends WatchConns, and turns PeerPresent/PeerGone into
// forwarders on our server. Packets for those keys then go out as ForwardPacket. Redials with
// backoff when the link drops; a link to ourselves is recognised and dropped.
class MeshClient : public QObject
{
    Q_OBJECT

public:
    MeshClient(DerpServer& server, const QUrl& url, bool ignoreTlsErrors, QObject* parent = nullptr);
    ~MeshClient() override;

    void start();
    void stop();
    void forward(const crypto::NodePublic& src, const crypto::NodePublic& dst, QByteArrayView packet);
    bool isConnected() const;
    QUrl url() const { return m_url; }

private:
    void dial();
    void onDisconnected(const QString& reason);

    DerpServer& m_server;
    QUrl m_url;
    bool m_ignoreTlsErrors;
    bool m_stopped = true;
    DerpClient* m_client = nullptr;
    QTimer m_redial;
    int m_backoffMs = 250;
};

} // namespace keel::derp
