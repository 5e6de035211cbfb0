// libFuzzer: the DNS inputs that come from outside — the extra-records file an operator (or a
// script) writes, the SetDNSRequest body a node sends for `tailscale cert`, and the Hostname a node
// reports, which becomes its MagicDNS label. Besides "no crash", each checks what the rest of the
// server relies on.
#include "control/SetDnsRequest.h"
#include "dns/DnsName.h"
#include "dns/ExtraRecords.h"

#include <QJsonObject>
#include <QRegularExpression>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using keel::control::SetDnsRequest;
using keel::dns::DnsName;
using keel::dns::ExtraRecords;

namespace {

void checkExtraRecords(const QByteArray& bytes)
{
    const ExtraRecords::Parsed p = ExtraRecords::parse(bytes);
    if (p.status == ExtraRecords::Status::Invalid && p.error.isEmpty())
        std::abort(); // a refused file must say why
    if (p.status != ExtraRecords::Status::Ok && !p.records.isEmpty())
        std::abort();
    for (const auto& v : p.records) {
        // DnsConfigBuilder reads these two as strings without further checks.
        const QJsonObject r = v.toObject();
        if (!r.value(QLatin1String("name")).isString() || !r.value(QLatin1String("value")).isString())
            std::abort();
    }
}

void checkSetDns(const QByteArray& bytes)
{
    QString error;
    const auto r = SetDnsRequest::parse(bytes, &error);
    if (!r) {
        if (error.isEmpty())
            std::abort();
        return;
    }
    // What SetDnsService relies on before it looks up the node.
    if (r->type != QLatin1String("TXT") || r->name.isEmpty() || r->value.isEmpty() || r->nodeKey.isEmpty())
        std::abort();
    (void)SetDnsRequest::challengedDomain(r->name);
}

void checkLabel(const QByteArray& bytes)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
    const QString sanitized = DnsName::sanitize(QString::fromUtf8(bytes));
    // Every sanitized hostname must be a label an admin could also have given.
    if (!label.match(sanitized).hasMatch() || !DnsName::isValidLabel(sanitized))
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    checkExtraRecords(bytes);
    checkSetDns(bytes);
    checkLabel(bytes);
    return 0;
}
