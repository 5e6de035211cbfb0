#include "config/EnvOverrides.h"

#include "config/KeySchema.h"

namespace keel::config {

void EnvOverrides::apply(RawSettings& raw, const QProcessEnvironment& env, DiagnosticSink& sink)
{
    for (const KeySchema::Key& key : KeySchema::keys()) {
        const QString path = QLatin1String(key.path);
        const QString suffix = KeySchema::envSuffix(path);
        QString var = QStringLiteral("KEEL_") + suffix;
        if (!env.contains(var)) {
            var = QStringLiteral("HEADSCALE_") + suffix;
            if (!env.contains(var))
                continue;
        }
        const std::string text = env.value(var).toStdString();
        RawValue v;
        v.origin = var;
        v.fromEnv = true;
        const bool structured = key.kind == KeySchema::Kind::StringMap || key.kind == KeySchema::Kind::ListMap
            || key.kind == KeySchema::Kind::Records;
        if (structured) {
            try {
                v.node = YAML::Load(text);
            } catch (const YAML::Exception& e) {
                Diagnostic d;
                d.file = var;
                d.keyPath = path;
                d.message = QStringLiteral("cannot parse the value: %1").arg(QString::fromStdString(e.msg));
                d.hint = QStringLiteral("write it as YAML flow text, e.g. {example.com: [1.1.1.1]}");
                sink.add(d);
                continue;
            }
        } else {
            v.node = YAML::Node(text);
        }
        raw.set(path, v);
    }
    for (const QString& var : env.keys()) {
        if (!var.startsWith(QLatin1String("KEEL_")) && !var.startsWith(QLatin1String("HEADSCALE_")))
            continue;
        const QString near = KeySchema::suggestEnv(var);
        if (near.isEmpty())
            continue;
        Diagnostic d;
        d.severity = Diagnostic::Severity::Warning;
        d.file = var;
        d.message = QStringLiteral("sets nothing, ignored; did you mean %1?").arg(near);
        sink.add(d);
    }
}

} // namespace keel::config
