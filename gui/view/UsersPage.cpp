#include "UsersPage.h"

#include "SecretDialog.h"
#include "TableSetup.h"
#include "app/Controller.h"
#include "model/ApiKeyModel.h"
#include "model/PreAuthKeyModel.h"
#include "model/ServerSession.h"
#include "model/UserModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace keel::gui {

namespace {
QGroupBox* section(const QString& title, QTableView* table, const QList<QPushButton*>& buttons, QWidget* parent)
{
    auto* box = new QGroupBox(title, parent);
    auto* layout = new QVBoxLayout(box);
    auto* row = new QHBoxLayout;
    for (QPushButton* b : buttons)
        row->addWidget(b);
    row->addStretch();
    layout->addLayout(row);
    layout->addWidget(table, 1);
    return box;
}

QPushButton* button(const QString& text, const QString& accessible, QWidget* parent)
{
    auto* b = new QPushButton(text, parent);
    b->setAccessibleName(accessible);
    return b;
}
}

UsersPage::UsersPage(ServerSession& session, Controller& controller, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_controller(controller)
{
    m_users = makeTable(makeProxy(&session.users(), this), QStringLiteral("usersTable"), tr("Users"), this);
    m_keys = makeTable(makeProxy(&session.preAuthKeys(), this), QStringLiteral("preAuthKeysTable"), tr("Pre-auth keys"), this);
    m_apiKeys = makeTable(makeProxy(&session.apiKeys(), this), QStringLiteral("apiKeysTable"), tr("API keys"), this);

    auto* addUserButton = button(tr("&Add user…"), tr("Add user"), this);
    auto* renameButton = button(tr("&Rename…"), tr("Rename user"), this);
    auto* deleteButton = button(tr("&Delete"), tr("Delete user"), this);
    auto* newKeyButton = button(tr("&New pre-auth key…"), tr("New pre-auth key"), this);
    newKeyButton->setObjectName(QStringLiteral("newPreAuthKeyButton"));
    auto* expireKeyButton = button(tr("E&xpire key"), tr("Expire pre-auth key"), this);
    auto* newApiButton = button(tr("New &API key…"), tr("New API key"), this);
    auto* expireApiButton = button(tr("Expire API key"), tr("Expire API key"), this);

    connect(addUserButton, &QPushButton::clicked, this, &UsersPage::addUser);
    connect(renameButton, &QPushButton::clicked, this, &UsersPage::renameUser);
    connect(deleteButton, &QPushButton::clicked, this, &UsersPage::deleteUser);
    connect(newKeyButton, &QPushButton::clicked, this, &UsersPage::newPreAuthKey);
    connect(expireKeyButton, &QPushButton::clicked, this, &UsersPage::expirePreAuthKey);
    connect(newApiButton, &QPushButton::clicked, this, &UsersPage::newApiKey);
    connect(expireApiButton, &QPushButton::clicked, this, &UsersPage::expireApiKey);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(section(tr("Users"), m_users, {addUserButton, renameButton, deleteButton}, this));
    splitter->addWidget(section(tr("Pre-auth keys (let devices join without approval)"), m_keys, {newKeyButton, expireKeyButton}, this));
    splitter->addWidget(section(tr("API keys (for remote administration)"), m_apiKeys, {newApiButton, expireApiButton}, this));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
}

QString UsersPage::loginServer() const
{
    return m_loginServer.isEmpty() ? QStringLiteral("https://your-keel-server") : m_loginServer;
}

QString UsersPage::selectedKey(QTableView* view) const
{
    const QModelIndexList rows = view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(JsonTableModel::KeyRole).toString();
}

void UsersPage::addUser()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Add user"), tr("User name (letters, digits, '.', '-', '_', '@'):"), QLineEdit::Normal, {}, &ok).trimmed();
    if (ok && !name.isEmpty())
        m_controller.createUser(name, {}, {});
}

