#include "ManagerApp.h"

#include "ConnectDialog.h"
#include "Controller.h"
#include "FirstRunWizard.h"
#include "MainWindow.h"
#include "SecretStore.h"
#include "TrayIcon.h"
#include "common/Log.h"
#include "config/ConfigLoader.h"
#include "host/ServerHost.h"
#include "model/PendingModel.h"
#include "model/ServerSession.h"
#include "model/UserModel.h"
#include "view/DashboardPage.h"
#include "view/LogsPage.h"
#include "view/RoutesPage.h"
#include "view/UsersPage.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QTimer>

namespace keel::gui {

ManagerApp::ManagerApp(QObject* parent)
    : QObject(parent)
    , m_secrets(new SecretStore(this))
{
}

ManagerApp::~ManagerApp()
{
    teardown();
}

MainWindow* ManagerApp::window() const
{
    return m_window;
}

bool ManagerApp::start(const Options& options)
{
    m_options = options;
    ConnectionChoice choice = options.choice.mode != ConnectionChoice::Mode::None ? options.choice : ConnectionChoice::load();
    if (choice.mode == ConnectionChoice::Mode::None)
        return ask();
    open(choice, options.apiKey);
    return true;
}

bool ManagerApp::ask()
{
    ConnectDialog dialog(m_choice.mode == ConnectionChoice::Mode::None ? ConnectionChoice::load() : m_choice);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    const ConnectionChoice choice = dialog.choice();
    const QString key = dialog.apiKey();
    if (choice.mode == ConnectionChoice::Mode::Remote && !key.isEmpty()) {
        m_secrets->write(choice.url.toString(), key, [](const QString& error) {
            if (!error.isEmpty())
                QMessageBox::warning(nullptr, tr("Keel Manager"),
                                     tr("The API key could not be stored in the system keychain (%1). It is used for this session only.").arg(error));
        });
    }
    teardown();
    choice.save();
    open(choice, key);
    return true;
}

QString ManagerApp::configPathFor(const ConnectionChoice& choice) const
{
    if (!choice.configPath.isEmpty())
        return choice.configPath;
    for (const QString& candidate : config::ConfigLoader::searchPaths(QProcessEnvironment::systemEnvironment()))
        if (QFileInfo(candidate).isFile())
            return candidate;
    return QDir::home().filePath(QStringLiteral(".keel/config.yaml"));
}

void ManagerApp::open(const ConnectionChoice& choice, const QString& apiKey)
{
    m_choice = choice;
    switch (choice.mode) {
    case ConnectionChoice::Mode::ThisComputer:
        startThisComputer(choice);
        return;
    case ConnectionChoice::Mode::LocalDaemon:
        openSession(choice, choice.socketPath, {});
        return;
    case ConnectionChoice::Mode::Remote:
        if (!apiKey.isEmpty()) {
            openSession(choice, {}, apiKey);
            return;
        }
        m_secrets->read(choice.url.toString(), [this, choice](const QString& secret, const QString& error) {
            if (secret.isEmpty()) {
                QMessageBox::information(nullptr, tr("Keel Manager"),
                                         error.isEmpty() ? tr("No API key is stored for %1. Enter one.").arg(choice.describe())
                                                         : tr("The system keychain could not be read (%1). Enter the API key again.").arg(error));
                if (!ask())
                    quit();
                return;
            }
            openSession(choice, {}, secret);
        });
        return;
    case ConnectionChoice::Mode::None:
        break;
    }
}

void ManagerApp::startThisComputer(const ConnectionChoice& choice)
{
    const QString path = configPathFor(choice);
    if (!QFileInfo(path).isFile()) {
        FirstRunWizard wizard(path);
        if (wizard.exec() != QDialog::Accepted) {
            if (!ask())
                quit();
            return;
        }
        m_firstUser = wizard.answers().firstUser;
        m_firstKey = wizard.answers().createKey;
    }
    const config::LoadResult loaded = config::ConfigLoader::load(path, QProcessEnvironment::systemEnvironment());
    if (!loaded.ok()) {
        QStringList problems;
        for (const auto& d : loaded.errors())
            problems << d.message;
        QMessageBox::critical(nullptr, tr("Keel Manager"), tr("%1 has errors:\n%2").arg(path, problems.join(QLatin1Char('\n'))));
        if (!ask())
            quit();
        return;
    }
    // The server's log goes to the in-memory ring the Logs view reads (and to stderr).
    log::install(log::Format::Text);
    log::setLevel(loaded.config.log.level);
    m_host = std::make_unique<ServerHost>();
    connect(m_host.get(), &ServerHost::failed, this, [this](const QString& error) {
        QMessageBox::critical(nullptr, tr("Keel Manager"), tr("The server could not start: %1").arg(error));
        m_host.reset();
        if (!ask())
            quit();
    });
    connect(m_host.get(), &ServerHost::started, this, [this, choice](const QString& socketPath) { openSession(choice, socketPath, {}); });
    m_host->start(loaded.config);
}

void ManagerApp::openSession(const ConnectionChoice& choice, const QString& socketPath, const QString& apiKey)
{
    ApiEndpoint endpoint;
    endpoint.socketPath = socketPath;
    if (choice.mode == ConnectionChoice::Mode::Remote) {
        endpoint.baseUrl = choice.url;
        endpoint.apiKey = apiKey;
        endpoint.insecure = choice.insecure;
    }
    m_session = std::make_unique<ServerSession>(endpoint);
    m_controller = std::make_unique<Controller>(*m_session);
    m_window = new MainWindow(*m_session, *m_controller, choice.describe());
    m_window->setAttribute(Qt::WA_DeleteOnClose, false);
    connect(m_window, &MainWindow::switchServerRequested, this, [this] {
        if (!ask() && !m_window)
            quit();
    });
    connect(m_window, &MainWindow::quitRequested, this, &ManagerApp::quit);

    if (m_host) {
        const config::Config& c = m_host->config();
        m_window->usersPage()->setLoginServer(c.serverUrl);
        if (TrayIcon::isAvailable()) {
            m_tray = new TrayIcon(this);
            m_tray->show();
            m_window->setCloseHides(true);
            connect(m_tray, &TrayIcon::showWindowRequested, m_window, [this] {
                m_window->show();
                m_window->raise();
                m_window->activateWindow();
            });
            connect(m_tray, &TrayIcon::quitRequested, this, &ManagerApp::quit);
            connect(m_session.get(), &ServerSession::statusChanged, m_tray, [this] { m_tray->setStatus(m_session->statusText()); });
        }
    } else if (choice.mode == ConnectionChoice::Mode::Remote) {
        m_window->usersPage()->setLoginServer(choice.url.toString(QUrl::RemovePath | QUrl::RemoveUserInfo));
    }
    connect(m_session.get(), &ServerSession::registrationArrived, this, [this](const QJsonObject& r) {
        const QString text = tr("%1 asks to join the tailnet.").arg(r.value(QStringLiteral("hostname")).toString());
        if (m_tray)
            m_tray->notify(tr("A device is waiting for approval"), text);
        else
            QApplication::alert(m_window);
    });
    connect(m_session.get(), &ServerSession::statusChanged, this, [this](ServerSession::Status status) {
        if (status == ServerSession::Status::Online && !m_firstUser.isEmpty())
            afterFirstRun();
    });
    m_window->show();
    m_session->start();
    if (!m_options.screenshotDir.isEmpty())
        QTimer::singleShot(qEnvironmentVariableIntValue("KEEL_MANAGER_SCREENSHOT_DELAY_MS") > 0 ? qEnvironmentVariableIntValue("KEEL_MANAGER_SCREENSHOT_DELAY_MS") : 4000,
                           this, &ManagerApp::takeScreenshots);
}

void ManagerApp::afterFirstRun()
{
    const QString user = std::exchange(m_firstUser, {});
    m_controller->createUser(user, {}, {}, [this](const QJsonObject& answer) {
        const QString id = answer.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
        if (!m_firstKey || id.isEmpty() || !m_window)
            return;
        m_window->showPage(MainWindow::Users);
        m_controller->createPreAuthKey(id, true, false, 24 * 7, {}, [this](const QJsonObject& key) {
            if (m_window)
                m_window->usersPage()->showPreAuthKey(key.value(QStringLiteral("preAuthKey")).toObject());
        });
    });
}

void ManagerApp::teardown()
{
    delete m_window;
    delete m_tray;
    m_tray = nullptr;
    m_controller.reset();
    m_session.reset();
    if (m_host)
        m_host->stop();
    m_host.reset();
}

void ManagerApp::quit()
{
    teardown();
    QTimer::singleShot(0, qApp, &QCoreApplication::quit);
}

} // namespace keel::gui
