#pragma once

#include <QString>
#include <QStringList>

namespace keel::config {

// The table of every key config.yaml may hold: current Headscale keys, Keel's own, and the old
// names Headscale used before (with where they went). One place, so the reader, the environment
// overrides and "did you mean" all agree.
class KeySchema
{
public:
    enum class Kind {
        String,
        Path,          // string, relative paths resolve against the config file's directory
        Bool,
        Int,
        Duration,
        StringList,    // YAML sequence; from the environment: whitespace-separated
        PathList,
        StringMap,     // mapping of string -> string (oidc.extra_params)
        ListMap,       // mapping of string -> list of strings (dns.nameservers.split)
        Records,       // sequence of mappings (dns.extra_records)
        Ignored,       // accepted for compatibility, no effect in Keel (database.gorm.*)
    };

    struct Key
    {
        const char* path;
        Kind kind;
    };

    enum class Legacy {
        Renamed,   // value moves to `replacement` unless that is set too
        Removed,   // warned about and ignored
        Special,   // mapped by LegacyKeys with its own rule (ip_prefixes)
    };

    struct OldKey
    {
        const char* path;
        Legacy legacy;
        const char* replacement;   // new key (Renamed), or a hint (Removed)
    };

    static const Key* find(const QString& path);
    static const OldKey* findOld(const QString& path);
    // True when `path` is a mapping that holds known keys ("dns", "derp.server", "dns_config").
    static bool isSection(const QString& path);
    static const QList<Key>& keys();
    static const QList<OldKey>& oldKeys();
    // The closest known key for an unknown one, or empty when nothing is near.
    static QString suggest(const QString& unknownPath);
    // The names directly under a section: childrenOf("policy") -> {"mode", "path"}.
    static QStringList childrenOf(const QString& section);
    // "dns.base_domain" -> "DNS_BASE_DOMAIN" (prefix with KEEL_ or HEADSCALE_).
    static QString envSuffix(const QString& path);
    // For a KEEL_/HEADSCALE_ variable that sets nothing: the known variable it is a typo of
    // (KEEL_LISTEN_ADR -> KEEL_LISTEN_ADDR), or empty when it is not near one (KEEL_SOMETHING_ELSE
    // may belong to another tool or a test harness, so only near misses are worth a warning).
    static QString suggestEnv(const QString& variable);
};

} // namespace keel::config
