#pragma once

#include "config/DiagnosticSink.h"
#include "config/RawSettings.h"

#include <QByteArray>

namespace keel::config {

// Parses config.yaml (or .json) text into RawSettings: descends into known sections, records
// known and old keys with their position, warns about unknown keys (with "did you mean").
class YamlReader
{
public:
    YamlReader(RawSettings& out, DiagnosticSink& sink, QString origin)
        : m_out(out)
        , m_sink(sink)
        , m_origin(std::move(origin))
    {
    }

    // Returns false when the text is not YAML at all or not a mapping (an error is reported).
    bool read(const QByteArray& text);

private:
    void walk(const YAML::Node& map, const QString& prefix);
    RawValue rawValue(const YAML::Node& value, const YAML::Mark& keyMark) const;

    RawSettings& m_out;
    DiagnosticSink& m_sink;
    QString m_origin;
};

} // namespace keel::config
