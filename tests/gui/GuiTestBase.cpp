#include "GuiTestBase.h"

#include "config/ConfigLoader.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>

namespace keel::test {

namespace {
quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
}

void GuiTestBase::startAll()
{
    QStandardPaths::setTestModeEnabled(true);   // QSettings go to a test location, not the user's
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_port = freePort();
    const QByteArray dir = m_dir->path().toUtf8();
    const QByteArray yaml = "server_url: http://127.0.0.1:" + QByteArray::number(m_port) + "\n"
                            "listen_addr: 127.0.0.1:" + QByteArray::number(m_port) + "\n"
                            "metrics_listen_addr: \"\"\n"
                            "data_dir: " + dir + "\n"
                            "noise:\n  private_key_path: " + dir + "/noise_private.key\n"
                            "prefixes:\n  v4: 100.64.0.0/10\n  v6: fd7a:115c:a1e0::/48\n"
                            "database:\n  type: sqlite\n  sqlite:\n    path: " + dir + "/db.sqlite\n"
                            + m_derpYaml.replace("%DIR%", dir) +
                            "policy:\n  mode: database\n"
                            + m_dnsYaml +
                            "unix_socket: " + dir + "/keel.sock\n";
    const config::LoadResult loaded = config::ConfigLoader::loadFromText(yaml, m_dir->filePath(QStringLiteral("config.yaml")), QProcessEnvironment());
    QVERIFY2(loaded.ok(), qPrintable(loaded.errors().value(0).message));
    m_config = loaded.config;

    m_host = std::make_unique<gui::ServerHost>();
    QSignalSpy started(m_host.get(), &gui::ServerHost::started);
    QSignalSpy failed(m_host.get(), &gui::ServerHost::failed);
    m_host->start(m_config);
    QVERIFY(QTest::qWaitFor([&] { return !started.isEmpty() || !failed.isEmpty(); }, 15000));
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    m_socketPath = started.first().first().toString();

    gui::ApiEndpoint endpoint;
    endpoint.socketPath = m_socketPath;
    m_session = std::make_unique<gui::ServerSession>(endpoint);
    m_controller = std::make_unique<gui::Controller>(*m_session);
    m_window = std::make_unique<gui::MainWindow>(*m_session, *m_controller, QStringLiteral("test"));
    m_window->show();
    m_session->start();
    QVERIFY(waitOnline());
}

void GuiTestBase::restartHost()
{
    m_host = std::make_unique<gui::ServerHost>();
    QSignalSpy started(m_host.get(), &gui::ServerHost::started);
    QSignalSpy failed(m_host.get(), &gui::ServerHost::failed);
    m_host->start(m_config);
    QVERIFY(QTest::qWaitFor([&] { return !started.isEmpty() || !failed.isEmpty(); }, 15000));
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
}

bool GuiTestBase::waitOnline(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_session->status() == gui::ServerSession::Status::Online; }, timeoutMs);
}

void GuiTestBase::stopAll()
{
    m_window.reset();
    m_controller.reset();
    m_session.reset();
    if (m_host)
        m_host->stop();
    m_host.reset();
    m_dir.reset();
}

} // namespace keel::test
