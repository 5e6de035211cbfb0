#pragma once

#include <QWidget>

class QPushButton;
class QTableView;

namespace keel::gui {

class Controller;
class ServerSession;
class SecretDialog;

// Users, pre-auth keys and API keys. A new key is shown once, in a SecretDialog.
class UsersPage : public QWidget
{
    Q_OBJECT

public:
    UsersPage(ServerSession& session, Controller& controller, QWidget* parent = nullptr);

    // The URL clients log in with, for the `tailscale up` line (this computer: server_url).
    void setLoginServer(const QString& url) { m_loginServer = url; }
    QString loginServer() const;
    QTableView* usersTable() const { return m_users; }
    QTableView* keysTable() const { return m_keys; }

    // Opens the new-key dialog with these defaults (the wizard's first key uses it too).
    void newPreAuthKey();
    void showPreAuthKey(const QJsonObject& key);

Q_SIGNALS:
    void secretShown(keel::gui::SecretDialog* dialog);   // tests look at it

private:
    QString selectedKey(QTableView* view) const;
    void addUser();
    void renameUser();
    void deleteUser();
    void expirePreAuthKey();
    void newApiKey();
    void expireApiKey();

    ServerSession& m_session;
    Controller& m_controller;
    QString m_loginServer;
    QTableView* m_users;
    QTableView* m_keys;
    QTableView* m_apiKeys;
};

} // namespace keel::gui
