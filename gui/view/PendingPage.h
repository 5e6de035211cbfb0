#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace keel::gui {

class Controller;
class ServerSession;

// What waits for the admin: interactive registrations (approve to a user, with tags, or reject)
// and, with device approval on, registered devices not yet authorized.
class PendingPage : public QWidget
{
    Q_OBJECT

public:
    PendingPage(ServerSession& session, Controller& controller, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QComboBox* userBox() const { return m_user; }
    QPushButton* approveButton() const { return m_approve; }

private:
    QString selectedAuthId() const;
    void updateState();
    void approve();
    void reject();
    void authorize();

    ServerSession& m_session;
    Controller& m_controller;
    QLabel* m_notice;
    QTableView* m_table;
    QComboBox* m_user;
    QLineEdit* m_tags;
    QPushButton* m_approve;
    QPushButton* m_reject;
    QTableView* m_devices;
    QPushButton* m_authorize;
};

} // namespace keel::gui
