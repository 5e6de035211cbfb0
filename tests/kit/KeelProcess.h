#pragma once

#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QTemporaryDir>

namespace keel::test {

// A real `keel serve` in a temporary directory, on free loopback ports, plus a way to run the CLI
// against it, for end-to-end tests.
class KeelProcess
{
public:
    struct CliResult
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
        QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    };

    KeelProcess();
    ~KeelProcess();

    static QString keelBinary();
    static quint16 freePort();

    QString dir() const { return m_dir.path(); }
    QString configPath() const { return m_dir.filePath(QStringLiteral("config.yaml")); }
    QString socketPath() const { return m_dir.filePath(QStringLiteral("keel.sock")); }
    // Whether the admin endpoint at socketPath() takes a connection now: the socket file on POSIX,
    // a named pipe on Windows (which leaves no file to look for).
    bool adminEndpointAnswers(int waitMs = 200) const;
    QString databasePath() const { return m_dir.filePath(QStringLiteral("db.sqlite")); }
    quint16 port() const { return m_port; }
    quint16 metricsPort() const { return m_metricsPort; }

    // Writes config.yaml: a minimal valid config on this instance's ports and paths, plus `extra` YAML.
    void writeConfig(const QByteArray& extra = {});
    // Starts `keel serve -c config.yaml` (or with no config file when useConfig is false, relying on
    // KEEL_* environment variables) and waits until the admin socket answers.
    bool start(bool useConfig = true, QString* error = nullptr);
    void stop();
    bool signal(int signalNumber);
    // After signal(): waits for the server to exit; false if it is still running after `ms`.
    bool waitForExit(int ms);
    // The exit code of a server that exited normally, -1 for one killed by a signal.
    int exitCode() const;
    qint64 pid() const { return m_server.processId(); }
    QByteArray serverLog();

    CliResult cli(const QStringList& args, const QProcessEnvironment& extraEnv = {}, int timeoutMs = 20000) const;
    QProcessEnvironment environment() const;
    // A variable for the server and the CLI on top of the clean environment (e.g. KEEL_ACME_CA_BUNDLE).
    void addEnvironment(const QString& name, const QString& value) { m_extraEnv.insert(name, value); }

private:
    void failOnSanitizerReport() const;

    QTemporaryDir m_dir;
    quint16 m_port = 0;
    quint16 m_metricsPort = 0;
    QProcess m_server;
    QByteArray m_log;
    QProcessEnvironment m_extraEnv;
};

} // namespace keel::test
