#include "FirstRunWizard.h"

#include "config/ConfigLoader.h"
#include "platform/Files.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHostInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSaveFile>
#include <QUrl>
#include <QWizardPage>

namespace keel::gui {

namespace {
QByteArray quoted(const QString& s)
{
    QString escaped = s;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return '"' + escaped.toUtf8() + '"';
}

QWizardPage* makePage(const QString& title, const QString& subTitle, QFormLayout** form)
{
    auto* p = new QWizardPage;
    p->setTitle(title);
    p->setSubTitle(subTitle);
    *form = new QFormLayout(p);
    return p;
}
}

FirstRunWizard::FirstRunWizard(const QString& configPath, QWidget* parent)
    : QWizard(parent)
    , m_configPath(configPath)
{
    setWindowTitle(tr("Set up Keel on this computer"));
    setOption(QWizard::NoBackButtonOnStartPage);
    QFormLayout* form = nullptr;

    QWizardPage* network = makePage(tr("How devices reach this server"),
                                tr("Devices log in at the server URL; it must be reachable from them (use this computer's name or address, not 127.0.0.1, for other machines)."),
                                &form);
    m_url = new QLineEdit(QStringLiteral("http://%1:8080").arg(QHostInfo::localHostName()), network);
    m_url->setAccessibleName(tr("Server URL"));
    m_listen = new QLineEdit(QStringLiteral("0.0.0.0:8080"), network);
    m_listen->setAccessibleName(tr("Listen address"));
    form->addRow(tr("Server &URL:"), m_url);
    form->addRow(tr("&Listen address:"), m_listen);
    addPage(network);

    QWizardPage* storage = makePage(tr("Data and encryption"),
                                tr("Where the database and keys are kept, and an optional TLS certificate (without one, put a TLS proxy in front for devices outside this network)."),
                                &form);
    m_dataDir = new QLineEdit(config::ConfigLoader::defaultDataDir(QProcessEnvironment::systemEnvironment()), storage);
    m_dataDir->setAccessibleName(tr("Data directory"));
    m_cert = new QLineEdit(storage);
    m_cert->setPlaceholderText(tr("optional: /path/to/fullchain.pem"));
    m_cert->setAccessibleName(tr("TLS certificate file"));
    m_key = new QLineEdit(storage);
    m_key->setPlaceholderText(tr("optional: /path/to/privkey.pem"));
    m_key->setAccessibleName(tr("TLS key file"));
    m_derp = new QCheckBox(tr("Run the embedded DERP relay and STUN server (needs an https server URL)"), storage);
    form->addRow(tr("&Data directory:"), m_dataDir);
    form->addRow(tr("TLS &certificate:"), m_cert);
    form->addRow(tr("TLS &key:"), m_key);
    form->addRow(QString(), m_derp);
    addPage(storage);

    QWizardPage* first = makePage(tr("The first user"), tr("Devices belong to users. Create the first one now; a pre-auth key lets its first device join without approval."), &form);
    m_user = new QLineEdit(qEnvironmentVariable("USER"), first);
    m_user->setAccessibleName(tr("First user name"));
    m_createKey = new QCheckBox(tr("Create a pre-auth key for this user"), first);
    m_createKey->setChecked(true);
    form->addRow(tr("User &name:"), m_user);
    form->addRow(QString(), m_createKey);
    form->addRow(new QLabel(tr("The configuration is written to %1.").arg(QDir::toNativeSeparators(m_configPath)), first));
    addPage(first);
}

FirstRunWizard::Answers FirstRunWizard::answers() const
{
    Answers a;
    a.serverUrl = m_url->text().trimmed();
    a.listenAddr = m_listen->text().trimmed();
    a.dataDir = m_dataDir->text().trimmed();
    a.tlsCert = m_cert->text().trimmed();
    a.tlsKey = m_key->text().trimmed();
    a.embeddedDerp = m_derp->isChecked();
    a.firstUser = m_user->text().trimmed();
    a.createKey = m_createKey->isChecked();
    return a;
}

bool FirstRunWizard::validateCurrentPage()
{
    const Answers a = answers();
    QString problem;
    if (currentId() == 0) {
        const QUrl url(a.serverUrl);
        if (!url.isValid() || url.host().isEmpty() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            problem = tr("The server URL must look like https://keel.example.com or http://192.168.1.10:8080.");
        else if (!a.listenAddr.contains(QLatin1Char(':')))
            problem = tr("The listen address needs a port, such as 0.0.0.0:8080.");
    } else if (currentId() == 1) {
        if (a.dataDir.isEmpty())
            problem = tr("Choose a data directory.");
        else if (a.tlsCert.isEmpty() != a.tlsKey.isEmpty())
            problem = tr("Give both the TLS certificate and its key, or neither.");
        else if (a.embeddedDerp && !a.serverUrl.startsWith(QLatin1String("https://")))
            problem = tr("The embedded relay needs an https server URL.");
    } else if (currentId() == 2) {
        if (a.firstUser.isEmpty())
            problem = tr("Enter a user name.");
        else if (QString error; !writeConfig(m_configPath, a, &error))
            problem = error;
    }
    if (!problem.isEmpty()) {
        QMessageBox::warning(this, windowTitle(), problem);
        return false;
    }
    return true;
}

QByteArray FirstRunWizard::configYaml(const Answers& a)
{
    const QDir data(a.dataDir);
    QByteArray y = "# Written by Keel Manager's first-run wizard. `keel serve -c <this file>` runs the same server.\n";
    y += "server_url: " + quoted(a.serverUrl) + "\n";
    y += "listen_addr: " + quoted(a.listenAddr) + "\n";
    y += "metrics_listen_addr: \"\"\n";
    y += "data_dir: " + quoted(a.dataDir) + "\n";
    y += "noise:\n  private_key_path: " + quoted(data.filePath(QStringLiteral("noise_private.key"))) + "\n";
    y += "prefixes:\n  v4: 100.64.0.0/10\n  v6: fd7a:115c:a1e0::/48\n";
    y += "database:\n  type: sqlite\n  sqlite:\n    path: " + quoted(data.filePath(QStringLiteral("db.sqlite"))) + "\n";
    y += "derp:\n  server:\n    enabled: " + QByteArray(a.embeddedDerp ? "true" : "false") + "\n";
    if (a.embeddedDerp)
        y += "    stun_listen_addr: \"0.0.0.0:3478\"\n    private_key_path: " + quoted(data.filePath(QStringLiteral("derp_server_private.key"))) + "\n";
    y += "  urls: []\n";
    if (!a.tlsCert.isEmpty())
        y += "tls_cert_path: " + quoted(a.tlsCert) + "\ntls_key_path: " + quoted(a.tlsKey) + "\n";
    y += "policy:\n  mode: database\n";
    y += "dns:\n  magic_dns: true\n  base_domain: keel.internal\n  override_local_dns: false\n";
    y += "unix_socket: " + quoted(data.filePath(QStringLiteral("keel.sock"))) + "\n";
    y += "unix_socket_permission: \"0770\"\n";
    return y;
}

bool FirstRunWizard::writeConfig(const QString& path, const Answers& answers, QString* error)
{
    const QByteArray yaml = configYaml(answers);
    const config::LoadResult check = config::ConfigLoader::loadFromText(yaml, path, QProcessEnvironment());
    if (!check.ok()) {
        QStringList problems;
        for (const auto& d : check.errors())
            problems << d.message;
        *error = tr("These settings are not valid: %1").arg(problems.join(QStringLiteral("; ")));
        return false;
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath()) || !QDir().mkpath(answers.dataDir)) {
        *error = tr("Cannot create the folders for %1 and %2.").arg(path, answers.dataDir);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(yaml) != yaml.size() || !file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    // It may come to hold secrets: 0600 on POSIX, an owner-only ACL on Windows (where Qt's
    // permission bits do not reach the ACL).
    platform::restrictToOwner(path);
    return true;
}

} // namespace keel::gui
