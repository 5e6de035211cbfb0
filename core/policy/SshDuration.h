#pragma once

#include <QString>
#include <optional>

namespace keel::policy {

// Go's time.ParseDuration grammar ("12h", "1h30m", "90s") as SSH checkPeriod uses it, limited to
// the 0..168h window Tailscale accepts.
class SshDuration {
public:
    static std::optional<double> parseSeconds(const QString& text);
    static bool validate(const QString& text, QString* error);
};

} // namespace keel::policy
