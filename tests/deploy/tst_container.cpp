// What can be tested of the container setup without a container engine: the entrypoint script
// against a real `keel serve` (secrets from KEEL_*_FILE, the HEALTHCHECK command), and the
// environment the Dockerfile, docker-compose.yml and the Kubernetes manifest set: every KEEL_*
// variable names a real config key, and together they make a config `keel configtest` accepts.
#include "KeelProcess.h"

#include "config/KeySchema.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <yaml-cpp/yaml.h>

using namespace keel;

namespace {

const QString kInstallers = QStringLiteral(KEEL_SOURCE_DIR "/installers");

QString entrypoint()
{
    return kInstallers + QStringLiteral("/container/entrypoint.sh");
}

// A clean environment: PATH and HOME only, nothing of the developer's KEEL_* or HEADSCALE_*.
QProcessEnvironment baseEnv(const QString& home)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("KEEL_BINARY"), test::KeelProcess::keelBinary());
    return env;
}

struct Run
{
    int exitCode = -1;
    QByteArray output;
};

Run run(const QStringList& args, const QProcessEnvironment& env, const QString& workDir)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(workDir);
    p.start(QStringLiteral("/bin/bash"), QStringList{entrypoint()} + args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAll()};
}

// "${POSTGRES_PASSWORD:?...}" and "${X:-default}" as compose expands them, with stand-ins for
// what an operator's .env would hold.
QString composeExpand(QString value)
{
    static const QRegularExpression ref(QStringLiteral("\\$\\{([A-Z_]+)(:-([^}]*)|:\\?[^}]*)?\\}"));
    QRegularExpressionMatch m;
    while ((m = ref.match(value)).hasMatch()) {
        QString with = m.captured(3);
        if (m.captured(2).isEmpty() || m.captured(2).startsWith(QLatin1String(":?")))
            with = m.captured(1) == QLatin1String("KEEL_SERVER_URL") ? QStringLiteral("https://keel.example.com") : QStringLiteral("stand-in");
        value.replace(m.capturedStart(), m.capturedLength(), with);
    }
    return value;
}

bool isConfigVariable(const QString& name)
{
    const QString suffix = name.mid(name.indexOf(QLatin1Char('_')) + 1);
    for (const config::KeySchema::Key& k : config::KeySchema::keys())
        if (config::KeySchema::envSuffix(QLatin1String(k.path)) == suffix)
            return true;
    return false;
}

// ENV lines of the Dockerfile's final stage ("ENV A=1 \ B=2").
QMap<QString, QString> dockerfileEnv()
{
    QFile f(kInstallers + QStringLiteral("/container/Dockerfile"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(f.readAll());
    text.replace(QStringLiteral("\\\n"), QStringLiteral(" "));
    QMap<QString, QString> env;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("FROM ")))
            env.clear();   // only the last stage counts
        if (!line.startsWith(QLatin1String("ENV ")))
            continue;
        for (const QString& pair : line.mid(4).split(QLatin1Char(' '), Qt::SkipEmptyParts))
            env.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
    }
    return env;
}

} // namespace

class TestContainer : public QObject
{
    Q_OBJECT

private slots:
    void composeAndKubernetesEnvironmentIsAValidConfig();
    void entrypointServesReadsSecretFilesAndChecksHealth();
    void entrypointRefusesAmbiguousSecrets();
};

