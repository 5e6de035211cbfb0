#pragma once

#include "config/DiagnosticSink.h"
#include "config/RawSettings.h"

namespace keel::config {

// Maps keys older Headscale versions used (dns_config.*, db_*, ip_prefixes, acl_policy_path ...)
// to the current ones, with a deprecation warning naming the new key. When both are set the new
// one wins and the warning says so. Removed keys with no replacement warn and are dropped.
// Headscale 0.29 refuses several of these; Keel accepts them so old files keep working.
class LegacyKeys
{
public:
    static void migrate(RawSettings& raw, DiagnosticSink& sink);

private:
    static void migrateIpPrefixes(RawSettings& raw, DiagnosticSink& sink);
};

} // namespace keel::config
