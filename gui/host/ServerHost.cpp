#include "ServerHost.h"

#include "server/Server.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QMetaObject>

namespace keel::gui {

ServerHost::ServerHost(QObject* parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("keel-server"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

ServerHost::~ServerHost()
{
    stop();
    m_thread.quit();
    m_thread.wait();
}

void ServerHost::start(const config::Config& config)
{
    m_config = config;
    QMetaObject::invokeMethod(m_context, [this, config] {
        auto* server = new server::Server(config);
        QString error;
        if (!server->start(&error)) {
            delete server;
            QMetaObject::invokeMethod(this, [this, error] { Q_EMIT failed(error); });
            return;
        }
        m_server = server;
        const quint16 port = server->httpPort();
        QMetaObject::invokeMethod(this, [this, port, socket = config.unixSocket] {
            m_running = true;
            m_httpPort = port;
            Q_EMIT started(socket);
        });
    });
}

void ServerHost::stop()
{
    if (!m_thread.isRunning())
        return;
    // Runs on the server thread, and this thread waits for it: the server is gone when we return.
    QMetaObject::invokeMethod(m_context, [this] {
        if (!m_server)
            return;
        m_server->beginShutdown();
        // A moment for the goodbye frames to leave before the listeners close.
        QEventLoop loop;
        QDeadlineTimer deadline(300);
        while (!deadline.hasExpired())
            loop.processEvents(QEventLoop::AllEvents, 50);
        m_server->stop();
        delete m_server;
        m_server = nullptr;
    }, Qt::BlockingQueuedConnection);
    m_running = false;
}

} // namespace keel::gui
