#pragma once

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace keel::gui {

class Controller;
class DashboardPage;
class LogsPage;
class NodesPage;
class PendingPage;
class PolicyPage;
class RoutesPage;
class ServerSession;
class UsersPage;

// Keel Manager's window: a list of views on the left, the view on the right, the connection's
// state in a banner (when the server is away) and in the status bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum Page { Dashboard, Nodes, Pending, Users, Policy, Routes, Logs, PageCount };

    MainWindow(ServerSession& session, Controller& controller, const QString& modeText, QWidget* parent = nullptr);
    ~MainWindow() override;

    void showPage(Page page);
    Page currentPage() const;
    // Closing hides the window (the server keeps running) instead of ending the program.
    void setCloseHides(bool on) { m_closeHides = on; }

    DashboardPage* dashboardPage() const { return m_dashboard; }
    NodesPage* nodesPage() const { return m_nodes; }
    PendingPage* pendingPage() const { return m_pending; }
    UsersPage* usersPage() const { return m_users; }
    PolicyPage* policyPage() const { return m_policy; }
    RoutesPage* routesPage() const { return m_routes; }
    LogsPage* logsPage() const { return m_logs; }
    QLabel* banner() const { return m_banner; }

Q_SIGNALS:
    void switchServerRequested();
    void quitRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void updateConnection();
    void updatePendingBadge();
    void showAbout();

    ServerSession& m_session;
    QListWidget* m_nav;
    QStackedWidget* m_stack;
    QLabel* m_banner;
    QLabel* m_connection;
    DashboardPage* m_dashboard;
    NodesPage* m_nodes;
    PendingPage* m_pending;
    UsersPage* m_users;
    PolicyPage* m_policy;
    RoutesPage* m_routes;
    LogsPage* m_logs;
    QString m_modeText;
    bool m_closeHides = false;
};

} // namespace keel::gui
