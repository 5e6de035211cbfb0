#pragma once

#include "config/Config.h"

#include <QJsonObject>

namespace keel::config {

// The configuration in force as a JSON tree with config.yaml's key names (`keel config show`,
// `keel dumpConfig`, GET /debug/config). Secrets (database password, OIDC client secret, the CLI's
// API key, the DERP mesh key) are replaced by "REDACTED" when set; durations are Go-style text
// ("90s", "2160h0m0s" as "2160h").
class ConfigDump
{
public:
    static QJsonObject toJson(const Config& config);
    static inline const QString Redacted = QStringLiteral("REDACTED");
};

} // namespace keel::config
