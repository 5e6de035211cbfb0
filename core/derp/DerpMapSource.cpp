#include "derp/DerpMapSource.h"

#include "common/JsonNumbers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <yaml-cpp/yaml.h>

namespace keel::derp {

namespace {

enum class Kind { Int, Bool, Double, String };

struct Field
{
    const char* name;
    Kind kind;
};

// tailcfg.DERPRegion and tailcfg.DERPNode fields (Nodes handled separately).
const Field RegionFields[] = {
    {"RegionID", Kind::Int}, {"RegionCode", Kind::String}, {"RegionName", Kind::String},
    {"Latitude", Kind::Double}, {"Longitude", Kind::Double}, {"Avoid", Kind::Bool},
    {"NoMeasureNoHome", Kind::Bool},
};
const Field NodeFields[] = {
    {"Name", Kind::String}, {"RegionID", Kind::Int}, {"HostName", Kind::String}, {"CertName", Kind::String},
    {"IPv4", Kind::String}, {"IPv6", Kind::String}, {"STUNPort", Kind::Int}, {"STUNOnly", Kind::Bool},
    {"DERPPort", Kind::Int}, {"CanPort80", Kind::Bool}, {"InsecureForTests", Kind::Bool}, {"STUNTestIP", Kind::String},
};

QJsonValue find(const QJsonObject& o, const char* name)
{
    const QLatin1StringView key(name);
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.key().compare(key, Qt::CaseInsensitive) == 0)
            return it.value();
    }
    return QJsonValue(QJsonValue::Undefined);
}

bool coerce(const QJsonValue& v, Kind kind, QJsonValue* out)
{
    const QString s = v.isString() ? v.toString().trimmed() : QString();
    bool ok = false;
    switch (kind) {
    case Kind::Int: {
        if (const std::optional<qint64> n = common::jsonInteger(v)) {
            *out = *n;
            return true;
        }
        const qint64 n = s.toLongLong(&ok);
        if (ok)
            *out = n;
        return ok;
    }
    case Kind::Double: {
        if (v.isDouble()) {
            *out = v;
            return true;
        }
        const double d = s.toDouble(&ok);
        if (ok)
            *out = d;
        return ok;
    }
    case Kind::Bool:
        if (v.isBool()) {
            *out = v;
            return true;
        }
        if (s == QLatin1String("true") || s == QLatin1String("false")) {
            *out = s == QLatin1String("true");
            return true;
        }
        return false;
    case Kind::String:
        if (v.isString()) {
            *out = v.toString();
            return true;
        }
        if (v.isDouble()) {   // a YAML/JSON number where a name was expected, e.g. name: 900
            *out = QString::number(v.toDouble(), 'g', 17);
            return true;
        }
        return false;
    }
    return false;
}

bool copyFields(const QJsonObject& in, const Field* begin, const Field* end, QJsonObject* out, const QString& where, QString* error)
{
    for (const Field* f = begin; f != end; ++f) {
        const QJsonValue v = find(in, f->name);
        if (v.isUndefined() || v.isNull())
            continue;
        QJsonValue typed;
        if (!coerce(v, f->kind, &typed)) {
            *error = QStringLiteral("%1: %2 has the wrong type").arg(where, QLatin1String(f->name));
            return false;
        }
        out->insert(QLatin1String(f->name), typed);
    }
    return true;
}

QJsonValue yamlToJson(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (const auto& kv : node)
            o.insert(QString::fromStdString(kv.first.as<std::string>()), yamlToJson(kv.second));
        return o;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const auto& item : node)
            a.append(yamlToJson(item));
        return a;
    }
    case YAML::NodeType::Scalar:
        return QString::fromStdString(node.Scalar());   // typed later, by field
    default:
        return QJsonValue(QJsonValue::Null);
    }
}

} // namespace

