#pragma once

#include "config/Config.h"
#include "policy/Topology.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QStringList>

#include <functional>
#include <optional>

namespace keel::server {

// Offline work on the configured database, for the CLI: backup (export), restore (import into an
// empty database) and bringing in a Headscale database. Front ends call this rather than opening
// the store themselves. Every function returns nullopt with a sentence in *error on failure.
class Maintenance
{
public:
    using Progress = std::function<void(const QString& table, qint64 done, qint64 total)>;

    struct Counts
    {
        qint64 users = 0, nodes = 0, preAuthKeys = 0, apiKeys = 0, policies = 0, stateValues = 0;
        QString describe() const;   // "3 users, 5 nodes, ..."
        QJsonObject toJson() const;
    };

    struct Exported
    {
        QByteArray json;
        Counts counts;
    };
    static std::optional<Exported> exportDatabase(const config::Config& config, const Progress& progress, QString* error);

    // Restores a `keel export` document; the target must be empty. Returns what was written and,
    // in *target, the database it went to.
    static std::optional<Counts> importDatabase(const config::Config& config, const QByteArray& json,
                                                const Progress& progress, QString* target, QString* error);

    // Exactly one of the three is set.
    struct HeadscaleSource
    {
        QString sqlitePath;
        QString postgres;       // URL or libpq conninfo
        QString configPath;     // Headscale's config.yaml: its database.* keys
    };
    struct HeadscaleImported
    {
        QString version;
        QString source;         // described for humans
        QString target;         // empty on a dry run
        QMap<QString, int> imported;
        QStringList skipped;
        QStringList notes;
    };
    // `keel policy check` when no server answers: the policy file checked against the configured
    // database's users and nodes (user references, tests, sshTests), as the server would; when
    // there is no database either (or `config` is null), the file alone. Returns the problems
    // (empty: valid); *against says which it did ("the database ...: 3 users, 12 nodes" or "the
    // file alone ...").
    static QString checkPolicy(const config::Config* config, const QByteArray& text, const QString& fileName, QString* against);
    // `keel policy explain -f FILE`: the question asked of a policy not yet in force, against the
    // configured database's users and nodes. The answer as POST /api/v1/policy/explain gives it.
    static std::optional<QJsonObject> explainPolicy(const config::Config& config, const QByteArray& text, const QString& fileName,
                                                    const QString& src, const QString& dst, int port, int proto,
                                                    QString* against, QString* error);
    static std::optional<policy::Topology> tailnetFromDatabase(const config::Config* config, QString* against, QString* why);

    static std::optional<HeadscaleImported> importHeadscale(const config::Config& config, const HeadscaleSource& source,
                                                            bool dryRun, const Progress& progress, QString* error);
};

} // namespace keel::server
