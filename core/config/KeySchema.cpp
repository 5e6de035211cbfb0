#include "config/KeySchema.h"

#include <QSet>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace keel::config {

namespace {

using K = KeySchema::Kind;
using L = KeySchema::Legacy;

const QList<KeySchema::Key>& table()
{
    static const QList<KeySchema::Key> keys = {
        {"data_dir", K::Path},
        {"server_url", K::String},
        {"listen_addr", K::String},
        {"metrics_listen_addr", K::String},
        {"grpc_listen_addr", K::String},
        {"grpc_allow_insecure", K::Bool},
        {"trusted_proxies", K::StringList},
        {"disable_check_updates", K::Bool},
        {"noise.private_key_path", K::Path},
        {"prefixes.v4", K::String},
        {"prefixes.v6", K::String},
        {"prefixes.allocation", K::String},
        {"derp.server.enabled", K::Bool},
        {"derp.server.region_id", K::Int},
        {"derp.server.region_code", K::String},
        {"derp.server.region_name", K::String},
        {"derp.server.verify_clients", K::Bool},
        {"derp.server.stun_listen_addr", K::String},
        {"derp.server.private_key_path", K::Path},
        {"derp.server.automatically_add_embedded_derp_region", K::Bool},
        {"derp.server.ipv4", K::String},
        {"derp.server.ipv6", K::String},
        {"derp.server.rate_limit_bytes_per_sec", K::Int},
        {"derp.server.rate_limit_burst_bytes", K::Int},
        {"derp.server.mesh_key", K::String},        // Keel: derper's --mesh-psk (64 hex)
        {"derp.server.mesh_key_path", K::Path},     // Keel: derper's --mesh-psk-file
        {"derp.server.mesh_with", K::StringList},   // Keel: derper's --mesh-with, as URLs
        {"derp.urls", K::StringList},
        {"derp.paths", K::PathList},
        {"derp.auto_update_enabled", K::Bool},
        {"derp.update_frequency", K::Duration},
        {"node.expiry", K::Duration},
        {"node.ephemeral.inactivity_timeout", K::Duration},
        {"node.device_approval", K::Bool},
        {"audit.retention", K::Duration},
        {"node.routes.ha.probe_interval", K::Duration},
        {"node.routes.ha.probe_timeout", K::Duration},
        {"preauth_keys.revoked_retention", K::Duration},
        {"database.type", K::String},
        {"database.debug", K::Bool},
        {"database.gorm.prepare_stmt", K::Ignored},
        {"database.gorm.parameterized_queries", K::Ignored},
        {"database.gorm.skip_err_record_not_found", K::Ignored},
        {"database.gorm.slow_threshold", K::Ignored},
        {"database.sqlite.path", K::Path},
        {"database.sqlite.write_ahead_log", K::Bool},
        {"database.sqlite.wal_autocheckpoint", K::Int},
        {"database.postgres.host", K::String},
        {"database.postgres.port", K::Int},
        {"database.postgres.name", K::String},
        {"database.postgres.user", K::String},
        {"database.postgres.pass", K::String},
        {"database.postgres.max_open_conns", K::Int},
        {"database.postgres.max_idle_conns", K::Int},
        {"database.postgres.conn_max_idle_time_secs", K::Int},
        {"database.postgres.ssl", K::String},
        {"acme_url", K::String},
        {"acme_email", K::String},
        {"tls_letsencrypt_hostname", K::String},
        {"tls_letsencrypt_cache_dir", K::Path},
        {"tls_letsencrypt_challenge_type", K::String},
        {"tls_letsencrypt_listen", K::String},
        {"tls_cert_path", K::Path},
        {"tls_key_path", K::Path},
        {"log.level", K::String},
        {"log.format", K::String},
        {"policy.mode", K::String},
        {"policy.path", K::Path},
        {"dns.magic_dns", K::Bool},
        {"dns.base_domain", K::String},
        {"dns.override_local_dns", K::Bool},
        {"dns.nameservers.global", K::StringList},
        {"dns.nameservers.split", K::ListMap},
        {"dns.search_domains", K::StringList},
        {"dns.extra_records", K::Records},
        {"dns.extra_records_path", K::Path},
        {"dns.cert_challenge.command", K::StringList},   // Keel: the set-dns `exec` provider
        {"dns.cert_challenge.timeout", K::Duration},
        {"unix_socket", K::Path},
        {"unix_socket_permission", K::String},
        {"oidc.only_start_if_oidc_is_available", K::Bool},
        {"oidc.issuer", K::String},
        {"oidc.client_id", K::String},
        {"oidc.client_secret", K::String},
        {"oidc.client_secret_path", K::String},   // environment-expanded first, then resolved
        {"oidc.scope", K::StringList},
        {"oidc.extra_params", K::StringMap},
        {"oidc.allowed_domains", K::StringList},
        {"oidc.allowed_users", K::StringList},
        {"oidc.allowed_groups", K::StringList},
        {"oidc.email_verified_required", K::Bool},
        {"oidc.use_expiry_from_token", K::Bool},
        {"oidc.pkce.enabled", K::Bool},
        {"oidc.pkce.method", K::String},
        {"logtail.enabled", K::Bool},
        {"taildrop.enabled", K::Bool},
        {"auto_update.enabled", K::Bool},
        {"cli.address", K::String},
        {"cli.api_key", K::String},
        {"cli.timeout", K::Duration},
        {"cli.insecure", K::Bool},
        {"tuning.notifier_send_timeout", K::Duration},
        {"tuning.batch_change_delay", K::Duration},
        {"tuning.node_mapsession_buffered_chan_size", K::Int},
        {"tuning.batcher_workers", K::Int},
        {"tuning.register_cache_expiration", K::Duration},
        {"tuning.register_cache_max_entries", K::Int},
        {"tuning.node_store_batch_size", K::Int},
        {"tuning.node_store_batch_timeout", K::Duration},
    };
    return keys;
}

const QList<KeySchema::OldKey>& oldTable()
{
    static const QList<KeySchema::OldKey> keys = {
        {"acl_policy_path", L::Renamed, "policy.path"},
        {"dns_config.magic_dns", L::Renamed, "dns.magic_dns"},
        {"dns_config.base_domain", L::Renamed, "dns.base_domain"},
        {"dns_config.override_local_dns", L::Renamed, "dns.override_local_dns"},
        {"dns_config.nameservers", L::Renamed, "dns.nameservers.global"},
        {"dns_config.restricted_nameservers", L::Renamed, "dns.nameservers.split"},
        {"dns_config.domains", L::Renamed, "dns.search_domains"},
        {"dns_config.extra_records", L::Renamed, "dns.extra_records"},
        {"ephemeral_node_inactivity_timeout", L::Renamed, "node.ephemeral.inactivity_timeout"},
        {"oidc.expiry", L::Renamed, "node.expiry"},
        {"db_type", L::Renamed, "database.type"},
        {"db_path", L::Renamed, "database.sqlite.path"},
        {"db_host", L::Renamed, "database.postgres.host"},
        {"db_port", L::Renamed, "database.postgres.port"},
        {"db_name", L::Renamed, "database.postgres.name"},
        {"db_user", L::Renamed, "database.postgres.user"},
        {"db_pass", L::Renamed, "database.postgres.pass"},
        {"db_ssl", L::Renamed, "database.postgres.ssl"},
        {"ip_prefixes", L::Special, "prefixes.v4 and prefixes.v6"},
        {"dns.use_username_in_magic_dns", L::Removed,
         "MagicDNS names are now <hostname>.<base_domain>; Headscale removed the option"},
        {"dns_config.use_username_in_magic_dns", L::Removed,
         "MagicDNS names are now <hostname>.<base_domain>; Headscale removed the option"},
        {"oidc.strip_email_domain", L::Removed, "removed in Headscale 0.26; users are matched by email or provider identifier"},
        {"oidc.map_legacy_users", L::Removed, "removed in Headscale 0.26"},
        {"randomize_client_port", L::Removed,
         "set \"randomizeClientPort\": true at the top level of the policy file, or grant the cap with a nodeAttrs entry"},
        {"private_key_path", L::Removed, "the pre-Noise control key is obsolete; noise.private_key_path is the server key"},
        {"node_update_check_interval", L::Removed, "changes are pushed to nodes as they happen"},
    };
    return keys;
}

int editDistance(const QString& a, const QString& b)
{
    std::vector<int> prev(static_cast<std::size_t>(b.size()) + 1), cur(prev.size());
    for (std::size_t j = 0; j < prev.size(); ++j)
        prev[j] = static_cast<int>(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            const auto uj = static_cast<std::size_t>(j);
            cur[uj] = std::min({prev[uj] + 1, cur[uj - 1] + 1, prev[uj - 1] + cost});
        }
        std::swap(prev, cur);
    }
    return prev.back();
}

} // namespace

