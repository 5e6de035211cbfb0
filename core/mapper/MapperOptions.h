#pragma once

#include "config/Config.h"

#include <QJsonObject>

#include <functional>

namespace keel::control {

// What the mapper needs beyond the snapshot: names, the DERP map hook and the privacy switches
// (issue 4: a self-hosted tailnet's clients should not talk to Tailscale's servers).
struct MapperOptions
{
    QString baseDomain;           // MagicDNS base domain (dns.base_domain)
    QString domain;               // MapResponse.Domain: the tailnet name
    QJsonObject dnsConfig;        // the shared part, from the config (dns/DnsConfigBuilder)
    bool certDomains = false;     // a set-dns provider is configured: send CertDomains
    std::function<QJsonObject()> derpMap; // the current tailcfg.DERPMap (the DERP engineer's map)

    bool disableLogTail = true;               // Debug.DisableLogTail (logtail.enabled: false)
    bool disableCaptivePortalDetection = true; // node attribute disable-captive-portal-detection
    bool taildrop = true;                      // cap/file-sharing
    bool autoUpdate = false;                   // default-auto-update value
    bool collectServices = false;
    // The base of the SSH check URL (SSHAction.holdAndDelegate): "https://<server_url's host>".
    // Always https and without the port, whatever server_url's scheme: it is the form tailscaled
    // uses for its own Noise requests ("https://" + host + path). tailscaled 1.96 sends the request
    // through an http.Transport whose only Noise dialer is DialTLSContext, so an http:// URL would
    // go out as plain TCP (h2c) to the host instead of over Noise; 1.80-1.82 send a relative URL
    // with an empty :scheme, which the server refuses. See docs/ssh.md.
    QString sshActionBase;

    static QString sshActionBaseFor(const QString& serverUrl);

    static MapperOptions fromConfig(const config::Config& config);
};

} // namespace keel::control
