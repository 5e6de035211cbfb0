#pragma once

#include "ConnectionChoice.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace keel::gui {

class Controller;
class MainWindow;
class SecretStore;
class ServerHost;
class ServerSession;
class TrayIcon;

// Keel Manager as a whole: picks the server (saved choice, command line, or the connect dialog),
// runs it in this process when asked (first-run wizard included), and builds the session, the
// controller and the window on top. Switching servers tears these down and builds them again.
class ManagerApp : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        ConnectionChoice choice;   // mode None: the saved one, else ask
        QString apiKey;            // remote: from the command line's environment, not saved
        QString screenshotDir;     // take a picture of every view there, then quit
    };

    explicit ManagerApp(QObject* parent = nullptr);
    ~ManagerApp() override;

    // Returns false when the user cancelled the first question (the program ends).
    bool start(const Options& options);

    MainWindow* window() const;
    ServerSession* session() const { return m_session.get(); }

private:
    bool ask();
    void open(const ConnectionChoice& choice, const QString& apiKey);
    void startThisComputer(const ConnectionChoice& choice);
    void openSession(const ConnectionChoice& choice, const QString& socketPath, const QString& apiKey);
    void afterFirstRun();
    void teardown();
    void quit();
    void takeScreenshots();
    QString configPathFor(const ConnectionChoice& choice) const;

    Options m_options;
    ConnectionChoice m_choice;
    std::unique_ptr<ServerHost> m_host;
    std::unique_ptr<ServerSession> m_session;
    std::unique_ptr<Controller> m_controller;
    QPointer<MainWindow> m_window;
    TrayIcon* m_tray = nullptr;
    SecretStore* m_secrets;
    QString m_firstUser;   // set by the wizard: created once the server answers
    bool m_firstKey = false;
};

} // namespace keel::gui
