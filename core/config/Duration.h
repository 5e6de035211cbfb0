#pragma once

#include <QString>

#include <optional>

namespace keel::config {

// Durations as Headscale writes them (Prometheus syntax): units y (365d), w, d, h, m, s, ms, in
// that order, each at most once ("1h30m", "90d", "1w", "500ms"), plus a plain "0". Returns
// milliseconds, or nullopt with a readable reason in *error.
std::optional<qint64> parseDurationMs(const QString& text, QString* error = nullptr);

// The shortest text parseDurationMs reads back to the same value: "90d", "1h30m", "0s".
QString formatDuration(qint64 ms);

} // namespace keel::config