std::optional<QJsonObject> DerpMapSource::normalize(const QJsonObject& raw, QString* error)
{
    const QJsonValue regionsValue = find(raw, "Regions");
    if (!regionsValue.isObject() && !regionsValue.isUndefined() && !regionsValue.isNull()) {
        *error = QStringLiteral("Regions must be a map of region id to region");
        return std::nullopt;
    }
    const QJsonObject regions = regionsValue.toObject();
    QJsonObject outRegions;
    for (auto it = regions.begin(); it != regions.end(); ++it) {
        bool ok = false;
        const qint64 id = it.key().trimmed().toLongLong(&ok);
        if (!ok || id <= 0) {
            *error = QStringLiteral("region key '%1' is not a positive id").arg(it.key().left(40));
            return std::nullopt;
        }
        const QString key = QString::number(id);
        if (it.value().isNull()) {
            outRegions.insert(key, QJsonValue::Null);   // deletes this region in a merge
            continue;
        }
        if (!it.value().isObject()) {
            *error = QStringLiteral("region %1 must be a map or null").arg(key);
            return std::nullopt;
        }
        const QJsonObject in = it.value().toObject();
        QJsonObject region;
        const QString where = QStringLiteral("region %1").arg(key);
        if (!copyFields(in, std::begin(RegionFields), std::end(RegionFields), &region, where, error))
            return std::nullopt;
        if (!region.contains(QLatin1String("RegionID")))
            region.insert(QStringLiteral("RegionID"), id);
        QJsonArray nodes;
        const QJsonValue nodesValue = find(in, "Nodes");
        if (!nodesValue.isArray() && !nodesValue.isUndefined() && !nodesValue.isNull()) {
            *error = QStringLiteral("%1: Nodes must be a list").arg(where);
            return std::nullopt;
        }
        for (const QJsonValue& n : nodesValue.toArray()) {
            if (!n.isObject()) {
                *error = QStringLiteral("%1: every node must be a map").arg(where);
                return std::nullopt;
            }
            QJsonObject node;
            if (!copyFields(n.toObject(), std::begin(NodeFields), std::end(NodeFields), &node, where, error))
                return std::nullopt;
            nodes.append(node);
        }
        region.insert(QStringLiteral("Nodes"), nodes);
        outRegions.insert(key, region);
    }
    QJsonObject out{{QStringLiteral("Regions"), outRegions}};
    const QJsonValue omit = find(raw, "omitDefaultRegions");
    QJsonValue typed;
    if (!omit.isUndefined() && !omit.isNull() && coerce(omit, Kind::Bool, &typed))
        out.insert(QStringLiteral("omitDefaultRegions"), typed);
    const QJsonValue home = find(raw, "HomeParams");
    if (home.isObject())
        out.insert(QStringLiteral("HomeParams"), home);
    return out;
}

std::optional<QJsonObject> DerpMapSource::parseJson(const QByteArray& text, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = parseError.error != QJsonParseError::NoError
            ? QStringLiteral("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString())
            : QStringLiteral("a DERP map must be a JSON object");
        return std::nullopt;
    }
    return normalize(doc.object(), error);
}

std::optional<QJsonObject> DerpMapSource::parseYaml(const QByteArray& text, QString* error)
{
    try {
        const YAML::Node root = YAML::Load(text.toStdString());
        const QJsonValue v = yamlToJson(root);
        if (!v.isObject()) {
            *error = QStringLiteral("a DERP map must be a YAML mapping");
            return std::nullopt;
        }
        return normalize(v.toObject(), error);
    } catch (const YAML::Exception& e) {
        *error = QStringLiteral("invalid YAML: %1").arg(QString::fromStdString(e.what()));
        return std::nullopt;
    }
}

std::optional<QJsonObject> DerpMapSource::parse(const QByteArray& text, QString* error)
{
    return text.trimmed().startsWith('{') ? parseJson(text, error) : parseYaml(text, error);
}

std::optional<QJsonObject> DerpMapSource::readFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read DERP map %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const auto map = parse(file.read(16 * 1024 * 1024), error);
    if (!map)
        *error = QStringLiteral("%1: %2").arg(path, *error);
    return map;
}

} // namespace keel::derp
