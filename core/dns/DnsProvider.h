#pragma once

#include <QString>

#include <functional>

namespace keel::dns {

// One TXT record a node asks to publish through /machine/set-dns (ACME dns-01 for
// `tailscale cert`, control.md 5.1). Already validated: the name is `_acme-challenge.` + one of
// the node's cert domains.
struct TxtRecord
{
    QString name;       // _acme-challenge.web-1.ts.example.com
    QString value;      // the ACME token digest
    QString certDomain; // web-1.ts.example.com
    qint64 nodeId = 0;
};

// Publishes set-dns records in public DNS. Implementations answer asynchronously; `done` is
// called exactly once, on the caller's thread, with an empty string on success or a sentence
// saying what failed. Without a provider Keel answers set-dns like Headscale (501) and sends no
// CertDomains.
class DnsProvider
{
public:
    using Done = std::function<void(const QString& error)>;
    virtual ~DnsProvider() = default;
    virtual void publishTxt(const TxtRecord& record, Done done) = 0;
    // For the log: "exec /usr/local/bin/acme-dns-hook".
    virtual QString describe() const = 0;
};

} // namespace keel::dns
