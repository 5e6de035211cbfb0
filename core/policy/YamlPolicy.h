#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace keel::policy {

// YAML policy files, as Headscale accepted them up to 0.22 (same keys as the HuJSON form). The
// document becomes the JSON object the policy decoder reads; YAML scalars stay strings except
// true/false, which become booleans.
class YamlPolicy {
public:
    // Returns the document, or nullopt and sets `error` ("line L, column C: ...").
    static std::optional<QJsonObject> toJson(const QByteArray& yaml, QString* error);
    // A path ending in .yaml or .yml (the file name decides the format, as Headscale did).
    static bool isYamlPath(const QString& path);
};

} // namespace keel::policy
