#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace keel::derp {

// Reads one DERP map source (a tailcfg.DERPMap as JSON from derp.urls, or a YAML/JSON file from
// derp.paths) into canonical JSON: the field names of spec A.12 whatever their case in the input
// (YAML files use lower-case names), numbers and booleans typed, `null` regions kept as null so a
// later merge can delete them. Unknown fields are dropped; a wrongly typed known field is an error.
class DerpMapSource
{
public:
    // Returns {"Regions": {"<id>": region-or-null, ...}} (plus omitDefaultRegions/HomeParams when given).
    static std::optional<QJsonObject> parseJson(const QByteArray& text, QString* error);
    static std::optional<QJsonObject> parseYaml(const QByteArray& text, QString* error);
    // By content: JSON when the first non-blank character is '{', YAML otherwise.
    static std::optional<QJsonObject> parse(const QByteArray& text, QString* error);
    static std::optional<QJsonObject> readFile(const QString& path, QString* error);

    // Canonicalises an already parsed map (keys in any case, scalars possibly as strings).
    static std::optional<QJsonObject> normalize(const QJsonObject& raw, QString* error);
};

} // namespace keel::derp
