#pragma once

#include <QString>
#include <QStringList>

namespace keel::tsapi {

// Tailscale's OAuth scopes (kb/1623 "trust credentials"), the ones Keel's /api/v2 serves:
//   all, all:read
//   devices:core[:read], devices:routes[:read], auth_keys[:read], policy_file[:read],
//   dns[:read], users[:read]
// and the older names Tailscale still accepts: devices[:read] (core + routes + auth keys),
// routes[:read], acl[:read] (the policy file).
// A scope grants its ":read" form; "all" grants every scope, "all:read" every ":read" one.
class Scopes
{
public:
    // Every scope name a client may be given.
    static const QStringList& known();
    // Whether the granted scopes allow `required` (always a current name, e.g. "devices:core:read").
    static bool allows(const QStringList& granted, const QString& required);
    // Splits a space- or comma-separated scope list; empty entries dropped.
    static QStringList parse(const QString& text);
    // The first entry of `scopes` that is not a known scope name; empty when all are known.
    static QString firstUnknown(const QStringList& scopes);
    // Whether a client with these scopes may create auth keys or change devices, so it must carry
    // tags (Tailscale: "Mandatory if the scopes include devices:core or auth_keys").
    static bool needsTags(const QStringList& scopes);
};

} // namespace keel::tsapi
