#pragma once

#include "dns/DnsProvider.h"

#include <QObject>
#include <QStringList>

namespace keel::dns {

// The `exec` provider (dns.cert_challenge.command): runs an operator-supplied command for each
// record, with the record in its environment:
//   KEEL_DNS_RECORD_NAME   _acme-challenge.web-1.ts.example.com
//   KEEL_DNS_RECORD_TYPE   TXT
//   KEEL_DNS_RECORD_VALUE  the token
//   KEEL_DNS_CERT_DOMAIN   web-1.ts.example.com
//   KEEL_NODE_ID           the node's id
// Exit status 0 means the record is published (and, ideally, visible: the client asks the CA to
// check it right after the answer). Anything else, or running past the timeout (the process is
// killed), is a failure reported with the command's last stderr line.
class ExecDnsProvider : public QObject, public DnsProvider
{
    Q_OBJECT
public:
    ExecDnsProvider(QStringList command, int timeoutMs, QObject* parent = nullptr);

    void publishTxt(const TxtRecord& record, Done done) override;
    QString describe() const override;

private:
    QStringList m_command;
    int m_timeoutMs;
};

} // namespace keel::dns
