#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

namespace keel::config {

// One value as written, before it is typed: the YAML node (environment values become scalar
// nodes, or parsed YAML for mappings), where it was written, and by whom.
struct RawValue
{
    YAML::Node node;
    int line = -1;       // 1-based, -1 for the environment
    int column = -1;
    QString origin;      // the file, or the environment variable that set it
    bool fromEnv = false;
};

// Values by dotted key path ("dns.base_domain"), as the file and the environment gave them.
class RawSettings
{
public:
    void set(const QString& key, const RawValue& value) { m_values.insert(key, value); }
    void remove(const QString& key) { m_values.remove(key); }
    bool has(const QString& key) const { return m_values.contains(key); }
    const RawValue* get(const QString& key) const
    {
        const auto it = m_values.constFind(key);
        return it == m_values.constEnd() ? nullptr : &it.value();
    }
    QStringList keys() const { return m_values.keys(); }

private:
    QMap<QString, RawValue> m_values;
};

} // namespace keel::config
