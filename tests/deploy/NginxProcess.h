#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace keel::test {

// Debian's nginx as an operator runs it in front of Keel (the seed guide's proxy block: HTTP/1.1
// upstream, Upgrade/Connection passed through for /ts2021 and /derp, X-Real-IP,
// X-Forwarded-For and X-Forwarded-Proto set), started in the foreground on loopback with every
// path (pid, logs, temp files) inside its own temporary directory.
class NginxProcess
{
public:
    NginxProcess();
    ~NginxProcess();

    static QString binary();   // /usr/sbin/nginx (override: KEEL_TEST_NGINX)

    // Proxies 127.0.0.1:<port()> to 127.0.0.1:<upstreamPort>, connecting upstream from
    // `bindAddress` (proxy_bind) so Keel sees the proxy at an address of its own.
    bool start(quint16 upstreamPort, const QString& bindAddress, QString* error);
    void stop();
    quint16 port() const { return m_port; }
    QByteArray errorLog() const;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace keel::test
