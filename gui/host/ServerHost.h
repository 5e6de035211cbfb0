#pragma once

#include "config/Config.h"

#include <QObject>
#include <QThread>

namespace keel::server {
class Server;
}

namespace keel::gui {

// "This computer" mode: runs the same server object `keel serve` runs (server::Server) on a worker
// thread of its own, so its work never waits for the GUI and the GUI never waits for it. The GUI
// then talks to it like to any other server: through the admin API on its unix socket.
class ServerHost : public QObject
{
    Q_OBJECT

public:
    explicit ServerHost(QObject* parent = nullptr);
    ~ServerHost() override;

    // Starts the server from `config` (asynchronously: started() or failed() follows).
    void start(const config::Config& config);
    // Tells clients it is going away, stops it and ends the thread; blocks at most a few seconds
    // (on quit only, when the window is already gone).
    void stop();
    bool isRunning() const { return m_running; }
    const config::Config& config() const { return m_config; }
    quint16 httpPort() const { return m_httpPort; }

Q_SIGNALS:
    void started(const QString& socketPath);
    void failed(const QString& error);

private:
    QThread m_thread;
    QObject* m_context = nullptr;    // lives on m_thread; queued work is posted to it
    server::Server* m_server = nullptr;   // created, used and destroyed on m_thread only
    config::Config m_config;
    bool m_running = false;
    quint16 m_httpPort = 0;
};

} // namespace keel::gui
