#include "policy/YamlPolicy.h"

#include <QJsonArray>

#include <yaml-cpp/yaml.h>

namespace keel::policy {

namespace {

QJsonValue convert(const YAML::Node& n, int depth)
{
    if (depth > 64) // a policy is shallow; deep nesting is hostile input
        throw YAML::Exception(n.Mark(), "nesting too deep");
    switch (n.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (const auto& kv : n) {
            if (!kv.first.IsScalar())
                throw YAML::Exception(kv.first.Mark(), "map keys must be strings");
            o.insert(QString::fromStdString(kv.first.Scalar()), convert(kv.second, depth + 1));
        }
        return o;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const auto& item : n)
            a.append(convert(item, depth + 1));
        return a;
    }
    case YAML::NodeType::Scalar: {
        const QString s = QString::fromStdString(n.Scalar());
        if (n.Tag() != "!" && (s == QLatin1String("true") || s == QLatin1String("false")))
            return s == QLatin1String("true");
        return s;
    }
    default:
        return QJsonValue::Null;
    }
}

} // namespace

std::optional<QJsonObject> YamlPolicy::toJson(const QByteArray& yaml, QString* error)
{
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (root.IsNull())
            return QJsonObject{};
        if (!root.IsMap()) {
            *error = QStringLiteral("the policy document must be a mapping");
            return std::nullopt;
        }
        return convert(root, 0).toObject();
    } catch (const YAML::Exception& e) {
        *error = QStringLiteral("line %1, column %2: %3").arg(e.mark.line + 1).arg(e.mark.column + 1).arg(QString::fromStdString(e.msg));
        return std::nullopt;
    }
}

bool YamlPolicy::isYamlPath(const QString& path)
{
    return path.endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive) || path.endsWith(QLatin1String(".yml"), Qt::CaseInsensitive);
}

} // namespace keel::policy
