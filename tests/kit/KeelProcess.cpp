#include "KeelProcess.h"

#include "ChildProcess.h"
#include "TestPaths.h"
#include "platform/Endpoint.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLocalSocket>
#include <QTcpServer>
#include <QThread>

#include <csignal>
#ifndef Q_OS_WIN
#include <sys/types.h>
#endif

namespace keel::test {

KeelProcess::KeelProcess()
    : m_port(freePort())
    , m_metricsPort(freePort())
{
    m_server.setProcessChannelMode(QProcess::MergedChannels);
}

KeelProcess::~KeelProcess()
{
    stop();
}

QString KeelProcess::keelBinary()
{
#ifdef Q_OS_WIN
    return binaryDir() + QStringLiteral("/daemon/keel.exe");
#else
    return binaryDir() + QStringLiteral("/daemon/keel");
#endif
}

quint16 KeelProcess::freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QProcessEnvironment KeelProcess::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Nothing from the developer's own environment may leak into the server under test.
    for (const QString& key : env.keys()) {
        if (key.startsWith(QLatin1String("KEEL_")) || key.startsWith(QLatin1String("HEADSCALE_")))
            env.remove(key);
    }
    env.insert(QStringLiteral("KEEL_DERP_URLS"), QString());  // no fetching of public DERP maps in tests
    env.insert(QStringLiteral("HOME"), m_dir.path());
    // Without it, a server run as root would create /var/lib/keel (the default data directory)
    // even when every file the config names is in m_dir.
    env.insert(QStringLiteral("KEEL_DATA_DIR"), m_dir.path());
    env.insert(m_extraEnv);
    return env;
}

void KeelProcess::writeConfig(const QByteArray& extra)
{
    QFile file(configPath());
    file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    file.write("server_url: http://127.0.0.1:" + QByteArray::number(m_port) + "\n"
               "listen_addr: 127.0.0.1:" + QByteArray::number(m_port) + "\n"
               "metrics_listen_addr: 127.0.0.1:" + QByteArray::number(m_metricsPort) + "\n"
               "noise:\n  private_key_path: noise_private.key\n"
               "prefixes:\n  v4: 100.64.0.0/10\n  v6: fd7a:115c:a1e0::/48\n"
               + (extra.contains("\ndatabase:") || extra.startsWith("database:") ? QByteArray() : QByteArray("database:\n  type: sqlite\n  sqlite:\n    path: db.sqlite\n")) +
               "unix_socket: keel.sock\nunix_socket_permission: \"0770\"\n"
               + (extra.contains("\nderp:") || extra.startsWith("derp:") ? QByteArray() : QByteArray("derp:\n  urls: []\n")) +
               "dns:\n  magic_dns: true\n  base_domain: tailnet.test\n  nameservers:\n    global: [1.1.1.1]\n"
               + extra);
}

bool KeelProcess::start(bool useConfig, QString* error)
{
    QProcessEnvironment env = environment();
    QStringList args{QStringLiteral("serve")};
    if (useConfig)
        args << QStringLiteral("-c") << configPath();
    m_server.setProcessEnvironment(env);
    m_server.setWorkingDirectory(m_dir.path());
    // The server dies with the test, even when the test is killed or aborts (Qt Test's watchdog):
    // no `keel serve` outlives the run that started it.
    dieWithTest(m_server);
    m_server.start(keelBinary(), args);
    if (!m_server.waitForStarted(5000)) {
        if (error)
            *error = QStringLiteral("cannot start %1: %2").arg(keelBinary(), m_server.errorString());
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15000) {
        if (m_server.state() != QProcess::Running) {
            if (error)
                *error = QStringLiteral("keel serve exited early:\n%1").arg(QString::fromUtf8(serverLog()));
            return false;
        }
        if (adminEndpointAnswers())
            return true;
        m_server.waitForReadyRead(50);
    }
    if (error)
        *error = QStringLiteral("keel serve did not open its admin socket in time:\n%1").arg(QString::fromUtf8(serverLog()));
    return false;
}

bool KeelProcess::adminEndpointAnswers(int waitMs) const
{
    QLocalSocket probe;
    probe.connectToServer(platform::localEndpointName(socketPath()));
    return probe.waitForConnected(waitMs);
}

void KeelProcess::stop()
{
    if (m_server.state() == QProcess::NotRunning) {
        m_log += m_server.readAll();
        failOnSanitizerReport();
        return;
    }
#ifdef Q_OS_WIN
    // No SIGTERM for a console program: Qt's terminate() only reaches windows, so it would just
    // cost the wait below. (Clean shutdown on Windows is Ctrl+C or the service's stop.)
    m_server.kill();
#else
    m_server.terminate();  // SIGTERM: the server shuts down cleanly
#endif
    // 20 s: a sanitized build (the ci preset) runs its leak check at exit, which takes a while.
    if (!m_server.waitForFinished(20000)) {
        m_server.kill();
        m_server.waitForFinished(2000);
    }
    m_log += m_server.readAll();
    failOnSanitizerReport();
}

void KeelProcess::failOnSanitizerReport() const
{
    // A report from the server (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer in the
    // ci preset's build) fails the test that ran it, even when the test itself saw nothing wrong.
    for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: "}) {
        const qsizetype at = m_log.indexOf(marker);
        if (at >= 0)
            qFatal("keel serve reported a sanitizer finding:\n%s", m_log.mid(qMax<qsizetype>(0, at - 2000), 12000).constData());
    }
}

bool KeelProcess::signal(int signalNumber)
{
#ifdef Q_OS_WIN
    // Windows has no signals to send; only "is it still running" (0) has an answer.
    return signalNumber == 0 && m_server.state() == QProcess::Running;
#else
    return m_server.state() == QProcess::Running && ::kill(pid_t(m_server.processId()), signalNumber) == 0;
#endif
}

bool KeelProcess::waitForExit(int ms)
{
    const bool exited = m_server.state() == QProcess::NotRunning || m_server.waitForFinished(ms);
    m_log += m_server.readAll();
    if (exited)
        failOnSanitizerReport();
    return exited;
}

int KeelProcess::exitCode() const
{
    return m_server.exitStatus() == QProcess::NormalExit ? m_server.exitCode() : -1;
}

QByteArray KeelProcess::serverLog()
{
    m_log += m_server.readAll();
    return m_log;
}

KeelProcess::CliResult KeelProcess::cli(const QStringList& args, const QProcessEnvironment& extraEnv, int timeoutMs) const
{
    QProcess process;
    QProcessEnvironment env = environment();
    for (const QString& key : extraEnv.keys())
        env.insert(key, extraEnv.value(key));
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(m_dir.path());
    process.start(keelBinary(), args);
    process.closeWriteChannel();  // no terminal: prompts must refuse, not hang
    CliResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

} // namespace keel::test
