#include "config/LegacyKeys.h"

#include "config/KeySchema.h"

#include <QRegularExpression>

namespace keel::config {

void LegacyKeys::migrate(RawSettings& raw, DiagnosticSink& sink)
{
    for (const KeySchema::OldKey& old : KeySchema::oldKeys()) {
        const QString oldPath = QLatin1String(old.path);
        const RawValue* value = raw.get(oldPath);
        if (!value)
            continue;
        switch (old.legacy) {
        case KeySchema::Legacy::Renamed: {
            const QString newPath = QLatin1String(old.replacement);
            if (raw.has(newPath)) {
                sink.warning(oldPath, QStringLiteral("deprecated key, ignored because \"%1\" is also set (the new key wins)").arg(newPath),
                             QStringLiteral("remove \"%1\"").arg(oldPath));
            } else {
                sink.warning(oldPath, QStringLiteral("deprecated key, its value is used as \"%1\"").arg(newPath),
                             QStringLiteral("rename it to \"%1\"").arg(newPath));
                raw.set(newPath, *value);
            }
            break;
        }
        case KeySchema::Legacy::Removed:
            sink.warning(oldPath, QStringLiteral("no longer supported, ignored"), QLatin1String(old.replacement));
            break;
        case KeySchema::Legacy::Special:
            migrateIpPrefixes(raw, sink);
            break;
        }
        raw.remove(oldPath);
    }
}

void LegacyKeys::migrateIpPrefixes(RawSettings& raw, DiagnosticSink& sink)
{
    const QString oldPath = QStringLiteral("ip_prefixes");
    const RawValue old = *raw.get(oldPath);
    if (raw.has(QStringLiteral("prefixes.v4")) || raw.has(QStringLiteral("prefixes.v6"))) {
        sink.warning(oldPath, QStringLiteral("deprecated key, ignored because prefixes.v4/prefixes.v6 are set (the new keys win)"),
                     QStringLiteral("remove \"ip_prefixes\""));
        return;
    }
    // One list of both families became two keys: sort the entries by family, first one wins.
    QStringList entries;
    if (old.node.IsSequence()) {
        for (const YAML::Node& item : old.node)
            if (item.IsScalar())
                entries << QString::fromStdString(item.Scalar()).trimmed();
    } else if (old.node.IsScalar()) {
        entries = QString::fromStdString(old.node.Scalar()).split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    }
    QString v4, v6;
    QStringList extra;
    for (const QString& e : std::as_const(entries)) {
        QString& slot = e.contains(QLatin1Char(':')) ? v6 : v4;
        if (slot.isEmpty())
            slot = e;
        else
            extra << e;
    }
    sink.warning(oldPath, QStringLiteral("deprecated key, its values are used as prefixes.v4 (%1) and prefixes.v6 (%2)")
                              .arg(v4.isEmpty() ? QStringLiteral("none") : v4, v6.isEmpty() ? QStringLiteral("none") : v6),
                 QStringLiteral("replace it with prefixes: {v4: ..., v6: ...}"));
    if (!extra.isEmpty())
        sink.warning(oldPath, QStringLiteral("only one prefix per address family is supported, ignored: %1").arg(extra.join(QStringLiteral(", "))));
    auto put = [&](const QString& key, const QString& text) {
        RawValue v = old;
        v.node = YAML::Node(text.toStdString());
        raw.set(key, v);
    };
    // An explicit empty list means "no prefixes" so validation reports it, as Headscale would.
    put(QStringLiteral("prefixes.v4"), v4);
    put(QStringLiteral("prefixes.v6"), v6);
}

} // namespace keel::config
