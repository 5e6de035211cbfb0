#pragma once

#include "config/Config.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <memory>

namespace keel::control {
class ControlService;
}
namespace keel::dns {
class ExtraRecordsWatcher;
class ExecDnsProvider;
}

namespace keel::server {

// The live DNS side of a running server: the extra-records file watcher, the set-dns provider,
// and the shared DNSConfig they and the dns.* keys make, handed to the control service (which
// pushes every change to the connected nodes as a DNSConfig delta).
class DnsRuntime : public QObject
{
    Q_OBJECT
public:
    // `config` is the server's running config (its dns section changes on reload).
    DnsRuntime(const config::Config& config, control::ControlService& control, QObject* parent = nullptr);
    ~DnsRuntime() override;

    // Brings watcher and provider in line with config.dns and publishes the DNSConfig. At start a
    // missing or invalid extra_records_path is an error (as in Headscale); on reload the error is
    // returned and the previous file stays watched.
    bool configure(QString* error);

    // The records in use: from dns.extra_records_path when set, else dns.extra_records.
    QJsonArray extraRecords() const;
    QJsonObject sharedDnsConfig() const;

private:
    void publish();

    const config::Config& m_config;
    control::ControlService& m_control;
    std::unique_ptr<dns::ExtraRecordsWatcher> m_watcher;
    std::unique_ptr<dns::ExecDnsProvider> m_provider;
    QStringList m_providerCommand;
    qint64 m_providerTimeoutMs = 0;
};

} // namespace keel::server
