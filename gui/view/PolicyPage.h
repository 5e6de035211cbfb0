#pragma once

#include "PolicyLocator.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace keel::gui {

class Controller;
class PolicyHistoryPanel;
class ServerSession;

// The policy editor: HuJSON with highlighting; checked as you type, first in this process (syntax
// and meaning, with the problem marked at its line and column), then by the server (against the
// live users and nodes, running the policy's tests). Only a text the server accepted, tests
// included, can be saved, and saving checks once more. A diff against the policy in force, and
// "can A reach B on port P, and by which rule".
class PolicyPage : public QWidget
{
    Q_OBJECT

public:
    PolicyPage(ServerSession& session, Controller& controller, QWidget* parent = nullptr);

    QPlainTextEdit* editor() const { return m_editor; }
    QPushButton* saveButton() const { return m_save; }
    QLabel* statusLabel() const { return m_status; }
    // The problem marked in the editor now (line 0: none).
    PolicyProblem markedProblem() const { return m_problem; }
    bool isChecking() const { return m_checking; }
    PolicyHistoryPanel* history() const { return m_history; }

    void save();

private:
    void loadFromServer();
    void textEdited();
    void checkNow();
    void mark(const PolicyProblem& problem);
    void setStatus(const QString& text, bool error);
    void updateButtons();
    void showDiff();
    void explain();

    ServerSession& m_session;
    Controller& m_controller;
    QPlainTextEdit* m_editor;
    QPlainTextEdit* m_diff;
    QLabel* m_status;
    QPushButton* m_save;
    QPushButton* m_revert;
    QPushButton* m_diffButton;
    QComboBox* m_src;
    QComboBox* m_dst;
    QSpinBox* m_port;
    QComboBox* m_proto;
    QLabel* m_answer;
    PolicyHistoryPanel* m_history;
    QTimer m_debounce;
    PolicyProblem m_problem;
    QString m_checkedText;   // the last text the server accepted
    bool m_checking = false;
    int m_checkSerial = 0;
    bool m_loading = false;
};

} // namespace keel::gui
