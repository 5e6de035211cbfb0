#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QString>

namespace keel::dns {

// Headscale's extra-records file (dns.extra_records_path): a JSON array of
// {"name": "...", "type": "A"|"AAAA"|..., "value": "..."} (keys in any case, as Go's encoding/json
// matches them; unknown keys ignored). Parsed records are returned in the config's own form
// (lower-case keys, "type" only when given), exact duplicates dropped, first occurrence kept, so
// DnsConfigBuilder treats them like dns.extra_records.
class ExtraRecords
{
public:
    enum class Status {
        Ok,
        Empty,   // zero bytes or JSON null: Headscale ignores it (an editor mid-write), so do we
        Invalid, // not JSON, not an array, or a record without a string name and value
    };
    struct Parsed
    {
        Status status = Status::Invalid;
        QJsonArray records;
        QString error; // for Invalid: what is wrong, and where (record index)
    };

    static Parsed parse(const QByteArray& bytes);
};

} // namespace keel::dns
