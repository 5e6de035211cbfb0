#include "machine/SetDnsService.h"

#include "common/Log.h"
#include "control/DefaultControlHandler.h"
#include "control/SetDnsRequest.h"

namespace keel::control {

void SetDnsService::setProvider(dns::DnsProvider* provider)
{
    m_provider = provider;
    m_mapper.setCertDomains(provider != nullptr);
}

void SetDnsService::serve(const ControlContext& context, const http::Http2Request& request, http::Http2Response response)
{
    if (!m_provider) {
        DefaultControlHandler::serve(context, request, std::move(response)); // 501 like Headscale
        return;
    }
    QString error;
    const std::optional<SetDnsRequest> r = SetDnsRequest::parse(request.body, &error);
    if (!r) {
        DefaultControlHandler::error(response, 400, error.toUtf8());
        return;
    }
    const state::SnapshotPtr s = m_state.snapshot();
    const state::LiveNode* node = s->nodeByKey(r->nodeKey);
    if (!node) {
        DefaultControlHandler::error(response, 403, "unknown node key");
        return;
    }
    if (node->node.machineKey != context.machineKey.toString()) {
        DefaultControlHandler::error(response, 403, "node key does not belong to machine");
        return;
    }
    const QString asked = SetDnsRequest::challengedDomain(r->name);
    const QString certDomain = m_mapper.certDomain(*node);
    if (asked.isEmpty() || certDomain.isEmpty() || asked.compare(certDomain, Qt::CaseInsensitive) != 0) {
        DefaultControlHandler::error(response, 403, "name is not an ACME challenge for a cert domain");
        return;
    }
    const dns::TxtRecord record{r->name, r->value, certDomain, node->node.id};
    qCInfo(lcDns).noquote() << "set-dns: node" << record.nodeId << "asks for TXT" << record.name << "via" << m_provider->describe();
    // The answer may come much later; a client that gave up meanwhile makes the write a no-op.
    m_provider->publishTxt(record, [response, name = record.name](const QString& failed) mutable {
        if (!failed.isEmpty()) {
            qCWarning(lcDns).noquote() << "set-dns:" << name << "not published:" << failed;
            DefaultControlHandler::error(response, 500, QStringLiteral("set-dns: the DNS provider could not publish %1: %2").arg(name, failed).toUtf8());
            return;
        }
        response.respond(200, {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")}}, QByteArrayLiteral("{}\n"));
    });
}

} // namespace keel::control