void UsersPage::renameUser()
{
    const QJsonObject user = m_session.users().byKey(selectedKey(m_users));
    if (user.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename user"), tr("New name:"), QLineEdit::Normal, json::text(user, "name"), &ok).trimmed();
    if (ok && !name.isEmpty())
        m_controller.renameUser(json::text(user, "id"), name);
}

void UsersPage::deleteUser()
{
    const QJsonObject user = m_session.users().byKey(selectedKey(m_users));
    if (user.isEmpty())
        return;
    if (QMessageBox::warning(this, tr("Delete user"), tr("Delete user %1? A user who still owns nodes cannot be deleted.").arg(json::text(user, "name")),
                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Yes)
        m_controller.deleteUser(json::text(user, "id"));
}

void UsersPage::newPreAuthKey()
{
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("newPreAuthKeyDialog"));
    dialog->setWindowTitle(tr("New pre-auth key"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto* user = new QComboBox(dialog);
    user->setObjectName(QStringLiteral("keyUser"));
    user->setAccessibleName(tr("Key owner"));
    user->addItem(tr("(none: a tagged key)"), QString());
    for (const QJsonObject& u : m_session.users().rows())
        user->addItem(json::text(u, "name"), json::text(u, "id"));
    if (user->count() > 1)
        user->setCurrentIndex(1);
    auto* reusable = new QCheckBox(tr("Reusable (for several devices)"), dialog);
    auto* ephemeral = new QCheckBox(tr("Ephemeral (the node is removed when it goes offline)"), dialog);
    auto* hours = new QSpinBox(dialog);
    hours->setRange(1, 24 * 365);
    hours->setValue(24);
    hours->setSuffix(tr(" hours"));
    hours->setAccessibleName(tr("Key lifetime in hours"));
    auto* tags = new QLineEdit(dialog);
    tags->setPlaceholderText(tr("tag:server (optional)"));
    tags->setAccessibleName(tr("Key tags"));
    auto* form = new QFormLayout(dialog);
    form->addRow(tr("&User:"), user);
    form->addRow(QString(), reusable);
    form->addRow(QString(), ephemeral);
    form->addRow(tr("&Valid for:"), hours);
    form->addRow(tr("&Tags:"), tags);
    auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    box->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    form->addRow(box);
    connect(box, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(box, &QDialogButtonBox::accepted, dialog, [=, this] {
        QStringList tagList;
        for (const QString& t : tags->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
            tagList << t.trimmed();
        m_controller.createPreAuthKey(user->currentData().toString(), reusable->isChecked(), ephemeral->isChecked(), hours->value(), tagList,
                                      [this](const QJsonObject& answer) { showPreAuthKey(answer.value(QStringLiteral("preAuthKey")).toObject()); });
        dialog->accept();
    });
    dialog->open();
}

void UsersPage::showPreAuthKey(const QJsonObject& key)
{
    const QString secret = json::text(key, "key");
    const QString command = QStringLiteral("tailscale up --login-server=%1 --authkey=%2").arg(loginServer(), secret);
    auto* dialog = new SecretDialog(tr("New pre-auth key"), secret, command, this);
    dialog->open();
    Q_EMIT secretShown(dialog);
}

void UsersPage::expirePreAuthKey()
{
    const QString id = selectedKey(m_keys);
    if (!id.isEmpty())
        m_controller.expirePreAuthKey(id);
}

void UsersPage::newApiKey()
{
    bool ok = false;
    const int days = QInputDialog::getInt(this, tr("New API key"), tr("Valid for (days):"), 90, 1, 3650, 1, &ok);
    if (!ok)
        return;
    m_controller.createApiKey(days, [this](const QJsonObject& answer) {
        auto* dialog = new SecretDialog(tr("New API key"), answer.value(QStringLiteral("apiKey")).toString(), {}, this);
        dialog->open();
        Q_EMIT secretShown(dialog);
    });
}

void UsersPage::expireApiKey()
{
    const QJsonObject key = m_session.apiKeys().byKey(selectedKey(m_apiKeys));
    if (!key.isEmpty())
        m_controller.expireApiKey(json::text(key, "prefix"));
}

} // namespace keel::gui
