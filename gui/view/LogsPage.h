#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;

namespace keel::gui {

class LogModel;
class ServerSession;

// The server's log (live, filtered by level and module; only when the server runs in this
// process) and the audit log (who changed what).
class LogsPage : public QWidget
{
    Q_OBJECT

public:
    LogsPage(ServerSession& session, QWidget* parent = nullptr);
    // This computer: show the in-process server's log.
    void enableServerLog();

private:
    ServerSession& m_session;
    QTabWidget* m_tabs;
    LogModel* m_log = nullptr;
    QWidget* m_logPane;
    QLabel* m_logNotice;
    QLabel* m_auditNotice;
};

} // namespace keel::gui
