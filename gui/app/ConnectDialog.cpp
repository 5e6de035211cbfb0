#include "ConnectDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace keel::gui {

ConnectDialog::ConnectDialog(const ConnectionChoice& current, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Choose a Keel server"));
    m_thisComputer = new QRadioButton(tr("&This computer: Keel Manager runs the server (it keeps running in the tray)"), this);
    m_daemon = new QRadioButton(tr("A Keel &daemon on this machine (keel serve)"), this);
    m_remote = new QRadioButton(tr("A &remote Keel server"), this);
    m_socket = new QLineEdit(current.socketPath.isEmpty() ? QStringLiteral("/var/lib/keel/keel.sock") : current.socketPath, this);
    m_socket->setAccessibleName(tr("Unix socket of the daemon"));
    m_url = new QLineEdit(current.url.toString(), this);
    m_url->setPlaceholderText(QStringLiteral("https://keel.example.com"));
    m_url->setAccessibleName(tr("Server URL"));
    m_key = new QLineEdit(this);
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("from `keel apikeys create` (kept in the system keychain)"));
    m_key->setAccessibleName(tr("API key"));
    m_insecure = new QCheckBox(tr("Accept a self-signed certificate"), this);
    m_insecure->setChecked(current.insecure);

    auto* daemonForm = new QFormLayout;
    daemonForm->setContentsMargins(24, 0, 0, 0);
    daemonForm->addRow(tr("&Socket:"), m_socket);
    auto* remoteForm = new QFormLayout;
    remoteForm->setContentsMargins(24, 0, 0, 0);
    remoteForm->addRow(tr("&URL:"), m_url);
    remoteForm->addRow(tr("API &key:"), m_key);
    remoteForm->addRow(QString(), m_insecure);

    auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    box->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(box, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_thisComputer);
    layout->addWidget(m_daemon);
    layout->addLayout(daemonForm);
    layout->addWidget(m_remote);
    layout->addLayout(remoteForm);
    layout->addWidget(box);

    (current.mode == ConnectionChoice::Mode::LocalDaemon ? m_daemon
     : current.mode == ConnectionChoice::Mode::Remote    ? m_remote
                                                         : m_thisComputer)->setChecked(true);
    for (QRadioButton* b : {m_thisComputer, m_daemon, m_remote})
        connect(b, &QRadioButton::toggled, this, &ConnectDialog::updateState);
    updateState();
}

void ConnectDialog::updateState()
{
    m_socket->setEnabled(m_daemon->isChecked());
    for (QWidget* w : QList<QWidget*>{m_url, m_key, m_insecure})
        w->setEnabled(m_remote->isChecked());
}

ConnectionChoice ConnectDialog::choice() const
{
    ConnectionChoice c;
    c.mode = m_thisComputer->isChecked() ? ConnectionChoice::Mode::ThisComputer
           : m_daemon->isChecked()       ? ConnectionChoice::Mode::LocalDaemon
                                         : ConnectionChoice::Mode::Remote;
    c.socketPath = m_socket->text().trimmed();
    c.url = QUrl::fromUserInput(m_url->text().trimmed());
    c.insecure = m_insecure->isChecked();
    return c;
}

QString ConnectDialog::apiKey() const
{
    return m_key->text().trimmed();
}

void ConnectDialog::accept()
{
    const ConnectionChoice c = choice();
    if (c.mode == ConnectionChoice::Mode::LocalDaemon && c.socketPath.isEmpty()) {
        QMessageBox::warning(this, windowTitle(), tr("Enter the path of the daemon's unix socket (unix_socket in its config.yaml)."));
        return;
    }
    if (c.mode == ConnectionChoice::Mode::Remote && (!c.url.isValid() || c.url.host().isEmpty())) {
        QMessageBox::warning(this, windowTitle(), tr("Enter the server's URL, such as https://keel.example.com."));
        return;
    }
    QDialog::accept();
}

} // namespace keel::gui
