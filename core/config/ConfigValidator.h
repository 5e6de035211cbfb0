#pragma once

#include "config/Config.h"
#include "config/DiagnosticSink.h"

namespace keel::config {

// The rules that look at values and at several keys together: Headscale's fatal config errors
// (with its wording where it has one) and Keel's own checks of addresses, prefixes and enums.
// Every rule runs; nothing stops at the first problem.
class ConfigValidator
{
public:
    static void validate(const Config& c, DiagnosticSink& sink);

private:
    static void checkServer(const Config& c, DiagnosticSink& sink);
    static void checkPrefixes(const Config& c, DiagnosticSink& sink);
    static void checkDatabase(const Config& c, DiagnosticSink& sink);
    static void checkDns(const Config& c, DiagnosticSink& sink);
    static void checkDerp(const Config& c, DiagnosticSink& sink);
    static void checkTimers(const Config& c, DiagnosticSink& sink);
    static void checkTls(const Config& c, DiagnosticSink& sink);
    static void checkOidc(const Config& c, DiagnosticSink& sink);
    static void checkEnums(const Config& c, DiagnosticSink& sink);
};

} // namespace keel::config