const QList<KeySchema::Key>& KeySchema::keys()
{
    return table();
}

const QList<KeySchema::OldKey>& KeySchema::oldKeys()
{
    return oldTable();
}

const KeySchema::Key* KeySchema::find(const QString& path)
{
    for (const Key& k : table())
        if (path == QLatin1String(k.path))
            return &k;
    return nullptr;
}

const KeySchema::OldKey* KeySchema::findOld(const QString& path)
{
    for (const OldKey& k : oldTable())
        if (path == QLatin1String(k.path))
            return &k;
    return nullptr;
}

bool KeySchema::isSection(const QString& path)
{
    static const QSet<QString> sections = [] {
        QSet<QString> s;
        auto addPrefixes = [&s](const QString& key) {
            for (qsizetype dot = key.indexOf(QLatin1Char('.')); dot >= 0; dot = key.indexOf(QLatin1Char('.'), dot + 1))
                s.insert(key.left(dot));
        };
        for (const Key& k : table())
            addPrefixes(QLatin1String(k.path));
        for (const OldKey& k : oldTable())
            addPrefixes(QLatin1String(k.path));
        return s;
    }();
    return sections.contains(path);
}

QString KeySchema::suggest(const QString& unknownPath)
{
    // Compare with every key and section at the same depth; a near miss is a typo
    // ("server_ulr", "dns.base_domian") or a missing/extra underscore.
    // Only a near miss is worth naming, and the edit distance is at least the difference in
    // length: a candidate further than that is skipped unmeasured. That keeps the cost of a long
    // unknown key (a config from an untrusted source, or a fuzzer's) linear instead of length x
    // every key.
    const QString leaf = unknownPath.section(QLatin1Char('.'), -1);
    const int allowed = std::max<int>(2, static_cast<int>(leaf.size()) / 3);
    QString best;
    int bestDistance = allowed + 1;
    auto consider = [&](const QString& candidate) {
        if (std::abs(unknownPath.size() - candidate.size()) > allowed)
            return;
        const int d = editDistance(unknownPath, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    };
    for (const Key& k : table())
        consider(QLatin1String(k.path));
    // Sections too, so a misspelt top-level mapping (`databse:`) is recognised, not just keys.
    static const QStringList sections = [] {
        QStringList s;
        for (const Key& k : table())
            for (qsizetype dot = QLatin1String(k.path).indexOf(QLatin1Char('.')); dot >= 0; dot = QLatin1String(k.path).indexOf(QLatin1Char('.'), dot + 1))
                if (!s.contains(QLatin1String(k.path).left(dot)))
                    s << QLatin1String(k.path).left(dot);
        return s;
    }();
    for (const QString& section : sections)
        consider(section);
    return best;
}

QStringList KeySchema::childrenOf(const QString& section)
{
    QStringList names;
    const QString prefix = section + QLatin1Char('.');
    for (const Key& k : table()) {
        const QString path = QLatin1String(k.path);
        if (!path.startsWith(prefix))
            continue;
        const QString child = path.mid(prefix.size()).section(QLatin1Char('.'), 0, 0);
        if (!names.contains(child))
            names << child;
    }
    return names;
}

QString KeySchema::suggestEnv(const QString& variable)
{
    const QString prefix = variable.startsWith(QLatin1String("KEEL_")) ? QStringLiteral("KEEL_") : QStringLiteral("HEADSCALE_");
    QStringList known{prefix + QStringLiteral("CONFIG")};
    for (const Key& k : table())
        known << prefix + envSuffix(QLatin1String(k.path));
    if (known.contains(variable))
        return {};
    QString best;
    int bestDistance = 3;   // at most two edits: a typo, not another name
    for (const QString& candidate : std::as_const(known)) {
        if (std::abs(variable.size() - candidate.size()) >= bestDistance)
            continue;   // at least that many edits apart
        const int d = editDistance(variable, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return best;
}

QString KeySchema::envSuffix(const QString& path)
{
    QString s = path.toUpper();
    s.replace(QLatin1Char('.'), QLatin1Char('_'));
    return s;
}

} // namespace keel::config
