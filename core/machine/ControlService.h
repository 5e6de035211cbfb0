#pragma once

#include "mapper/Batcher.h"
#include "control/ControlHandler.h"
#include "machine/HaProber.h"
#include "mapper/Mapper.h"
#include "machine/Registration.h"
#include "machine/SetDnsService.h"
#include "machine/SshCheck.h"
#include "state/State.h"

#include <QObject>
#include <QTimer>

namespace keel::control {

// The control logic behind the Noise channel: routes /machine/register and /machine/map to
// Registration and the map sessions, and leaves every other path to DefaultControlHandler. Owns
// the mapper, the batcher and the periodic jobs (expiry, ephemeral GC, pending registrations).
// Lives on the state's thread.
class ControlService : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int keepAliveMs = 50'000;        // + jitter; well under the client's 120 s watchdog
        int offlineGraceMs = 10'000;     // a stream may reconnect this long before "offline"
        int housekeepingMs = 5'000;      // expiry check / ephemeral GC / pending registrations
        int haProbeIntervalMs = 0;       // node.routes.ha.probe_interval; 0 = no HA probing
        int haProbeTimeoutMs = 5'000;    // node.routes.ha.probe_timeout
        Batcher::Options batcher;

        // tuning.batch_change_delay and friends from the config.
        static Options fromConfig(const config::Config& config);
    };

    ControlService(state::State& state, MapperOptions mapperOptions, Options options, QObject* parent = nullptr);
    ControlService(state::State& state, MapperOptions mapperOptions, QObject* parent = nullptr)
        : ControlService(state, std::move(mapperOptions), Options(), parent)
    {
    }
    ~ControlService() override;

    // The handler the ts2021 channel calls for every request.
    ControlHandler handler();
    void serve(const ControlContext& context, const http::Http2Request& request, http::Http2Response response);

    Registration& registration() { return m_registration; }
    Batcher& batcher() { return m_batcher; }
    Mapper& mapper() { return m_mapper; }
    SetDnsService& setDns() { return m_setDns; }
    HaProber& haProber() { return m_haProber; }
    SshCheck& sshCheck() { return m_sshCheck; }
    // HEAD (or GET) /machine/ping-response?id=...: 200 for an outstanding ping, 404 otherwise, on
    // the public listener and over Noise alike.
    int pingResponse(const QString& id);
    bool isOnline(qint64 nodeId) const;
    // A new shared DNSConfig (extra records or config reloaded): every connected node gets it as
    // a DNSConfig-only delta.
    void updateDnsConfig(const QJsonObject& shared);
    // Runs the periodic jobs now (tests, after moving a MockClock).
    void housekeeping();

    // The page behind an AuthURL: the command an admin runs to approve the registration.
    static QByteArray registerPage(const QString& authId);

private:
    void serveRegister(const ControlContext& context, const http::Http2Request& request, http::Http2Response response);
    void serveMap(const ControlContext& context, const http::Http2Request& request, http::Http2Response response);
    void sessionClosed(MapSession* session);

    state::State& m_state;
    Options m_options;
    Mapper m_mapper;
    Batcher m_batcher;
    Registration m_registration;
    SetDnsService m_setDns;
    HaProber m_haProber;
    SshCheck m_sshCheck;
    QTimer m_housekeeping;
    QDateTime m_lastAuditPrune;
};

} // namespace keel::control
