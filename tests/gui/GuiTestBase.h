#pragma once

#include "app/Controller.h"
#include "app/MainWindow.h"
#include "config/Config.h"
#include "host/ServerHost.h"
#include "model/ServerSession.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace keel::test {

// What every in-process GUI test stands on: a real Keel server run by ServerHost (its own thread,
// SQLite in a temporary directory, loopback ports), the session over its unix socket, the
// controller and the main window, shown on the offscreen platform.
class GuiTestBase : public QObject
{
    Q_OBJECT

protected:
    // Writes the config, starts the server and opens the window; QVERIFY-style failures.
    void startAll();
    void stopAll();
    // Waits until the session is online (lists read).
    bool waitOnline(int timeoutMs = 15000);

    // The derp: and dns: sections of the config (a suite may turn on the embedded relay, add records).
    QByteArray m_derpYaml = "derp:\n  urls: []\n";
    QByteArray m_dnsYaml = "dns:\n  magic_dns: true\n  base_domain: tailnet.test\n  override_local_dns: false\n";
    // Starts the in-process server again with the same config (after m_host->stop()).
    void restartHost();

    config::Config m_config;
    quint16 m_port = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<gui::ServerHost> m_host;
    std::unique_ptr<gui::ServerSession> m_session;
    std::unique_ptr<gui::Controller> m_controller;
    std::unique_ptr<gui::MainWindow> m_window;
    QString m_socketPath;
};

} // namespace keel::test
