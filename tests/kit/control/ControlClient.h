#pragma once

#include "control/EarlyNoiseReader.h"
#include "crypto/Keys.h"
#include "crypto/Ts2021Initiator.h"
#include "http/Http2ClientSession.h"
#include "http/Http2ClientStream.h"

#include <QAbstractSocket>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

namespace keel::control {

// Our own ts2021 client, behaving as tailscaled does (control.md 1, 2.2, 2.5-2.9): fetch the
// server's Noise key with `GET /key?v=<capver>` (unless it is given), dial again and send
// `POST /ts2021` with exactly the real client's headers and the initiation in
// X-Tailscale-Handshake, require `101` with `Upgrade: tailscale-control-protocol`, finish the
// Noise handshake, write the HTTP/2 preface at once, read the optional EarlyNoise, then speak
// HTTP/2 over the Noise stream. TLS is used without certificate checks, as the real dialer does
// (Noise is what authenticates the server). One connection per object.
class ControlClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, FetchingKey, Upgrading, Handshaking, ReadingEarly, Connected, Failed, Closed };

    struct Options {
        quint16 capabilityVersion = 115;   // v1.82, the recorded real client
        bool tls = false;
        QByteArray hostHeader;             // default: host:port as dialled
        int dialTimeoutMs = 10'000;        // the real dialer's budget for TCP + upgrade + handshake
        int keyResponseLimit = 64 << 10;   // the real client reads /key with this limit
        QHostAddress localAddress;         // bind to this source address first (benchmarks: 127.0.0.2)
    };

    explicit ControlClient(const crypto::MachinePrivate& machineKey, QObject* parent = nullptr);
    ControlClient(const crypto::MachinePrivate& machineKey, const Options& options, QObject* parent = nullptr);
    ~ControlClient() override;

    // Starts the dial. With no server key, `/key?v=` is asked first on its own connection.
    void connectToServer(const QString& host, quint16 port, std::optional<crypto::MachinePublic> serverKey = std::nullopt);
    void close();

    State state() const { return m_state; }
    QString errorString() const { return m_error; }
    // The status the server refused the upgrade with (429, 503...), 0 when it was not refused.
    int upgradeRefusedStatus() const { return m_upgradeRefusedStatus; }
    const crypto::MachinePublic& serverKey() const { return m_serverKey; }
    bool hadEarlyPayload() const { return m_early.hadEarlyPayload(); }
    const crypto::ChallengePublic& challenge() const { return m_early.challenge(); }

    // After connected(): the HTTP/2 session (requests may also be made right away; they queue).
    http::Http2ClientSession* http2() const { return m_http2; }
    // A request as the real client makes it (":scheme https", ":authority" = the control host).
    http::Http2ClientStream* request(const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
                                     const http::Http2Headers& headers = {});

    // `GET /key` response body -> the Noise key (control.md 1): JSON with a non-zero publicKey.
    static std::optional<crypto::MachinePublic> parseKeyResponse(const QByteArray& body, QString* error);
    // The exact upgrade request tailscaled writes (header order as Go's net/http emits it).
    static QByteArray upgradeRequest(const QByteArray& host, const QByteArray& initiation);

signals:
    // The handshake is done and the early payload (if any) was read: HTTP/2 is running.
    void connected();
    void failed(const QString& error);
    // The connection ended after connected().
    void disconnected();

private:
    QAbstractSocket* newSocket();
    void startKeyFetch();
    void onKeyBytes();
    void startUpgrade();
    void onUpgradeBytes();
    void onNoiseBytes(const QByteArray& bytes);
    void onPlaintext(const QByteArray& plaintext);
    void startHttp2();
    void fail(const QString& error);
    void setState(State state) { m_state = state; }
    // Splits an HTTP/1.1 response head off `m_buffer`: false while incomplete.
    bool takeResponseHead(int* status, QByteArray* statusLine, QList<QPair<QByteArray, QByteArray>>* headers);

    crypto::MachinePrivate m_machineKey;
    Options m_options;
    QString m_host;
    quint16 m_port = 0;
    crypto::MachinePublic m_serverKey;
    State m_state = State::Idle;
    QString m_error;
    int m_upgradeRefusedStatus = 0;
    QPointer<QAbstractSocket> m_socket;
    QByteArray m_buffer;
    int m_keyStatus = 0;
    qsizetype m_keyLength = -1;
    std::unique_ptr<crypto::Ts2021Initiator> m_initiator;
    std::optional<crypto::TransportCodec> m_codec;
    EarlyNoiseReader m_early;
    http::Http2ClientSession* m_http2 = nullptr;
    QByteArray m_pendingPlain; // HTTP/2 bytes written before the handshake finished
    QTimer m_dialTimer;
};

} // namespace keel::control
