#include "server/Maintenance.h"

#include "common/Plural.h"
#include "config/ConfigLoader.h"
#include "server/DatabaseSettings.h"
#include "backup/ExportJson.h"
#include "backup/Exporter.h"
#include "backup/HeadscaleImport.h"
#include "backup/Importer.h"
#include "policy/PolicyCompiler.h"
#include "policy/PolicyExplainer.h"
#include "state/PolicyTopology.h"
#include "state/State.h"
#include "store/Store.h"

#include <QFileInfo>
#include <QProcessEnvironment>

namespace keel::server {

namespace {

Maintenance::Counts countsOf(const store::ExportDocument& d)
{
    return {d.users.size(), d.nodes.size(), d.preAuthKeys.size(), d.apiKeys.size(), d.policies.size(), d.state.size()};
}

// The configured database for a short-lived command. `mustExist`: never create a SQLite file.
std::unique_ptr<store::Store> openConfigured(const config::Config& config, bool mustExist, QString* described, QString* error)
{
    store::DatabaseOptions options = databaseOptions(config);
    options.checkpointIntervalSecs = 0;  // a short-lived command: no periodic checkpoints
    *described = describeDatabase(options);
    if (mustExist && options.type.startsWith(QLatin1String("sqlite")) && !QFileInfo(options.sqlitePath).isFile()) {
        *error = QStringLiteral("no database at %1").arg(options.sqlitePath);
        return nullptr;
    }
    QString why;
    auto s = store::Store::open(options, &why);
    if (!s)
        *error = QStringLiteral("cannot open %1: %2").arg(*described, why);
    return s;
}

std::optional<store::DatabaseOptions> headscaleOptions(const Maintenance::HeadscaleSource& source, QString* error)
{
    const int given = int(!source.sqlitePath.isEmpty()) + int(!source.postgres.isEmpty()) + int(!source.configPath.isEmpty());
    if (given != 1) {
        *error = QStringLiteral("give exactly one of --from FILE, --from-postgres URL or --headscale-config FILE");
        return std::nullopt;
    }
    if (!source.sqlitePath.isEmpty()) {
        store::DatabaseOptions o;
        o.type = QStringLiteral("sqlite");
        o.sqlitePath = source.sqlitePath;
        return o;
    }
    if (!source.postgres.isEmpty()) {
        const auto o = store::HeadscaleImport::postgresOptions(source.postgres);
        if (!o.ok()) {
            *error = QStringLiteral("--from-postgres: %1").arg(o.error().message);
            return std::nullopt;
        }
        return *o;
    }
    // Headscale's config.yaml: only its database.* keys matter, so other problems are not fatal.
    const config::LoadResult load = config::ConfigLoader::loadFile(source.configPath, QProcessEnvironment());
    if (load.config.sourcePath.isEmpty()) {
        *error = QStringLiteral("cannot read %1").arg(source.configPath);
        return std::nullopt;
    }
    return databaseOptions(load.config);
}

} // namespace

QString Maintenance::Counts::describe() const
{
    return QStringList{plural(users, QStringLiteral("user")), plural(nodes, QStringLiteral("node")), plural(preAuthKeys, QStringLiteral("pre-auth key")),
                       plural(apiKeys, QStringLiteral("API key")), plural(policies, QStringLiteral("policy"), QStringLiteral("policies")),
                       plural(stateValues, QStringLiteral("state value"))}.join(QStringLiteral(", "));
}

QJsonObject Maintenance::Counts::toJson() const
{
    return {{QStringLiteral("users"), users}, {QStringLiteral("nodes"), nodes}, {QStringLiteral("preAuthKeys"), preAuthKeys},
            {QStringLiteral("apiKeys"), apiKeys}, {QStringLiteral("policies"), policies}, {QStringLiteral("stateValues"), stateValues}};
}

// The configured database's users and nodes as the policy engine sees them; nullopt (with *why)
// when there is no config or no database. *against describes what was read.
std::optional<policy::Topology> Maintenance::tailnetFromDatabase(const config::Config* config, QString* against, QString* why)
{
    QString described;
    std::optional<policy::Topology> tailnet;
    if (const auto s = config ? openConfigured(*config, true, &described, why) : nullptr) {
        const auto users = s->listUsers();
        const auto nodes = s->listNodes();
        if (users && nodes) {
            tailnet.emplace();
            for (const store::User& u : users.value())
                tailnet->users.append(state::policyUser(u));
            tailnet->users.append(state::policyUser(state::State::taggedDevicesUser()));
            for (const store::Node& n : nodes.value())
                tailnet->nodes.append(state::policyNode(n));
            *against = QStringLiteral("the database %1: %2, %3").arg(described, plural(users->size(), QStringLiteral("user")), plural(nodes->size(), QStringLiteral("node")));
        } else {
            *why = (users ? nodes.error() : users.error()).message;
        }
    }
    return tailnet;
}

QString Maintenance::checkPolicy(const config::Config* config, const QByteArray& text, const QString& fileName, QString* against)
{
    QString why = QStringLiteral("--offline");
    const std::optional<policy::Topology> tailnet = tailnetFromDatabase(config, against, &why);
    if (!tailnet)
        *against = QStringLiteral("the file alone (%1; user references and tests not checked)").arg(why);
    QString error;
    QString tests;
    if (!state::parsePolicyFor(tailnet ? &*tailnet : nullptr, text, fileName, &error, &tests))
        return error;
    return tests;
}

std::optional<QJsonObject> Maintenance::explainPolicy(const config::Config& config, const QByteArray& text, const QString& fileName,
                                                      const QString& src, const QString& dst, int port, int proto,
                                                      QString* against, QString* error)
{
    QString why;
    const std::optional<policy::Topology> tailnet = tailnetFromDatabase(&config, against, &why);
    if (!tailnet) {
        *error = QStringLiteral("explaining a policy file needs the tailnet's nodes, from the server's database: %1").arg(why);
        return std::nullopt;
    }
    const auto parsed = state::parsePolicyFor(&*tailnet, text, fileName, error, nullptr);
    if (!parsed)
        return std::nullopt;
    const policy::PolicyCompiler compiler(*parsed, *tailnet);
    const policy::PolicyExplainer explainer(*tailnet, compiler);
    const auto answer = explainer.explain(src, dst, port, proto);
    if (!answer) {
        QStringList unknown;
        if (explainer.findNodes(src).isEmpty())
            unknown << QStringLiteral("--src '%1'").arg(src);
        if (explainer.findNodes(dst).isEmpty())
            unknown << QStringLiteral("--dst '%1'").arg(dst);
        *error = QStringLiteral("%1 %2 no node in %3").arg(unknown.join(QStringLiteral(" and ")),
                                                          unknown.size() > 1 ? QStringLiteral("name") : QStringLiteral("names"), *against);
        return std::nullopt;
    }
    return answer->toJson();
}

std::optional<Maintenance::Exported> Maintenance::exportDatabase(const config::Config& config, const Progress& progress, QString* error)
{
    QString described;
    const auto s = openConfigured(config, true, &described, error);
    if (!s)
        return std::nullopt;
    store::Exporter exporter(*s);
    exporter.setProgress(progress);
    const auto doc = exporter.read();
    if (!doc.ok()) {
        *error = QStringLiteral("export of %1 failed: %2").arg(described, doc.error().message);
        return std::nullopt;
    }
    return Exported{store::ExportJson::serialize(*doc), countsOf(*doc)};
}

std::optional<Maintenance::Counts> Maintenance::importDatabase(const config::Config& config, const QByteArray& json,
                                                               const Progress& progress, QString* target, QString* error)
{
    const auto doc = store::ExportJson::parse(json);
    if (!doc.ok()) {
        *error = doc.error().message;
        return std::nullopt;
    }
    if (const auto v = store::Importer::validate(*doc); !v.ok()) {
        *error = v.error().message;
        return std::nullopt;
    }
    const auto s = openConfigured(config, false, target, error);
    if (!s)
        return std::nullopt;
    store::Importer importer(*s);
    importer.setProgress(progress);
    if (const auto r = importer.write(*doc); !r.ok()) {
        *error = QStringLiteral("import into %1 failed, nothing was written: %2").arg(*target, r.error().message);
        return std::nullopt;
    }
    return countsOf(*doc);
}

std::optional<Maintenance::HeadscaleImported> Maintenance::importHeadscale(const config::Config& config, const HeadscaleSource& source,
                                                                           bool dryRun, const Progress& progress, QString* error)
{
    const auto options = headscaleOptions(source, error);
    if (!options)
        return std::nullopt;
    HeadscaleImported result;
    result.source = describeDatabase(*options);
    const auto out = store::HeadscaleImport::read(*options);
    if (!out.ok()) {
        *error = QStringLiteral("%1: %2").arg(result.source, out.error().message);
        return std::nullopt;
    }
    if (!dryRun) {
        const auto s = openConfigured(config, false, &result.target, error);
        if (!s)
            return std::nullopt;
        store::Importer importer(*s);
        importer.setProgress(progress);
        if (const auto r = importer.write(out->document); !r.ok()) {
            *error = QStringLiteral("import into %1 failed, nothing was written: %2").arg(result.target, r.error().message);
            return std::nullopt;
        }
    }
    result.version = out->report.version;
    result.imported = out->report.imported;
    result.skipped = out->report.skipped;
    result.notes = out->report.notes;
    return result;
}

} // namespace keel::server
