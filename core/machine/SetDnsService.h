#pragma once

#include "control/ControlHandler.h"
#include "dns/DnsProvider.h"
#include "mapper/Mapper.h"
#include "state/State.h"

namespace keel::control {

// POST /machine/set-dns (control.md 5.1): a node asks for the TXT record of an ACME dns-01
// challenge for one of its cert domains. Without a provider the answer is Headscale's
// 501 "Not implemented yet" (and the mapper sends no CertDomains). With one, the request is checked
// as Tailscale's test control server checks it (400 for a bad body, 403 for a node key that is
// unknown or not this machine's, or a name that is not `_acme-challenge.<its cert domain>`), the
// provider publishes the record, and the answer is 200 `{}` (the client decodes the body), or 500
// with the provider's reason.
class SetDnsService
{
public:
    SetDnsService(state::State& state, Mapper& mapper)
        : m_state(state)
        , m_mapper(mapper)
    {
    }

    // Not owned; nullptr turns set-dns off. Also switches CertDomains in the mapper.
    void setProvider(dns::DnsProvider* provider);
    dns::DnsProvider* provider() const { return m_provider; }

    void serve(const ControlContext& context, const http::Http2Request& request, http::Http2Response response);

private:
    state::State& m_state;
    Mapper& m_mapper;
    dns::DnsProvider* m_provider = nullptr;
};

} // namespace keel::control
