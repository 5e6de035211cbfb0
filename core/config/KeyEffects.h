#pragma once

#include "config/Config.h"
#include "config/DiagnosticSink.h"
#include "config/RawSettings.h"

#include <QList>

#include <functional>

namespace keel::config {

// What each key of the schema does in Keel: the rule is that a key Keel accepts either works, or
// says so. Keys with no effect give a warning and unsupported ones an error, both naming the key
// and why, in `keel configtest` and at `keel serve` start alike. Every schema key has an entry
// here (tests/config enumerates the schema), so a new key cannot slip in unread.
class KeyEffects
{
public:
    enum class Status {
        Used,          // something outside config/ reads it
        NoEffect,      // accepted for compatibility, does nothing: a warning when set to ask for something
        Unsupported,   // asks for a feature Keel does not have: an error when set to ask for it
    };

    struct Entry
    {
        const char* path;
        Status status;
        // A regular expression matching the code that reads the value (Config member), outside
        // core/config: the test requires it for Used keys and its absence for the others.
        const char* reader;
        const char* reason;   // NoEffect/Unsupported: why, and what to use instead
        // True when the loaded value asks for what Keel does not do (a harmless or default value
        // stays quiet: `grpc_allow_insecure: false`, Headscale's tuning defaults).
        std::function<bool(const Config&)> asks;
    };

    static const QList<Entry>& entries();
    static const Entry* find(const QString& path);
    // Adds the warnings and errors for keys set in `raw` (file or environment) that have no effect.
    static void report(const Config& config, const RawSettings& raw, DiagnosticSink& sink);
    // The keys a loaded config sets that have no effect (for `configtest --json` and the docs).
    static QStringList ineffective(const Config& config, const RawSettings& raw);
};

} // namespace keel::config
