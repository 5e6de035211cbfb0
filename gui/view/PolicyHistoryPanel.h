#pragma once

#include <QJsonArray>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace keel::gui {

class Controller;
class ServerSession;

// The policy history beside the editor: every stored policy (newest first, who stored it and
// when), the differences of the selected one against the policy in force, and a rollback that
// puts it in force again (through the server's checks, like a save). Re-read when the policy
// changes.
class PolicyHistoryPanel : public QWidget
{
    Q_OBJECT

public:
    PolicyHistoryPanel(ServerSession& session, Controller& controller, QWidget* parent = nullptr);

    QTreeWidget* list() const { return m_list; }
    QPushButton* rollbackButton() const { return m_rollback; }
    QPlainTextEdit* diffView() const { return m_diff; }
    int entryCount() const { return int(m_entries.size()); }

    void reload();
    // Rolls back to the selected entry; `confirm` false skips the question (tests, shortcuts).
    void rollBackSelected(bool confirm = true);

Q_SIGNALS:
    void loaded();

private:
    void show(const QJsonArray& entries);
    void selectionChanged();

    ServerSession& m_session;
    Controller& m_controller;
    QTreeWidget* m_list;
    QPlainTextEdit* m_diff;
    QPushButton* m_rollback;
    QLabel* m_status;
    QJsonArray m_entries;
};

} // namespace keel::gui
