#include "NginxProcess.h"

#include "ChildProcess.h"
#include "KeelProcess.h"

#include <QFile>
#include <QFileInfo>
#include <QTcpSocket>
#include <QThread>


namespace keel::test {

NginxProcess::NginxProcess()
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

NginxProcess::~NginxProcess()
{
    stop();
}

QString NginxProcess::binary()
{
    const QString forced = qEnvironmentVariable("KEEL_TEST_NGINX");
    return forced.isEmpty() ? QStringLiteral("/usr/sbin/nginx") : forced;
}

bool NginxProcess::start(quint16 upstreamPort, const QString& bindAddress, QString* error)
{
    if (!QFileInfo(binary()).isExecutable()) {
        *error = QStringLiteral("%1 is missing: install nginx (scripts/setup.sh --test)").arg(binary());
        return false;
    }
    m_port = KeelProcess::freePort();
    const QByteArray dir = m_dir.path().toUtf8();
    const QByteArray upstream = "http://127.0.0.1:" + QByteArray::number(upstreamPort);
    // The proxy block is the seed guide's (plus the map Headscale's documentation uses for
    // Connection); the rest keeps nginx in the foreground, as one process, inside `dir`.
    const QByteArray proxy =
        "            proxy_pass " + upstream + ";\n"
        "            proxy_bind " + bindAddress.toUtf8() + ";\n"
        "            proxy_http_version 1.1;\n"
        "            proxy_set_header Upgrade $http_upgrade;\n"
        "            proxy_set_header Connection $connection_upgrade;\n"
        "            proxy_set_header Host $host;\n"
        "            proxy_set_header X-Real-IP $remote_addr;\n"
        "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "            proxy_set_header X-Forwarded-Proto $scheme;\n"
        "            proxy_buffering off;\n";
    const QByteArray conf =
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + dir + "/nginx.pid;\n"
        "error_log " + dir + "/error.log info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    access_log " + dir + "/access.log;\n"
        "    client_body_temp_path " + dir + "/body;\n    proxy_temp_path " + dir + "/proxy;\n"
        "    fastcgi_temp_path " + dir + "/fastcgi;\n    uwsgi_temp_path " + dir + "/uwsgi;\n    scgi_temp_path " + dir + "/scgi;\n"
        "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n"
        "    server {\n"
        "        listen 127.0.0.1:" + QByteArray::number(m_port) + ";\n"
        "        server_name keel.test;\n"
        "        location / {\n" + proxy + "        }\n"
        "        location /ts2021 {\n" + proxy + "            proxy_read_timeout 1h;\n        }\n"
        "        location /derp {\n" + proxy + "            proxy_read_timeout 1h;\n        }\n"
        "    }\n"
        "}\n";
    QFile file(m_dir.filePath(QStringLiteral("nginx.conf")));
    if (!file.open(QIODevice::WriteOnly) || file.write(conf) != conf.size()) {
        *error = QStringLiteral("cannot write %1").arg(file.fileName());
        return false;
    }
    file.close();
    // nginx dies with the test, even when a sanitizer or Qt Test's watchdog aborts it (one was
    // found still running after such an abort).
    dieWithTest(m_process);
    m_process.start(binary(), {QStringLiteral("-p"), m_dir.path(), QStringLiteral("-e"), m_dir.filePath(QStringLiteral("error.log")),
                               QStringLiteral("-c"), file.fileName()});
    if (!m_process.waitForStarted(5000)) {
        *error = QStringLiteral("cannot start nginx: %1").arg(m_process.errorString());
        return false;
    }
    for (int i = 0; i < 100; ++i) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_port);
        if (probe.waitForConnected(200))
            return true;
        if (m_process.state() != QProcess::Running)
            break;
        QThread::msleep(50);
    }
    *error = QStringLiteral("nginx did not start listening: %1 %2").arg(QString::fromUtf8(m_process.readAll()), QString::fromUtf8(errorLog()));
    return false;
}

void NginxProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();   // SIGTERM: nginx's fast shutdown
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

QByteArray NginxProcess::errorLog() const
{
    QFile f(m_dir.filePath(QStringLiteral("error.log")));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace keel::test