void TestContainer::composeAndKubernetesEnvironmentIsAValidConfig()
{
    QTemporaryDir dir;
    const QMap<QString, QString> image = dockerfileEnv();
    QVERIFY2(image.contains(QStringLiteral("KEEL_LISTEN_ADDR")), "the Dockerfile's ENV was not found");

    QMap<QString, QMap<QString, QString>> sources;
    const YAML::Node compose = YAML::LoadFile((kInstallers + QStringLiteral("/container/docker-compose.yml")).toStdString());
    for (const auto& kv : compose["services"]["keel"]["environment"])
        sources[QStringLiteral("docker-compose.yml")].insert(QString::fromStdString(kv.first.as<std::string>()),
                                                             composeExpand(QString::fromStdString(kv.second.as<std::string>())));
    for (const YAML::Node& doc : YAML::LoadAllFromFile((kInstallers + QStringLiteral("/kubernetes/keel.yaml")).toStdString())) {
        if (doc["kind"].as<std::string>() != "Deployment")
            continue;
        for (const YAML::Node& e : doc["spec"]["template"]["spec"]["containers"][0]["env"])
            sources[QStringLiteral("kubernetes/keel.yaml")].insert(QString::fromStdString(e["name"].as<std::string>()),
                                                                   e["value"] ? QString::fromStdString(e["value"].as<std::string>())
                                                                              : QStringLiteral("from-a-secret"));
    }
    QCOMPARE(sources.size(), 2);
    for (auto it = sources.cbegin(); it != sources.cend(); ++it) {
        QProcessEnvironment env = baseEnv(dir.path());
        QMap<QString, QString> all = image;
        all.insert(it.value());
        for (auto v = all.cbegin(); v != all.cend(); ++v) {
            QVERIFY2(v.key().startsWith(QLatin1String("KEEL_")) && isConfigVariable(v.key()),
                     qPrintable(it.key() + QStringLiteral(": ") + v.key() + QStringLiteral(" is not a Keel config variable")));
            env.insert(v.key(), v.value());
        }
        // The image's paths, moved into the temporary directory.
        env.insert(QStringLiteral("KEEL_DATA_DIR"), dir.path());
        env.insert(QStringLiteral("KEEL_UNIX_SOCKET"), dir.filePath(QStringLiteral("keel.sock")));
        const Run r = run({QStringLiteral("configtest")}, env, dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(it.key() + QStringLiteral(":\n") + QString::fromUtf8(r.output)));
        QVERIFY2(r.output.contains("embedded default"), r.output.constData());
    }
}

void TestContainer::entrypointServesReadsSecretFilesAndChecksHealth()
{
    QTemporaryDir dir;
    const quint16 port = test::KeelProcess::freePort();
    QFile secret(dir.filePath(QStringLiteral("server_url")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("http://keel.test:1234\n");
    secret.close();
    QProcessEnvironment env = baseEnv(dir.path());
    env.insert(QStringLiteral("KEEL_DATA_DIR"), dir.path());
    env.insert(QStringLiteral("KEEL_LISTEN_ADDR"), QStringLiteral("127.0.0.1:%1").arg(port));
    env.insert(QStringLiteral("KEEL_METRICS_LISTEN_ADDR"), QStringLiteral("127.0.0.1:%1").arg(test::KeelProcess::freePort()));
    env.insert(QStringLiteral("KEEL_UNIX_SOCKET"), dir.filePath(QStringLiteral("keel.sock")));
    env.insert(QStringLiteral("KEEL_DERP_URLS"), QString());
    env.insert(QStringLiteral("KEEL_SERVER_URL_FILE"), secret.fileName());

    // Nothing listens yet: unhealthy.
    QVERIFY(run({QStringLiteral("healthcheck")}, env, dir.path()).exitCode != 0);

    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.setProcessEnvironment(env);
    server.setWorkingDirectory(dir.path());
    server.start(QStringLiteral("/bin/bash"), {entrypoint()});   // no argument: serve
    QVERIFY(server.waitForStarted());
    QByteArray log;
    QVERIFY2(QTest::qWaitFor([&] {
        log += server.readAll();
        return log.contains("listening on") || server.state() == QProcess::NotRunning;
    }, 20000), log.constData());
    QVERIFY2(log.contains("server_url http://keel.test:1234"), log.constData());
    QVERIFY2(run({QStringLiteral("healthcheck")}, env, dir.path()).exitCode == 0, log.constData());
    // Any other command goes to keel itself, with the same environment.
    const Run users = run({QStringLiteral("users"), QStringLiteral("list")}, env, dir.path());
    QVERIFY2(users.exitCode == 0, users.output.constData());
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    QVERIFY(run({QStringLiteral("healthcheck")}, env, dir.path()).exitCode != 0);
}

void TestContainer::entrypointRefusesAmbiguousSecrets()
{
    QTemporaryDir dir;
    QProcessEnvironment env = baseEnv(dir.path());
    env.insert(QStringLiteral("KEEL_DATABASE_POSTGRES_PASS"), QStringLiteral("a"));
    env.insert(QStringLiteral("KEEL_DATABASE_POSTGRES_PASS_FILE"), dir.filePath(QStringLiteral("pass")));
    Run r = run({QStringLiteral("configtest")}, env, dir.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("use one"), r.output.constData());
    env.remove(QStringLiteral("KEEL_DATABASE_POSTGRES_PASS"));
    r = run({QStringLiteral("configtest")}, env, dir.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("cannot be read"), r.output.constData());
}

QTEST_GUILESS_MAIN(TestContainer)
#include "tst_container.moc"
