#include "server/DnsRuntime.h"

#include "common/Log.h"
#include "machine/ControlService.h"
#include "dns/DnsConfigBuilder.h"
#include "dns/ExecDnsProvider.h"
#include "dns/ExtraRecordsWatcher.h"

namespace keel::server {

DnsRuntime::DnsRuntime(const config::Config& config, control::ControlService& control, QObject* parent)
    : QObject(parent)
    , m_config(config)
    , m_control(control)
{
}

DnsRuntime::~DnsRuntime()
{
    m_control.setDns().setProvider(nullptr);
}

QJsonArray DnsRuntime::extraRecords() const
{
    return m_watcher ? m_watcher->records() : m_config.dns.extraRecords;
}

QJsonObject DnsRuntime::sharedDnsConfig() const
{
    return dns::DnsConfigBuilder(m_config).build(extraRecords());
}

void DnsRuntime::publish()
{
    m_control.updateDnsConfig(sharedDnsConfig());
}

bool DnsRuntime::configure(QString* error)
{
    const auto& dns = m_config.dns;
    bool ok = true;
    const QString path = dns.extraRecordsPath;
    if (path.isEmpty()) {
        m_watcher.reset();
    } else if (!m_watcher || m_watcher->path() != path) {
        auto watcher = std::make_unique<dns::ExtraRecordsWatcher>(path);
        if (watcher->load(error)) {
            connect(watcher.get(), &dns::ExtraRecordsWatcher::recordsChanged, this, &DnsRuntime::publish);
            m_watcher = std::move(watcher);
        } else {
            *error = QStringLiteral("dns.extra_records_path: %1").arg(*error);
            ok = false;
        }
    }

    if (dns.certChallengeCommand != m_providerCommand || dns.certChallengeTimeoutMs != m_providerTimeoutMs) {
        // A run in progress belongs to the old provider and ends with it (its client gets no answer
        // and retries); new requests use the new command.
        m_control.setDns().setProvider(nullptr);
        m_provider.reset();
        m_providerCommand = dns.certChallengeCommand;
        m_providerTimeoutMs = dns.certChallengeTimeoutMs;
        if (!m_providerCommand.isEmpty()) {
            m_provider = std::make_unique<dns::ExecDnsProvider>(m_providerCommand, int(std::min<qint64>(m_providerTimeoutMs, 3'600'000)));
            m_control.setDns().setProvider(m_provider.get());
            qCInfo(lcDns).noquote() << "set-dns:" << m_provider->describe() << "publishes ACME challenges; nodes get CertDomains";
        }
        // CertDomains appear or vanish: every node's DNSConfig changes.
        m_control.batcher().addChanges({state::Change::dns()});
    }
    publish();
    return ok;
}

} // namespace keel::server
