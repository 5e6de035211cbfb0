#pragma once

#include "backup/ExportDocument.h"
#include "store/Result.h"

#include <QByteArray>

namespace keel::store {

// The JSON form of an ExportDocument (`keel export` / `keel import`):
//
//   { "format": "keel-export", "formatVersion": 1, "schemaVersion": 2, "source": "...",
//     "exportedAt": "2024-05-01T12:00:00.000Z",
//     "users": [...], "preAuthKeys": [...], "nodes": [...], "apiKeys": [...], "oauthClients": [...],
//     "policies": [...], "auditLog": [...], "state": {"key": "<base64>"} }
//
// Members added after the first version ("auditLog", "oauthClients", a policy's "actor" and
// "note", ...) may be absent: older exports still read.
//
// Times are RFC 3339 UTC with milliseconds, absent values are null, ids are integers. Secrets
// appear as {"hashScheme", "hash"} exactly as stored. parse() is strict: the input is untrusted, so
// every member is type-checked, unknown format versions are refused, and the first problem is
// reported with its place ("nodes[3].ipv4: ...").
class ExportJson
{
public:
    static QByteArray serialize(const ExportDocument& doc);
    static Result<ExportDocument> parse(const QByteArray& json);

    static constexpr const char* FormatName = "keel-export";
};

} // namespace keel::store
