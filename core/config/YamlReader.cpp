#include "config/YamlReader.h"

#include "config/KeySchema.h"

namespace keel::config {

namespace {

Diagnostic positioned(const QString& origin, const YAML::Mark& mark, const QString& message, const QString& hint = QString())
{
    Diagnostic d;
    d.severity = Diagnostic::Severity::Error;
    d.file = origin;
    if (!mark.is_null()) {
        d.line = mark.line + 1;
        d.column = mark.column + 1;
    }
    d.message = message;
    d.hint = hint;
    return d;
}

} // namespace

bool YamlReader::read(const QByteArray& text)
{
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::ParserException& e) {
        m_sink.add(positioned(m_origin, e.mark, QStringLiteral("not valid YAML: %1").arg(QString::fromStdString(e.msg))));
        return false;
    } catch (const YAML::Exception& e) {
        m_sink.add(positioned(m_origin, e.mark, QStringLiteral("cannot read YAML: %1").arg(QString::fromStdString(e.msg))));
        return false;
    }
    if (!root || root.IsNull())
        return true;   // an empty file: every key takes its default
    if (!root.IsMap()) {
        m_sink.add(positioned(m_origin, root.Mark(), QStringLiteral("the configuration must be a mapping of keys to values"),
                              QStringLiteral("start from resources/config-example.yaml")));
        return false;
    }
    walk(root, QString());
    return true;
}

RawValue YamlReader::rawValue(const YAML::Node& value, const YAML::Mark& keyMark) const
{
    RawValue v;
    v.node = value;
    // Point at the value when it has a position (null values have none), else at the key.
    const YAML::Mark mark = value.Mark().is_null() ? keyMark : value.Mark();
    if (!mark.is_null()) {
        v.line = mark.line + 1;
        v.column = mark.column + 1;
    }
    v.origin = m_origin;
    return v;
}

void YamlReader::walk(const YAML::Node& map, const QString& prefix)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node keyNode = it->first;
        const YAML::Node value = it->second;
        if (!keyNode.IsScalar()) {
            m_sink.add(positioned(m_origin, keyNode.Mark(), QStringLiteral("keys must be plain names")));
            continue;
        }
        const QString name = QString::fromStdString(keyNode.Scalar());
        const QString path = prefix.isEmpty() ? name : prefix + QLatin1Char('.') + name;

        if (KeySchema::find(path) || KeySchema::findOld(path)) {
            m_out.set(path, rawValue(value, keyNode.Mark()));
            continue;
        }
        if (KeySchema::isSection(path)) {
            if (value.IsMap())
                walk(value, path);
            else if (!value.IsNull()) {   // "oidc:" with everything commented out is fine
                Diagnostic d = positioned(m_origin, keyNode.Mark(), QStringLiteral("must be a mapping of keys"),
                                          QStringLiteral("known keys under %1: %2").arg(path, KeySchema::childrenOf(path).join(QStringLiteral(", "))));
                d.keyPath = path;
                m_sink.add(d);
            }
            continue;
        }
        // A near miss of a known key or section is a typo, and ignoring it would quietly run with
        // something else (`databse: {type: postgres}` on SQLite): an error. A name like nothing
        // Keel knows (another program's key) is only a warning.
        Diagnostic d = positioned(m_origin, keyNode.Mark(), QStringLiteral("unknown key, ignored"));
        d.severity = Diagnostic::Severity::Warning;
        d.keyPath = path;
        const QString near = KeySchema::suggest(path);
        if (!near.isEmpty()) {
            d.severity = Diagnostic::Severity::Error;
            d.message = QStringLiteral("unknown key");
            d.hint = QStringLiteral("did you mean \"%1\"?").arg(near);
        } else if (!prefix.isEmpty())
            d.hint = QStringLiteral("known keys under %1: %2").arg(prefix, KeySchema::childrenOf(prefix).join(QStringLiteral(", ")));
        m_sink.add(d);
    }
}

} // namespace keel::config
