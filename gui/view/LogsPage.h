#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;

namespace keel::gui {

class LogModel;
class ServerSession;

// The server's log (live from GET /api/v1/logs in every mode, filtered by level and module) and
// the audit log (who changed what).
class LogsPage : public QWidget
{
    Q_OBJECT

public:
    LogsPage(ServerSession& session, QWidget* parent = nullptr);
    LogModel* logModel() const { return m_log; }

private:
    void setUpServerLog();

    ServerSession& m_session;
    QTabWidget* m_tabs;
    LogModel* m_log = nullptr;
    QWidget* m_logPane;
    QLabel* m_logNotice;
    QLabel* m_auditNotice;
};

} // namespace keel::gui
